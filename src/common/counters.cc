#include "common/counters.h"

#include <algorithm>

namespace cw {
namespace {

void field(std::string& out, const char* name, std::uint64_t value) {
  if (!out.empty()) out += ' ';
  out += name;
  out += '=';
  out += std::to_string(value);
}

}  // namespace

std::string Counters::summary() const {
  std::string out;
  auto get = [](const Counter& c) { return c.load(std::memory_order_relaxed); };
  field(out, "lines", get(lines_read));
  field(out, "accepted", get(events_accepted));
  field(out, "empty_skipped", get(lines_empty));
  if (const auto filtered = get(lines_filtered); filtered > 0) field(out, "filtered", filtered);
  field(out, "split_pieces", get(lines_split));
  field(out, "raw", get(events_raw));
  field(out, "no_timestamp", get(events_no_timestamp));
  field(out, "utf8_repaired", get(events_utf8_repaired));
  field(out, "restamped", get(events_restamped));
  field(out, "rejected_too_new", get(events_rejected_too_new));
  field(out, "rejected_too_old", get(events_rejected_too_old));
  field(out, "rejected_expired", get(events_rejected_expired));
  field(out, "set_aside_invalid", get(events_set_aside_invalid));
  field(out, "set_aside_window", get(events_set_aside_window));
  field(out, "bytes_abandoned", get(bytes_abandoned));
  field(out, "in_flight", static_cast<std::uint64_t>(std::max<std::int64_t>(0, events_in_flight.load())));
  field(out, "requests", get(requests_ok));
  field(out, "throttled", get(requests_throttled));
  field(out, "server_errors", get(requests_server_error));
  field(out, "network_errors", get(requests_network_error));
  field(out, "retries", get(retries));
  field(out, "bytes_sent", get(bytes_sent));
  // Per source, only what its filters did.
  for (const SourceCounters& source : sources) {
    const std::uint64_t dropped = get(source.dropped), not_kept = get(source.not_kept),
                        sampled_out = get(source.sampled_out), redacted = get(source.redacted);
    if (dropped + not_kept + sampled_out + redacted == 0) continue;
    out += " source=" + source.name + "(dropped=" + std::to_string(dropped) + " not_kept=" + std::to_string(not_kept) +
           " sampled_out=" + std::to_string(sampled_out) + " redacted=" + std::to_string(redacted) + ")";
  }
  return out;
}

}  // namespace cw
