#include "options.h"

#include <charconv>
#include <cstdio>
#include <string_view>

namespace cw::bench::sink {
namespace {

template <typename T>
bool parse_number(const char* text, T& value) {
  const std::string_view s(text);
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  return ec == std::errc() && end == s.data() + s.size();
}

}  // namespace

std::optional<Options> parse_options(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg(argv[i]);
    const bool has_value = i + 1 < argc;
    bool ok = true;
    if (arg == "--port" && has_value) {
      ok = parse_number(argv[++i], o.port) && o.port >= 0 && o.port < 65536;
    } else if (arg == "--expect-events" && has_value) {
      ok = parse_number(argv[++i], o.expect_events);
    } else if (arg == "--trace") {
      o.trace = true;
    } else if (arg == "--tls" && i + 2 < argc) {
      o.tls_cert = argv[++i];
      o.tls_key = argv[++i];
    } else if (arg == "--help" || arg == "-h") {
      std::fputs(kUsage, stdout);
      return std::nullopt;
    } else {
      ok = false;
    }
    if (!ok) {
      std::fprintf(stderr, "cw-bench-sink: bad argument '%s'\n%s", argv[i], kUsage);
      return std::nullopt;
    }
  }
  return o;
}

}  // namespace cw::bench::sink
