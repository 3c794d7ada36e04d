#include "aws/ecs_task_metadata.h"

#include <simdjson.h>

#include <thread>

#include "http/client.h"

namespace cw::aws {
namespace {

std::string last_part(std::string_view arn) {
  const auto slash = arn.rfind('/');
  return std::string(slash == std::string_view::npos ? arn : arn.substr(slash + 1));
}

// The body of a GET, or nullopt with `why` after every attempt failed.
std::optional<std::string> get(http::HttpClient& client, const std::string& url, const EcsMetadataOptions& options,
                               std::string& why) {
  for (int attempt = 0; attempt < options.attempts; ++attempt) {
    if (attempt > 0) std::this_thread::sleep_for(options.retry_delay);
    http::Request request;
    request.method = "GET";
    request.url = url;
    const http::Response response = client.perform(request);
    if (response.ok()) return response.body;
    why = "GET " + url + ": " +
          (response.transport_error.empty() ? "HTTP " + std::to_string(response.status) : response.transport_error);
  }
  why += " (" + std::to_string(options.attempts) + " attempts)";
  return std::nullopt;
}

std::optional<std::string> string_field(simdjson::dom::element object, const char* name) {
  std::string_view value;
  if (object[name].get_string().get(value) != simdjson::SUCCESS || value.empty()) return std::nullopt;
  return std::string(value);
}

}  // namespace

std::optional<EcsTask> read_ecs_task(const Environment& env, const EcsMetadataOptions& options, std::string& why) {
  const std::optional<std::string> base = env.get("ECS_CONTAINER_METADATA_URI_V4");
  if (!base || base->empty()) {
    why = "ECS_CONTAINER_METADATA_URI_V4 is not set (it is, in every container of an ECS task)";
    return std::nullopt;
  }
  http::HttpClient client(http::Options{options.timeout, options.timeout, "", "cw-sidecar", nullptr});
  const std::optional<std::string> container = get(client, *base, options, why);
  if (!container) return std::nullopt;
  const std::optional<std::string> task = get(client, *base + "/task", options, why);
  if (!task) return std::nullopt;

  simdjson::dom::parser parser;
  simdjson::dom::element container_json;
  if (parser.parse(*container).get(container_json) != simdjson::SUCCESS) {
    why = "the ECS container metadata at " + *base + " is not JSON";
    return std::nullopt;
  }
  EcsTask out;
  const auto name = string_field(container_json, "Name");
  simdjson::dom::parser task_parser;
  simdjson::dom::element task_json;
  if (!name || task_parser.parse(*task).get(task_json) != simdjson::SUCCESS) {
    why = "the ECS metadata at " + *base + " has no container Name, or its /task is not JSON";
    return std::nullopt;
  }
  const auto cluster = string_field(task_json, "Cluster");
  const auto arn = string_field(task_json, "TaskARN");
  const auto family = string_field(task_json, "Family");
  if (!cluster || !arn || !family) {
    why = "the ECS task metadata at " + *base + "/task lacks Cluster, TaskARN or Family";
    return std::nullopt;
  }
  out.container = *name;
  out.cluster = last_part(*cluster);
  out.task_id = last_part(*arn);
  out.family = *family;
  return out;
}

}  // namespace cw::aws
