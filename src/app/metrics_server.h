#pragma once
// MetricsServer: the optional HTTP listener (METRICS_ADDRESS) for Prometheus
// and for health probes:
//   GET /metrics  the counters in the Prometheus text format (prometheus_text.h)
//   GET /healthz  200 "ok", or 503 with the reason when delivery is stuck (health.h)
// Anything else is 404. It only reads the counters, so a scrape can never
// slow down or disturb delivery; it serves from two threads of its own.
//
// cpp-httplib does the HTTP; it is included by metrics_server.cc alone, so the
// rest of the program never compiles its header.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "app/listen_address.h"
#include "common/counters.h"
#include "common/logger.h"

namespace cw::app {

struct MetricsServerOptions {
  ListenAddress address;
  std::chrono::seconds stuck_after{300};  // HEALTH_STUCK_AFTER_S
  std::string version;
  // Called before each /metrics answer, to refresh gauges nobody else keeps
  // current (the credentials' expiry). May be empty.
  std::function<void()> refresh_gauges;
};

class MetricsServer {
 public:
  // Binds at once (so a taken port is reported before the pipeline starts),
  // then serves on its own thread. Throws std::runtime_error when it cannot bind.
  MetricsServer(MetricsServerOptions options, const Counters& counters, const Logger& log);
  ~MetricsServer();  // stops serving and joins
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

  int port() const { return port_; }  // the bound one (differs from the setting's when that is 0)

 private:
  struct Impl;

  MetricsServerOptions options_;
  const Counters& counters_;
  const Logger& log_;
  std::unique_ptr<Impl> impl_;
  int port_ = 0;
  std::thread thread_;
};

}  // namespace cw::app
