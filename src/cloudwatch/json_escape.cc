#include "cloudwatch/json_escape.h"

#include <array>
#include <cstdint>

namespace cw::cloudwatch {
namespace {

constexpr std::array<bool, 256> make_needs_escape() {
  std::array<bool, 256> table{};
  for (int c = 0; c < 0x20; ++c) table[static_cast<std::size_t>(c)] = true;
  table['"'] = true;
  table['\\'] = true;
  return table;
}
constexpr std::array<bool, 256> kNeedsEscape = make_needs_escape();

void append_escape(std::string& out, unsigned char c) {
  switch (c) {
    case '"': out.append("\\\""); return;
    case '\\': out.append("\\\\"); return;
    case '\n': out.append("\\n"); return;
    case '\r': out.append("\\r"); return;
    case '\t': out.append("\\t"); return;
    case '\b': out.append("\\b"); return;
    case '\f': out.append("\\f"); return;
    default: {
      static constexpr char kHex[] = "0123456789abcdef";
      const char seq[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
      out.append(seq, sizeof seq);
    }
  }
}

}  // namespace

void append_json_escaped(std::string& out, std::string_view utf8) {
  // Copy runs of plain bytes in one append: log messages are mostly plain.
  const char* run = utf8.data();
  const char* const end = utf8.data() + utf8.size();
  for (const char* p = run; p != end; ++p) {
    const auto c = static_cast<unsigned char>(*p);
    if (!kNeedsEscape[c]) continue;
    out.append(run, static_cast<std::size_t>(p - run));
    append_escape(out, c);
    run = p + 1;
  }
  out.append(run, static_cast<std::size_t>(end - run));
}

}  // namespace cw::cloudwatch
