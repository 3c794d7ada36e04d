#include "aws/endpoint.h"

#include <stdexcept>

namespace cw::aws {
namespace {

std::string public_host(std::string_view region) {
  std::string host = "logs." + std::string(region) + ".amazonaws.com";
  if (region.starts_with("cn-")) host += ".cn";
  return host;
}

}  // namespace

Endpoint resolve_logs_endpoint(std::string_view region, std::string_view override_url) {
  Endpoint endpoint;
  endpoint.region = std::string(region);
  if (override_url.empty()) {
    endpoint.host = public_host(region);
    endpoint.url = "https://" + endpoint.host + "/";
    return endpoint;
  }
  const auto scheme_end = override_url.find("://");
  if (scheme_end == std::string_view::npos) {
    throw std::invalid_argument("endpoint URL '" + std::string(override_url) + "' has no scheme (http:// or https://)");
  }
  const std::string_view scheme = override_url.substr(0, scheme_end);
  if (scheme != "http" && scheme != "https") {
    throw std::invalid_argument("endpoint URL '" + std::string(override_url) + "' must use http or https");
  }
  std::string_view rest = override_url.substr(scheme_end + 3);
  const auto slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? std::string_view("/") : rest.substr(slash);
  if (authority.empty()) throw std::invalid_argument("endpoint URL '" + std::string(override_url) + "' has no host");
  const std::string default_port = scheme == "https" ? ":443" : ":80";
  if (authority.ends_with(default_port)) authority.remove_suffix(default_port.size());
  endpoint.host = std::string(authority);
  endpoint.url = std::string(scheme) + "://" + endpoint.host + std::string(path);
  return endpoint;
}

}  // namespace cw::aws
