#include "aws/endpoint.h"

#include <stdexcept>

namespace cw::aws {

Endpoint endpoint_from_url(std::string_view url, std::string_view region) {
  Endpoint endpoint;
  endpoint.region = std::string(region);
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) {
    throw std::invalid_argument("endpoint URL '" + std::string(url) + "' has no scheme (http:// or https://)");
  }
  const std::string_view scheme = url.substr(0, scheme_end);
  if (scheme != "http" && scheme != "https") {
    throw std::invalid_argument("endpoint URL '" + std::string(url) + "' must use http or https");
  }
  std::string_view rest = url.substr(scheme_end + 3);
  const auto slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? std::string_view("/") : rest.substr(slash);
  if (authority.empty()) throw std::invalid_argument("endpoint URL '" + std::string(url) + "' has no host");
  const std::string default_port = scheme == "https" ? ":443" : ":80";
  if (authority.ends_with(default_port)) authority.remove_suffix(default_port.size());
  endpoint.host = std::string(authority);
  endpoint.url = std::string(scheme) + "://" + endpoint.host + std::string(path);
  return endpoint;
}

Endpoint resolve_logs_endpoint(std::string_view region, std::string_view override_url, EndpointFlags flags) {
  if (!override_url.empty()) {
    // The rule set's first branch: a custom endpoint excludes both variants.
    if (flags.use_fips) {
      throw EndpointRuleError("Invalid Configuration: FIPS and custom endpoint are not supported (unset "
                              "AWS_USE_FIPS_ENDPOINT or the endpoint URL)");
    }
    if (flags.use_dual_stack) {
      throw EndpointRuleError("Invalid Configuration: Dualstack and custom endpoint are not supported (unset "
                              "AWS_USE_DUALSTACK_ENDPOINT or the endpoint URL)");
    }
    return endpoint_from_url(override_url, region);
  }
  const RuleEndpoint rule = resolve_rule_endpoint("logs", region, flags);
  return endpoint_from_url(rule.url + "/", rule.signing_region);
}

}  // namespace cw::aws
