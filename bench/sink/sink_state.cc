#include "sink_state.h"

#include <sys/resource.h>

#include <algorithm>

#include "common/json_escape.h"

namespace cw::bench::sink {
namespace {

double seconds(const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; }

void field(std::string& out, const char* name, std::uint64_t value) {
  out += '"';
  out += name;
  out += "\":";
  out += std::to_string(value);
  out += ',';
}

}  // namespace

void SinkState::count_request(std::size_t body_bytes) {
  std::lock_guard lock(mutex_);
  ++counters_.requests;
  counters_.body_bytes += body_bytes;
}

void SinkState::count_unauthenticated() {
  std::lock_guard lock(mutex_);
  ++counters_.unauthenticated;
}

void SinkState::count_unknown_operation() {
  std::lock_guard lock(mutex_);
  ++counters_.unknown_operations;
}

void SinkState::count_retention() {
  std::lock_guard lock(mutex_);
  ++counters_.put_retention;
}

void SinkState::count_not_found() {
  std::lock_guard lock(mutex_);
  ++counters_.not_found;
}

CreateResult SinkState::create_group(const std::string& group) {
  std::lock_guard lock(mutex_);
  ++counters_.create_group;
  return groups_.insert(group).second ? CreateResult::created : CreateResult::exists;
}

CreateResult SinkState::create_stream(const std::string& group, const std::string& stream) {
  std::lock_guard lock(mutex_);
  ++counters_.create_stream;
  if (!groups_.contains(group)) return CreateResult::no_group;
  return streams_.emplace(group, stream).second ? CreateResult::created : CreateResult::exists;
}

bool SinkState::has_stream(const std::string& group, const std::string& stream) const {
  std::lock_guard lock(mutex_);
  return streams_.contains({group, stream});
}

bool SinkState::accept_put(const testing::PutCheck& check, std::size_t body_bytes, std::int64_t now_unix_ns) {
  std::lock_guard lock(mutex_);
  auto& c = counters_;
  ++c.puts;
  ++c.puts_accepted;
  c.events += check.event_count;
  c.message_bytes += check.payload_bytes - testing::PutLimits{}.per_event_overhead * check.event_count;
  c.batch_bytes += check.payload_bytes;
  c.put_body_bytes += body_bytes;
  c.max_batch_bytes = std::max<std::uint64_t>(c.max_batch_bytes, check.payload_bytes);
  c.max_batch_events = std::max<std::uint64_t>(c.max_batch_events, check.event_count);
  if (c.first_put_unix_ns == 0) c.first_put_unix_ns = now_unix_ns;
  c.last_put_unix_ns = now_unix_ns;
  for (const auto seq : check.trace_seqs) arrivals_.emplace_back(seq, now_unix_ns);
  if (expect_events_ == 0 || expect_reached_ || c.events < expect_events_) return false;
  expect_reached_ = true;
  return true;
}

void SinkState::refuse_put(const testing::PutCheck& check) {
  std::lock_guard lock(mutex_);
  ++counters_.puts;
  ++counters_.violations;
  counters_.last_violation = check.error_type + ": " + check.error;
}

std::string SinkState::stats_json() const {
  rusage self{};
  ::getrusage(RUSAGE_SELF, &self);
  std::lock_guard lock(mutex_);
  const auto& c = counters_;
  std::string out = "{";
  field(out, "requests", c.requests);
  field(out, "body_bytes", c.body_bytes);
  field(out, "puts", c.puts);
  field(out, "puts_accepted", c.puts_accepted);
  field(out, "events", c.events);
  field(out, "message_bytes", c.message_bytes);
  field(out, "batch_bytes", c.batch_bytes);
  field(out, "put_body_bytes", c.put_body_bytes);
  field(out, "max_batch_bytes", c.max_batch_bytes);
  field(out, "max_batch_events", c.max_batch_events);
  field(out, "violations", c.violations);
  field(out, "not_found", c.not_found);
  field(out, "unauthenticated", c.unauthenticated);
  field(out, "unknown_operations", c.unknown_operations);
  field(out, "create_group", c.create_group);
  field(out, "create_stream", c.create_stream);
  field(out, "put_retention", c.put_retention);
  field(out, "streams", streams_.size());
  field(out, "expect_events", expect_events_);
  out += "\"expect_reached\":" + std::string(expect_reached_ ? "true" : "false") + ",";
  out += "\"first_put_unix_ns\":" + std::to_string(c.first_put_unix_ns) + ",";
  out += "\"last_put_unix_ns\":" + std::to_string(c.last_put_unix_ns) + ",";
  out += "\"last_violation\":\"";
  append_json_escaped(out, c.last_violation);
  out += "\",";
  // The sink's own cost, so a reader sees it is not the bottleneck.
  out += "\"sink_cpu_user_s\":" + std::to_string(seconds(self.ru_utime)) + ",";
  out += "\"sink_cpu_sys_s\":" + std::to_string(seconds(self.ru_stime)) + ",";
  out += "\"sink_max_rss_kib\":" + std::to_string(self.ru_maxrss) + "}";
  return out;
}

std::string SinkState::arrivals_json() const {
  std::lock_guard lock(mutex_);
  std::string out = "[";
  for (const auto& [seq, at] : arrivals_) {
    if (out.size() > 1) out += ',';
    out += '[' + std::to_string(seq) + ',' + std::to_string(at) + ']';
  }
  out += ']';
  return out;
}

void SinkState::reset() {
  std::lock_guard lock(mutex_);
  counters_ = Counters{};
  expect_reached_ = false;
  arrivals_.clear();
}

}  // namespace cw::bench::sink
