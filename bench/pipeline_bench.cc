// Microbenchmarks of each stage of the line-to-request path, so each stage's
// cost is known against its limit. Run: build/release/bench/pipeline_bench
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <stdexcept>

#include "aws/crypto.h"
#include "aws/sigv4.h"
#include "cloudwatch/batch.h"
#include "common/json_escape.h"
#include "sample_lines.h"
#include "transform/line_transformer.h"

namespace {

// CW_BENCH_LINES=<file> measures on the end-to-end benchmark's generated lines
// (bench/generate.py) instead of the built-in sample; the first 4 MB are used.
std::string load_sample() {
  const char* path = std::getenv("CW_BENCH_LINES");
  if (path == nullptr || *path == '\0') return cw::bench::make_sample_lines(20000);
  std::ifstream in(path, std::ios::binary);
  std::string text(4 << 20, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  const std::size_t last_newline = text.rfind('\n');
  if (last_newline == std::string::npos) throw std::runtime_error(std::string("CW_BENCH_LINES: no lines in ") + path);
  text.resize(last_newline + 1);  // whole lines only
  return text;
}

const std::string& sample() {
  static const std::string lines = load_sample();
  return lines;
}

template <typename F>
void for_each_line(const std::string& text, F&& f) {
  const char* p = text.data();
  const char* end = p + text.size();
  while (p < end) {
    const char* nl = static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)));
    f(std::string_view(p, static_cast<std::size_t>(nl - p)));
    p = nl + 1;
  }
}

void set_counters(benchmark::State& state, std::size_t lines) {
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * sample().size()));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * lines));
}

void BM_ScanLines(benchmark::State& state) {
  std::size_t lines = 0;
  for (auto _ : state) {
    lines = 0;
    for_each_line(sample(), [&](std::string_view line) { benchmark::DoNotOptimize(line.data()); ++lines; });
  }
  set_counters(state, lines);
}
BENCHMARK(BM_ScanLines);

void BM_Transform(benchmark::State& state) {
  cw::transform::LineTransformer transformer({});
  std::size_t lines = 0;
  for (auto _ : state) {
    lines = 0;
    for_each_line(sample(), [&](std::string_view line) {
      benchmark::DoNotOptimize(transformer.transform(line, 0).message.data());
      ++lines;
    });
  }
  set_counters(state, lines);
}
BENCHMARK(BM_Transform);

void BM_Escape(benchmark::State& state) {
  std::string out;
  out.reserve(sample().size() * 2);
  for (auto _ : state) {
    out.clear();
    cw::append_json_escaped(out, sample());
    benchmark::DoNotOptimize(out.data());
  }
  set_counters(state, 20000);
}
BENCHMARK(BM_Escape);

// As Batch::add calls it: one ~200-byte message at a time, appended to a
// body that has its capacity already.
void BM_EscapeEachLine(benchmark::State& state) {
  std::string out;
  out.reserve(sample().size() * 2);
  std::size_t lines = 0;
  for (auto _ : state) {
    out.clear();
    lines = 0;
    for_each_line(sample(), [&](std::string_view line) {
      cw::append_json_escaped(out, line);
      ++lines;
    });
    benchmark::DoNotOptimize(out.data());
  }
  set_counters(state, lines);
}
BENCHMARK(BM_EscapeEachLine);

// The whole line-to-request path: transform, batch, serialise, hash the body.
void BM_LinesToSignedBodies(benchmark::State& state) {
  cw::transform::LineTransformer transformer({});
  cw::cloudwatch::Batch batch({});
  std::string body;
  std::size_t lines = 0;
  auto send = [&] {
    batch.set_destination("python_logs_example", "default_20261126");
    body.clear();
    for (std::string_view part : batch.body_parts()) body.append(part);
    benchmark::DoNotOptimize(cw::aws::sha256(body));
    batch.clear();
  };
  for (auto _ : state) {
    lines = 0;
    for_each_line(sample(), [&](std::string_view line) {
      const auto event = transformer.transform(line, 0);
      if (!batch.fits(event.message.size(), event.timestamp_ms)) send();
      batch.add(event.timestamp_ms, event.message);
      ++lines;
    });
    send();
  }
  set_counters(state, lines);
}
BENCHMARK(BM_LinesToSignedBodies);

void BM_Sha256_1MiB(benchmark::State& state) {
  const std::string body(1 << 20, 'x');
  for (auto _ : state) benchmark::DoNotOptimize(cw::aws::sha256(body));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * body.size()));
}
BENCHMARK(BM_Sha256_1MiB);

void BM_SignRequest(benchmark::State& state) {
  cw::aws::Signer signer;
  const cw::aws::Credentials credentials{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "", {}, "bench"};
  cw::aws::SignableRequest request{"POST", "/", "",
                                   {{"content-type", "application/x-amz-json-1.1"},
                                    {"host", "logs.us-east-1.amazonaws.com"},
                                    {"x-amz-date", "20261126T101010Z"},
                                    {"x-amz-target", "Logs_20140328.PutLogEvents"}},
                                   cw::aws::sha256_hex("{}")};
  for (auto _ : state) {
    benchmark::DoNotOptimize(signer.sign(request, credentials, "us-east-1", "logs", "20261126T101010Z"));
  }
}
BENCHMARK(BM_SignRequest);

}  // namespace

BENCHMARK_MAIN();
