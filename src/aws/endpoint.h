#pragma once
// Where CloudWatch Logs requests go: an explicit URL (AWS_ENDPOINT_URL_CLOUDWATCH_LOGS,
// AWS_ENDPOINT_URL, the flag) or the region's public endpoint from the rule set
// (endpoint_rules.h), FIPS and dual-stack included.

#include <string>
#include <string_view>

#include "aws/endpoint_rules.h"

namespace cw::aws {

struct Endpoint {
  std::string url;        // "https://logs.eu-west-1.amazonaws.com/" — requests are POSTed here
  std::string host;       // the Host header: host[:port], port only when not the scheme's default
  std::string region;     // the signing region
};

// Throws std::invalid_argument with a one-line reason for a malformed URL, and
// EndpointRuleError (an invalid_argument) for what the rule set refuses, e.g.
// FIPS with a custom endpoint.
Endpoint resolve_logs_endpoint(std::string_view region, std::string_view override_url, EndpointFlags flags = {});

// An http(s) URL as an Endpoint signed for `region`; throws std::invalid_argument.
Endpoint endpoint_from_url(std::string_view url, std::string_view region);

}  // namespace cw::aws
