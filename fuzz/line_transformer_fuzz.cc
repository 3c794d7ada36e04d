// Differential: where the compact fast path accepts a line, the general
// simdjson path must accept it too and give the same message and timestamp
// token, byte for byte. And the whole transformer takes any bytes: an event
// of valid UTF-8, never longer than its cap unless marked too long.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "common/utf8.h"
#include "transform/compact_object.h"
#include "transform/line_transformer.h"
#include "transform/object_rewriter.h"

using namespace cw::transform;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const Options options;
  static const FieldRules rules{options.timestamp_field, options.exclude_fields};
  static ObjectRewriter general;
  static LineTransformer transformer{options};
  const char* bytes = reinterpret_cast<const char*>(data);

  std::string line(cw::repaired_utf8_capacity(size), '\0');
  line.resize(cw::repair_utf8(bytes, size, line.data()));
  std::string fast_out(line.size(), '\0');
  RewrittenObject fast;
  if (rewrite_compact_object(line, rules, fast_out.data(), &fast)) {
    const std::string padded = line + std::string(ObjectRewriter::padding(), '\0');
    std::string general_out(line.size(), '\0');
    RewrittenObject slow;
    if (!general.rewrite(padded.data(), line.size(), rules, general_out.data(), &slow)) std::abort();
    if (fast_out.compare(0, fast.message_size, general_out, 0, slow.message_size) != 0) std::abort();
    if (fast.timestamp_token != slow.timestamp_token) std::abort();
  }

  const Event event = transformer.transform(std::string_view(bytes, size), 1'714'564'800'000);
  if (!cw::is_ascii(event.message.data(), event.message.size())) {
    std::string check(cw::repaired_utf8_capacity(event.message.size()), '\0');
    check.resize(cw::repair_utf8(event.message.data(), event.message.size(), check.data()));
    if (check != event.message) std::abort();  // not valid UTF-8
  }
  if (event.message.size() > options.max_message_bytes && !event.too_long) std::abort();
  return 0;
}
