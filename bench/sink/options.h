// Command line of cw-bench-sink.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace cw::bench::sink {

struct Options {
  int port = 0;                     // 0: any free port (printed on stdout)
  std::uint64_t expect_events = 0;  // 0: no expectation
  bool trace = false;               // record arrival times of events carrying "bench_seq"
  std::string tls_cert;             // both set: HTTPS
  std::string tls_key;
  bool tls() const { return !tls_cert.empty(); }
};

inline constexpr const char* kUsage =
    "usage: cw-bench-sink [--port N] [--expect-events N] [--trace] [--tls CERT.pem KEY.pem]\n"
    "A local CloudWatch Logs endpoint for benchmarks: CreateLogGroup, CreateLogStream, PutRetentionPolicy and a\n"
    "strictly checked PutLogEvents. Binds 127.0.0.1 and prints 'PORT <n>' on stdout. GET /stats gives the\n"
    "counters as JSON, GET /arrivals the arrival times of traced events, POST /reset zeroes the counters.\n";

// Returns nullopt (after printing why) when the arguments are wrong.
std::optional<Options> parse_options(int argc, char** argv);

}  // namespace cw::bench::sink
