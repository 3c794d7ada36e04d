#pragma once
// The public endpoint of a service in a region, as the AWS endpoint rule sets
// define it (../shared/aws-models/logs-2014-03-28-endpoint-rule-set-1.json for
// CloudWatch Logs; STS's rule set with the regional endpoints, the SDKs'
// default). The partition of a region is found as the rule sets' aws.partition
// function does: an exact region name first, then the partition's region
// pattern, else the "aws" partition.

#include <stdexcept>
#include <string>
#include <string_view>

namespace cw::aws {

struct Partition {
  std::string_view name;              // "aws", "aws-cn", "aws-us-gov", ...
  std::string_view dns_suffix;        // "amazonaws.com"
  std::string_view dual_stack_suffix; // "api.aws"
  bool supports_fips;
  bool supports_dual_stack;
};

struct EndpointFlags {
  bool use_fips = false;        // AWS_USE_FIPS_ENDPOINT
  bool use_dual_stack = false;  // AWS_USE_DUALSTACK_ENDPOINT
};

// Rule-set errors ("FIPS is enabled but this partition does not support FIPS").
class EndpointRuleError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

const Partition& partition_of(std::string_view region);

struct RuleEndpoint {
  std::string url;             // "https://logs.eu-west-1.amazonaws.com" (no trailing slash)
  std::string signing_region;  // usually the region; us-east-1 for STS's aws-global
};

// service: "logs" or "sts". Throws EndpointRuleError for an empty or malformed
// region (not a DNS label) and for flag combinations the rule set refuses.
RuleEndpoint resolve_rule_endpoint(std::string_view service, std::string_view region, EndpointFlags flags);

}  // namespace cw::aws
