#pragma once
// Healthcheck: `cw-sidecar --healthcheck`, the container image's HEALTHCHECK
// (the image has no curl). It asks the running sidecar's /healthz over
// loopback and exits as Docker expects: 0 healthy, 1 unhealthy. Never 2,
// which Docker reserves.
//
// Without a metrics listener there is nothing to ask: that is 1 (unhealthy),
// not a silent 0, so a deployment that turned the listener off notices that
// its health check can no longer see anything. The image turns it on (on
// 127.0.0.1) so this does not happen by default.

#include <chrono>
#include <optional>
#include <string>

#include "app/listen_address.h"

namespace cw::app {

struct HealthcheckResult {
  int exit_code = 1;
  std::string message;  // one line for `docker inspect` (the health log keeps stdout)
};

HealthcheckResult run_healthcheck(const std::optional<ListenAddress>& address,
                                  std::chrono::milliseconds timeout = std::chrono::seconds(3));

}  // namespace cw::app
