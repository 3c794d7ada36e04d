#pragma once
// PrometheusText: the counters in the Prometheus text exposition format
// (version 0.0.4): for every family one "# HELP" and one "# TYPE" line, then
// its samples; counters end in _total; label values are escaped; no
// timestamps. Rendering is a pure function of a snapshot so that it is tested
// without a socket.
//
// Every line read has one outcome, so after the pipeline settles:
//   cw_sidecar_lines_read_total == sum(cw_sidecar_events_total{outcome=...})
//                                  + cw_sidecar_events_in_flight

#include <cstdint>
#include <string>
#include <string_view>

#include "common/counters.h"

namespace cw::app {

struct MetricsContext {
  std::int64_t now_ms = 0;  // epoch ms, for ages (lag, failing for, credential expiry)
  bool healthy = true;      // the /healthz verdict
  std::string_view version;
};

// Content-Type of the rendered text.
inline constexpr std::string_view kPrometheusContentType = "text/plain; version=0.0.4; charset=utf-8";

std::string render_prometheus(const Counters& counters, const MetricsContext& context);

}  // namespace cw::app
