#pragma once
// The ECS task this container runs in, from the task metadata endpoint v4
// that ECS gives every container as ECS_CONTAINER_METADATA_URI_V4: GET on it
// describes the container, GET on <it>/task the task. Read once at start for
// the {ecs_*} name placeholders.

#include <chrono>
#include <optional>
#include <string>

#include "aws/environment.h"

namespace cw::aws {

struct EcsTask {
  std::string cluster;    // the cluster's name (the ARN's last part)
  std::string task_id;    // the task ARN's last part
  std::string family;     // the task definition's family
  std::string container;  // this container's name
};

struct EcsMetadataOptions {
  int attempts = 5;  // the agent may not answer in the first moments of a task
  std::chrono::milliseconds retry_delay{1000};
  std::chrono::milliseconds timeout{2000};
};

// nullopt, with the reason in `why`, when the variable is unset or the
// endpoint gave no usable answer after every attempt.
std::optional<EcsTask> read_ecs_task(const Environment& env, const EcsMetadataOptions& options, std::string& why);

}  // namespace cw::aws
