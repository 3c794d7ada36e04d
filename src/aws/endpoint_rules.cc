#include "aws/endpoint_rules.h"

#include <array>
#include <regex>

namespace cw::aws {
namespace {

struct PartitionEntry {
  Partition partition;
  const char* region_pattern;
  std::array<std::string_view, 4> extra_regions;  // names the pattern does not match (global pseudo-regions)
};

// The partitions' outputs as the AWS partitions table publishes them. Every
// partition supports FIPS and dual-stack today; the flags stay so that the
// rule set's error branches remain expressible.
const std::array<PartitionEntry, 8>& partitions() {
  static const std::array<PartitionEntry, 8> table = {{
      {{"aws", "amazonaws.com", "api.aws", true, true}, R"(^(us|eu|ap|sa|ca|me|af|il|mx)\-\w+\-\d+$)",
       {"aws-global"}},
      {{"aws-cn", "amazonaws.com.cn", "api.amazonwebservices.com.cn", true, true}, R"(^cn\-\w+\-\d+$)",
       {"aws-cn-global"}},
      {{"aws-us-gov", "amazonaws.com", "api.aws", true, true}, R"(^us\-gov\-\w+\-\d+$)", {"aws-us-gov-global"}},
      {{"aws-iso", "c2s.ic.gov", "api.aws.ic.gov", true, true}, R"(^us\-iso\-\w+\-\d+$)", {"aws-iso-global"}},
      {{"aws-iso-b", "sc2s.sgov.gov", "api.aws.scloud", true, true}, R"(^us\-isob\-\w+\-\d+$)",
       {"aws-iso-b-global"}},
      {{"aws-iso-e", "cloud.adc-e.uk", "api.cloud-aws.adc-e.uk", true, true}, R"(^eu\-isoe\-\w+\-\d+$)",
       {"aws-iso-e-global"}},
      {{"aws-iso-f", "csp.hci.ic.gov", "api.aws.hci.ic.gov", true, true}, R"(^us\-isof\-\w+\-\d+$)",
       {"aws-iso-f-global"}},
      {{"aws-eusc", "amazonaws.eu", "api.amazonwebservices.eu", true, true}, R"(^eusc\-(de)\-\w+\-\d+$)", {}},
  }};
  return table;
}

// A region becomes part of a host name: only a DNS label is acceptable.
bool is_host_label(std::string_view s) {
  if (s.empty() || s.size() > 63 || s.front() == '-') return false;
  for (char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

const Partition& partition_of(std::string_view region) {
  // The partitions table lists the known regions (exact match) first: a new
  // region named like another partition's pattern still lands right.
  for (const auto& entry : partitions()) {
    for (std::string_view extra : entry.extra_regions) {
      if (!extra.empty() && extra == region) return entry.partition;
    }
  }
  const std::string text(region);
  for (const auto& entry : partitions()) {
    if (std::regex_search(text, std::regex(entry.region_pattern))) return entry.partition;
  }
  return partitions()[0].partition;  // aws.partition falls back to "aws"
}

RuleEndpoint resolve_rule_endpoint(std::string_view service, std::string_view region, EndpointFlags flags) {
  if (region.empty()) throw EndpointRuleError("Invalid Configuration: Missing Region");
  if (!is_host_label(region)) {
    throw EndpointRuleError("region '" + std::string(region) + "' is not a valid region name");
  }
  const Partition& p = partition_of(region);
  const std::string r(region);
  const std::string svc(service);
  RuleEndpoint out{"", r};
  if (flags.use_fips && flags.use_dual_stack) {
    if (!p.supports_fips || !p.supports_dual_stack) {
      throw EndpointRuleError("FIPS and DualStack are enabled, but this partition does not support one or both");
    }
    out.url = "https://" + svc + "-fips." + r + "." + std::string(p.dual_stack_suffix);
    return out;
  }
  if (flags.use_fips) {
    if (!p.supports_fips) throw EndpointRuleError("FIPS is enabled but this partition does not support FIPS");
    // GovCloud's ordinary endpoints are already FIPS endpoints: both rule sets
    // map FIPS there to the plain host (logs: the two named regions, STS: the
    // whole partition).
    const bool gov_plain = service == "sts" ? p.name == "aws-us-gov"
                                            : (region == "us-gov-east-1" || region == "us-gov-west-1");
    if (gov_plain) {
      out.url = "https://" + svc + "." + r + ".amazonaws.com";
    } else {
      out.url = "https://" + svc + "-fips." + r + "." + std::string(p.dns_suffix);
    }
    return out;
  }
  if (flags.use_dual_stack) {
    if (!p.supports_dual_stack) {
      throw EndpointRuleError("DualStack is enabled but this partition does not support DualStack");
    }
    out.url = "https://" + svc + "." + r + "." + std::string(p.dual_stack_suffix);
    return out;
  }
  if (service == "sts" && region == "aws-global") {
    out.url = "https://sts.amazonaws.com";
    out.signing_region = "us-east-1";
    return out;
  }
  out.url = "https://" + svc + "." + r + "." + std::string(p.dns_suffix);
  return out;
}

}  // namespace cw::aws
