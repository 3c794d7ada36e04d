#include "sample_lines.h"

#include <cstdio>
#include <random>

namespace cw::bench {

std::string make_sample_lines(std::size_t count) {
  static constexpr const char* kPaths[] = {"/api/orders", "/api/users/42", "/health", "/api/search?q=caf%C3%A9"};
  static constexpr const char* kMessages[] = {"request served", "cache miss for key \\\"user:42\\\"",
                                              "Zahlung bestätigt ✓", "slow query\\ttook long", "注文を受け付けました"};
  std::mt19937 rng(42);  // fixed: every run ships the same bytes
  std::string out;
  out.reserve(count * 230);
  char line[512];
  for (std::size_t i = 0; i < count; ++i) {
    const unsigned ms = static_cast<unsigned>(i % 1000);
    const unsigned second = static_cast<unsigned>((i / 1000) % 60);
    const int n = std::snprintf(
        line, sizeof line,
        R"({"@timestamp":"2026-11-26T10:%02u:%02u.%03u+00:00","level":"INFO","logger":"app.api","message":"%s",)"
        R"("path":"%s","status":%d,"duration_ms":%u.%02u,"http":{"method":"GET","remote":"10.0.%u.%u"},"request_id":"%08x"})"
        "\n",
        static_cast<unsigned>((i / 60000) % 60), second, ms, kMessages[rng() % 5], kPaths[rng() % 4], rng() % 10 ? 200 : 503,
        static_cast<unsigned>(rng() % 500), static_cast<unsigned>(rng() % 100), static_cast<unsigned>(rng() % 256),
        static_cast<unsigned>(rng() % 256), static_cast<unsigned>(rng()));
    out.append(line, static_cast<std::size_t>(n));
  }
  return out;
}

}  // namespace cw::bench
