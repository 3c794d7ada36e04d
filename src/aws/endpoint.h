#pragma once
// Where CloudWatch Logs requests go: an explicit URL (AWS_ENDPOINT_URL_CLOUDWATCH_LOGS,
// AWS_ENDPOINT_URL, the flag) or the region's public endpoint.

#include <string>
#include <string_view>

namespace cw::aws {

struct Endpoint {
  std::string url;        // "https://logs.eu-west-1.amazonaws.com/" — requests are POSTed here
  std::string host;       // the Host header: host[:port], port only when not the scheme's default
  std::string region;     // the signing region
};

// Throws std::invalid_argument with a one-line reason for a malformed URL.
Endpoint resolve_logs_endpoint(std::string_view region, std::string_view override_url);

}  // namespace cw::aws
