#include "app/prometheus_text.h"

#include <algorithm>
#include <cstdio>
#include <initializer_list>
#include <utility>

namespace cw::app {
namespace {

std::uint64_t get(const Counters::Counter& c) { return c.load(std::memory_order_relaxed); }
std::int64_t get(const std::atomic<std::int64_t>& g) { return g.load(std::memory_order_relaxed); }

// Label values may hold anything: backslash, quote and newline are escaped.
void append_label_value(std::string& out, std::string_view value) {
  for (char c : value) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
}

std::string seconds_text(std::int64_t ms) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3f", static_cast<double>(ms) / 1000.0);
  return text;
}

class Writer {
 public:
  explicit Writer(std::string& out) : out_(out) {}

  void family(std::string_view name, std::string_view type, std::string_view help) {
    name_ = name;
    out_ += "# HELP ";
    out_ += name;
    out_ += ' ';
    out_ += help;  // the help texts below need no escaping: no backslash, no newline
    out_ += "\n# TYPE ";
    out_ += name;
    out_ += ' ';
    out_ += type;
    out_ += '\n';
  }

  void sample(const std::string& value, std::string_view label = {}, std::string_view label_value = {}) {
    out_ += name_;
    if (!label.empty()) {
      out_ += '{';
      out_ += label;
      out_ += "=\"";
      append_label_value(out_, label_value);
      out_ += "\"}";
    }
    out_ += ' ';
    out_ += value;
    out_ += '\n';
  }
  void sample(std::uint64_t value) { sample(std::to_string(value)); }
  // With the labels source and reason.
  void sample2(const std::string& value, std::string_view source, std::string_view reason) {
    out_ += name_;
    out_ += "{source=\"";
    append_label_value(out_, source);
    out_ += "\",reason=\"";
    append_label_value(out_, reason);
    out_ += "\"} ";
    out_ += value;
    out_ += '\n';
  }

  void counter(std::string_view name, std::string_view help, std::uint64_t value) {
    family(name, "counter", help);
    sample(value);
  }
  void gauge(std::string_view name, std::string_view help, const std::string& value) {
    family(name, "gauge", help);
    sample(value);
  }
  void labelled(std::string_view name, std::string_view type, std::string_view help, std::string_view label,
                std::initializer_list<std::pair<std::string_view, std::uint64_t>> values) {
    family(name, type, help);
    for (const auto& [label_value, value] : values) sample(std::to_string(value), label, label_value);
  }

 private:
  std::string& out_;
  std::string_view name_;
};

}  // namespace

std::string render_prometheus(const Counters& c, const MetricsContext& context) {
  std::string out;
  out.reserve(6144);
  Writer w(out);
  const std::int64_t now = context.now_ms;

  w.counter("cw_sidecar_lines_read_total",
            "Lines read from the log files, empty ones included; each piece of a cut line counts once.",
            get(c.lines_read));
  w.counter("cw_sidecar_bytes_read_total", "Bytes of the lines read, newlines included.", get(c.bytes_read));
  w.counter("cw_sidecar_line_pieces_total", "Extra events made by cutting lines longer than MAX_MESSAGE_BYTES.",
            get(c.lines_split));
  w.labelled("cw_sidecar_events_total", "counter",
             "Final outcome of every line read; with no batch being filled, lines_read = sum + events_in_flight.", "outcome",
             {{"accepted", get(c.events_accepted)},
              {"rejected_too_new", get(c.events_rejected_too_new)},
              {"rejected_too_old", get(c.events_rejected_too_old)},
              {"rejected_expired", get(c.events_rejected_expired)},
              {"set_aside_invalid", get(c.events_set_aside_invalid)},
              {"set_aside_window", get(c.events_set_aside_window)},
              {"empty_skipped", get(c.lines_empty)},
              {"filtered", get(c.lines_filtered)}});
  w.family("cw_sidecar_lines_filtered_total", "counter",
           "Lines a source's filters ruled out, by source and reason (drop, keep_only, sample); their checkpoints "
           "move as for lines shipped.");
  for (const SourceCounters& source : c.sources) {
    w.sample2(std::to_string(get(source.dropped)), source.name, "drop");
    w.sample2(std::to_string(get(source.not_kept)), source.name, "keep_only");
    w.sample2(std::to_string(get(source.sampled_out)), source.name, "sample");
  }
  w.family("cw_sidecar_lines_redacted_total", "counter", "Lines shipped with something masked by a redact filter.");
  for (const SourceCounters& source : c.sources) w.sample(std::to_string(get(source.redacted)), "source", source.name);
  w.labelled("cw_sidecar_events_read_total", "counter",
             "Events made from lines, by how the line was understood.", "kind",
             {{"json", get(c.events_json)}, {"no_timestamp", get(c.events_no_timestamp)}, {"raw", get(c.events_raw)}});
  w.counter("cw_sidecar_events_utf8_repaired_total", "Events whose invalid UTF-8 bytes were replaced by U+FFFD.",
            get(c.events_utf8_repaired));
  w.counter("cw_sidecar_events_restamped_total",
            "Events outside CloudWatch's time window stamped with the read time (OUT_OF_WINDOW=restamp).",
            get(c.events_restamped));
  w.counter("cw_sidecar_bytes_abandoned_total",
            "Bytes of rotated files given up before they were read (ROTATED_MAX_AGE_S).",
            get(c.bytes_abandoned));
  w.labelled("cw_sidecar_requests_total", "counter", "PutLogEvents requests by outcome.", "outcome",
             {{"ok", get(c.requests_ok)},
              {"throttled", get(c.requests_throttled)},
              {"server_error", get(c.requests_server_error)},
              {"network_error", get(c.requests_network_error)},
              {"client_error", get(c.requests_client_error)}});
  w.counter("cw_sidecar_retries_total", "Requests sent again after a retryable failure.", get(c.retries));
  w.counter("cw_sidecar_throttles_total", "Requests the service throttled.", get(c.requests_throttled));
  w.counter("cw_sidecar_batches_split_total", "Batches split to isolate events the service refused as invalid.",
            get(c.batches_split));
  w.counter("cw_sidecar_create_calls_total", "CreateLogGroup, CreateLogStream and PutRetentionPolicy calls.",
            get(c.create_calls));
  w.counter("cw_sidecar_bytes_sent_total", "HTTP request body bytes of accepted PutLogEvents requests.",
            get(c.bytes_sent));
  w.counter("cw_sidecar_payload_bytes_accepted_total",
            "Accepted bytes as CloudWatch counts them (message bytes + 26 per event).", get(c.payload_bytes_accepted));

  w.gauge("cw_sidecar_events_in_flight", "Events read and not yet answered by the service.",
          std::to_string(std::max<std::int64_t>(0, get(c.events_in_flight))));
  w.gauge("cw_sidecar_batches_in_flight", "Batches handed to the senders and not yet answered.",
          std::to_string(std::max<std::int64_t>(0, get(c.batches_in_flight))));
  w.gauge("cw_sidecar_backlog_bytes", "Checkpoint lag: file bytes not yet acknowledged by CloudWatch.",
          std::to_string(std::max<std::int64_t>(0, get(c.backlog_bytes))));
  const std::int64_t oldest = get(c.oldest_unacked_ms);
  w.gauge("cw_sidecar_lag_seconds", "Checkpoint lag: age of the oldest batch not yet acknowledged, 0 when none.",
          seconds_text(oldest > 0 ? std::max<std::int64_t>(0, now - oldest) : 0));
  const std::int64_t last_success = get(c.last_success_ms);
  w.gauge("cw_sidecar_last_success_timestamp_seconds", "When a request last succeeded (epoch seconds), 0 if never.",
          seconds_text(last_success));
  const std::int64_t failing_since = get(c.failing_since_ms);
  w.gauge("cw_sidecar_failing_seconds", "How long every request has been failing, 0 when delivery works.",
          seconds_text(failing_since > 0 ? std::max<std::int64_t>(0, now - failing_since) : 0));
  // Long-term keys never expire: the family is left out rather than given a
  // made-up value, so that an alert on it cannot fire by accident.
  if (const std::int64_t expiry = get(c.credentials_expiry_ms); expiry > 0) {
    w.gauge("cw_sidecar_credentials_expiry_seconds",
            "Seconds until the temporary credentials expire (negative: expired).", seconds_text(expiry - now));
  }
  w.gauge("cw_sidecar_files_tracked", "Log files being followed.",
          std::to_string(std::max<std::int64_t>(0, get(c.files_tracked))));
  w.gauge("cw_sidecar_folders_polled",
          "Log folders followed by polling rather than inotify (WATCH_MODE=poll, a network filesystem, or out of "
          "inotify instances or watches: the log names the sysctl).",
          std::to_string(std::max<std::int64_t>(0, get(c.folders_polled))));
  w.gauge("cw_sidecar_state_lock_waiting",
          "1 while another sidecar owns STATE_DIR and this one waits for it to stop (nothing is shipped).",
          c.waiting_for_state_lock.load(std::memory_order_relaxed) ? "1" : "0");
  const std::int64_t checkpoint_failing = get(c.checkpoint_failing_since_ms);
  w.gauge("cw_sidecar_checkpoint_failing_seconds",
          "How long checkpoints have failed to be written to STATE_DIR (full, read-only, removed), 0 when they are.",
          seconds_text(checkpoint_failing > 0 ? std::max<std::int64_t>(0, now - checkpoint_failing) : 0));
  w.gauge("cw_sidecar_checkpoint_unsaved_bytes",
          "Bytes acknowledged since the last checkpoint write that succeeded: what a crash now would send again.",
          std::to_string(std::max<std::int64_t>(0, get(c.checkpoint_unsaved_bytes))));
  w.counter("cw_sidecar_dead_letter_failures_total",
            "Events set aside that could not be written to DEAD_LETTER_FILE (counted in their outcome all the same).",
            get(c.dead_letter_failures));
  w.gauge("cw_sidecar_healthy", "1 when /healthz answers 200, 0 when delivery is stuck or checkpoints fail.",
          context.healthy ? "1" : "0");
  w.family("cw_sidecar_build_info", "gauge", "Always 1; the version is in the label.");
  w.sample("1", "version", context.version);
  return out;
}

}  // namespace cw::app
