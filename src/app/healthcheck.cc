#include "app/healthcheck.h"

#include <cstdlib>

#include "http/client.h"

namespace cw::app {

HealthcheckResult run_healthcheck(const std::optional<ListenAddress>& address, std::chrono::milliseconds timeout) {
  if (!address) {
    return {1, "unhealthy: METRICS_ADDRESS is off, so there is no /healthz to ask (set it, e.g. 127.0.0.1:9880)"};
  }
  // The sidecar is on this host: a proxy from the container's environment
  // (http_proxy, ALL_PROXY) must not be asked. This process only does this.
  ::setenv("no_proxy", "*", 1);
  http::Options options;
  options.connect_timeout = timeout;
  options.request_timeout = timeout;
  options.user_agent = "cw-sidecar-healthcheck";
  http::HttpClient client(options);
  http::Request request;
  request.method = "GET";
  request.url = address->connect_url() + "/healthz";
  const http::Response response = client.perform(request);
  if (!response.transport_error.empty()) {
    return {1, "unhealthy: " + request.url + ": " + response.transport_error};
  }
  std::string body = response.body;
  while (!body.empty() && (body.back() == '\n' || body.back() == '\r')) body.pop_back();
  if (response.status == 200) return {0, "healthy: " + body};
  return {1, "unhealthy (HTTP " + std::to_string(response.status) + "): " + body};
}

}  // namespace cw::app
