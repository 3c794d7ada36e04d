#pragma once
// ImdsClient: EC2 instance metadata with IMDSv2 sessions. Every read first
// PUTs /latest/api/token (x-aws-ec2-metadata-token-ttl-seconds: 21600), then
// GETs with x-aws-ec2-metadata-token. Timeouts are short (1 s, as the SDKs):
// off EC2 nothing answers and the sidecar must not hang. In a container on EC2
// the token PUT times out when the instance's response hop limit is 1; the
// error says so and how to raise it.
//
// Settings: AWS_EC2_METADATA_DISABLED=true, AWS_EC2_METADATA_SERVICE_ENDPOINT
// (default http://169.254.169.254, or http://[fd00:ec2::254] with
// AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE=IPv6), AWS_METADATA_SERVICE_TIMEOUT
// (seconds), AWS_METADATA_SERVICE_NUM_ATTEMPTS.

#include <chrono>
#include <optional>
#include <string>

#include "aws/environment.h"

namespace cw::aws {

struct ImdsOptions {
  bool disabled = false;
  std::string endpoint = "http://169.254.169.254";
  std::chrono::milliseconds timeout{1000};
  int attempts = 1;

  static ImdsOptions from_environment(const Environment& env);
};

class ImdsClient {
 public:
  explicit ImdsClient(ImdsOptions options) : options_(std::move(options)) {}

  // The body of GET <endpoint><path>; throws CredentialsError("IMDS: ...").
  std::string get(const std::string& path) const;

 private:
  // nullopt when the service has no IMDSv2 (404/405): an IMDSv1-only emulator.
  std::optional<std::string> token() const;

  ImdsOptions options_;
};

// The instance's region from /latest/meta-data/placement/region; nullopt and
// `why` when IMDS is disabled or does not answer.
std::optional<std::string> imds_region(const Environment& env, std::string& why);

}  // namespace cw::aws
