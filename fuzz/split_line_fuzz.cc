// Split and reassembly: the parts of a line are each a JSON object within the
// message cap, numbered from 1, the last one marked, and their "text",
// concatenated, gives the line back (with invalid UTF-8 repaired).
#include <simdjson.h>

#include <cstdint>
#include <cstdlib>
#include <string>

#include "common/utf8.h"
#include "transform/split_line.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  // The first two bytes choose the cap: 200 to 65,735 bytes.
  const std::size_t cap = 200 + (static_cast<std::size_t>(data[0]) << 8 | data[1]);
  const std::string_view text(reinterpret_cast<const char*>(data) + 2, size - 2);
  std::string repaired(cw::repaired_utf8_capacity(text.size()), '\0');
  repaired.resize(cw::repair_utf8(text.data(), text.size(), repaired.data()));

  cw::transform::SplitLine split(cap);
  split.feed("42:7", text, true);
  static simdjson::dom::parser parser;
  std::string joined;
  std::int64_t part = 0;
  bool last = false;
  std::string_view message;
  while (split.next(message)) {
    if (last || message.size() > cap) std::abort();
    simdjson::dom::element doc;
    if (parser.parse(message.data(), message.size()).get(doc) != simdjson::SUCCESS) std::abort();
    std::string_view piece;
    std::int64_t number = 0;
    if (doc["text"].get(piece) != simdjson::SUCCESS) std::abort();
    if (doc["@split"]["part"].get(number) != simdjson::SUCCESS || number != ++part) std::abort();
    if (doc["@split"]["last"].get(last) != simdjson::SUCCESS) std::abort();
    joined.append(piece);
  }
  if (!last || joined != repaired) std::abort();
  return 0;
}
