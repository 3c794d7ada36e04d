// The /metrics text: every line parses under the exposition format's rules,
// every family has HELP and TYPE before its samples, and each value equals the
// counter it shows.

#include "app/prometheus_text.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>

namespace cw::app {
namespace {

struct Parsed {
  std::map<std::string, std::string> types;   // family -> counter|gauge
  std::map<std::string, double> samples;      // name{labels} as written -> value
};

// A strict reader of the subset we emit: HELP, TYPE, samples with at most
// quoted, escaped label values; no blank lines, no timestamps.
Parsed parse(const std::string& text) {
  Parsed out;
  std::set<std::string> helped;
  const std::regex help(R"(# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) (.+))");
  const std::regex type(R"(# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge))");
  const std::regex sample(
      R"(([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*"(?:,[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*")*\})? (-?[0-9]+(?:\.[0-9]+)?))");
  EXPECT_FALSE(text.empty());
  EXPECT_EQ(text.back(), '\n') << "the text ends with a newline";
  std::istringstream in(text);
  std::string line;
  std::string current;  // family whose samples may follow
  while (std::getline(in, line)) {
    std::smatch m;
    if (std::regex_match(line, m, help)) {
      EXPECT_TRUE(helped.insert(m[1]).second) << "second HELP for " << m[1];
      current.clear();
    } else if (std::regex_match(line, m, type)) {
      EXPECT_TRUE(helped.count(m[1])) << "TYPE before HELP for " << m[1];
      EXPECT_FALSE(out.types.count(m[1])) << "second TYPE for " << m[1];
      out.types[m[1]] = m[2];
      current = m[1];
      if (m[2] == "counter") {
        EXPECT_TRUE(current.ends_with("_total")) << current;
      }
    } else if (std::regex_match(line, m, sample)) {
      EXPECT_EQ(m[1].str(), current) << "sample outside its family: " << line;
      const std::string key = m[1].str() + m[2].str();
      EXPECT_FALSE(out.samples.count(key)) << "duplicate sample " << key;
      out.samples[key] = std::strtod(m[3].str().c_str(), nullptr);
    } else {
      ADD_FAILURE() << "line does not parse: '" << line << "'";
    }
  }
  return out;
}

TEST(PrometheusText, EveryLineParsesAndValuesEqualTheCounters) {
  Counters c;
  c.lines_read = 1000;
  c.bytes_read = 123456;
  c.lines_split = 3;
  c.lines_empty = 7;
  c.events_accepted = 950;
  c.events_rejected_too_new = 1;
  c.events_rejected_too_old = 2;
  c.events_rejected_expired = 4;
  c.events_set_aside_invalid = 5;
  c.events_set_aside_window = 6;
  c.events_in_flight = 25;
  c.events_json = 900;
  c.events_no_timestamp = 50;
  c.events_raw = 43;
  c.requests_ok = 11;
  c.requests_throttled = 12;
  c.requests_server_error = 13;
  c.requests_network_error = 14;
  c.requests_client_error = 15;
  c.retries = 16;
  c.bytes_sent = 98765;
  c.backlog_bytes = 4096;
  c.oldest_unacked_ms = 1'700'000'000'000 - 2500;
  c.failing_since_ms = 1'700'000'000'000 - 10'000;
  c.last_success_ms = 1'700'000'000'000 - 60'000;
  c.credentials_expiry_ms = 1'700'000'000'000 + 3'600'000;
  c.files_tracked = 2;

  const std::string text = render_prometheus(c, {1'700'000'000'000, true, "1.2.3"});
  const Parsed p = parse(text);

  EXPECT_EQ(p.types.at("cw_sidecar_lines_read_total"), "counter");
  EXPECT_EQ(p.types.at("cw_sidecar_events_in_flight"), "gauge");
  EXPECT_EQ(p.samples.at("cw_sidecar_lines_read_total"), 1000);
  EXPECT_EQ(p.samples.at("cw_sidecar_bytes_read_total"), 123456);
  EXPECT_EQ(p.samples.at("cw_sidecar_line_pieces_total"), 3);
  EXPECT_EQ(p.samples.at(R"(cw_sidecar_events_total{outcome="accepted"})"), 950);
  EXPECT_EQ(p.samples.at(R"(cw_sidecar_events_total{outcome="rejected_too_new"})"), 1);
  EXPECT_EQ(p.samples.at(R"(cw_sidecar_events_total{outcome="rejected_too_old"})"), 2);
  EXPECT_EQ(p.samples.at(R"(cw_sidecar_events_total{outcome="rejected_expired"})"), 4);
  EXPECT_EQ(p.samples.at(R"(cw_sidecar_events_total{outcome="set_aside_invalid"})"), 5);
  EXPECT_EQ(p.samples.at(R"(cw_sidecar_events_total{outcome="set_aside_window"})"), 6);
  EXPECT_EQ(p.samples.at(R"(cw_sidecar_events_total{outcome="empty_skipped"})"), 7);
  EXPECT_EQ(p.samples.at(R"(cw_sidecar_events_read_total{kind="raw"})"), 43);
  EXPECT_EQ(p.samples.at(R"(cw_sidecar_requests_total{outcome="ok"})"), 11);
  EXPECT_EQ(p.samples.at(R"(cw_sidecar_requests_total{outcome="throttled"})"), 12);
  EXPECT_EQ(p.samples.at(R"(cw_sidecar_requests_total{outcome="network_error"})"), 14);
  EXPECT_EQ(p.samples.at("cw_sidecar_retries_total"), 16);
  EXPECT_EQ(p.samples.at("cw_sidecar_throttles_total"), 12);
  EXPECT_EQ(p.samples.at("cw_sidecar_bytes_sent_total"), 98765);
  EXPECT_EQ(p.samples.at("cw_sidecar_events_in_flight"), 25);
  EXPECT_EQ(p.samples.at("cw_sidecar_backlog_bytes"), 4096);
  EXPECT_DOUBLE_EQ(p.samples.at("cw_sidecar_lag_seconds"), 2.5);
  EXPECT_DOUBLE_EQ(p.samples.at("cw_sidecar_failing_seconds"), 10);
  EXPECT_DOUBLE_EQ(p.samples.at("cw_sidecar_last_success_timestamp_seconds"), 1'699'999'940);
  EXPECT_DOUBLE_EQ(p.samples.at("cw_sidecar_credentials_expiry_seconds"), 3600);
  EXPECT_EQ(p.samples.at("cw_sidecar_files_tracked"), 2);
  EXPECT_EQ(p.samples.at("cw_sidecar_healthy"), 1);
  EXPECT_EQ(p.samples.at(R"(cw_sidecar_build_info{version="1.2.3"})"), 1);

  // The accounting the HELP text promises.
  double outcomes = 0;
  for (const auto& [key, value] : p.samples) {
    if (key.starts_with("cw_sidecar_events_total{")) outcomes += value;
  }
  EXPECT_EQ(outcomes + p.samples.at("cw_sidecar_events_in_flight"), p.samples.at("cw_sidecar_lines_read_total"));
}

TEST(PrometheusText, QuietStateHasZeroAgesAndNoCredentialExpiry) {
  const Counters c;
  const Parsed p = parse(render_prometheus(c, {1'700'000'000'000, false, "dev"}));
  EXPECT_EQ(p.samples.at("cw_sidecar_lag_seconds"), 0);
  EXPECT_EQ(p.samples.at("cw_sidecar_failing_seconds"), 0);
  EXPECT_EQ(p.samples.at("cw_sidecar_healthy"), 0);
  // Long-term keys: the family is absent rather than a made-up number.
  EXPECT_FALSE(p.types.count("cw_sidecar_credentials_expiry_seconds"));
}

TEST(PrometheusText, LabelValuesAreEscaped) {
  const Counters c;
  const std::string text = render_prometheus(c, {0, true, "a\"b\\c\nd"});
  EXPECT_NE(text.find(R"(cw_sidecar_build_info{version="a\"b\\c\nd"} 1)"), std::string::npos) << text;
  parse(text);
}

}  // namespace
}  // namespace cw::app
