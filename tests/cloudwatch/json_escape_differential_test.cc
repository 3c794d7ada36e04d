// Each variant of the JSON escaper against a plain byte-at-a-time reference,
// on random text dense in what needs escaping, at every length and alignment
// the 64-byte steps and their tails can meet.
#include <gtest/gtest.h>

#include <cstdio>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "common/json_escape.h"
#include "common/json_escape_impl.h"

namespace cw {
namespace {

std::string reference_escape(std::string_view text) {
  std::string out;
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (c < 0x20) {
          char hex[8];
          std::snprintf(hex, sizeof hex, "\\u%04x", c);
          out += hex;
        } else {
          out += ch;
        }
    }
  }
  return out;
}

// Escapes `text` after `prefix`, one way or another.
using Escaper = std::string (*)(std::string_view prefix, std::string_view text);

template <char* (*Write)(char*, std::string_view)>
std::string with_writer(std::string_view prefix, std::string_view text) {
  // Exactly the room the contract promises, on the heap: ASan sees any write past it.
  const auto room = std::make_unique<char[]>(json_escaped_room(text.size()));
  const char* const end = Write(room.get(), text);
  return std::string(prefix) + std::string(room.get(), static_cast<std::size_t>(end - room.get()));
}

std::string with_append(std::string_view prefix, std::string_view text) {
  std::string out(prefix);
  append_json_escaped(out, text);
  return out;
}

struct Variant {
  const char* name;
  Escaper escape;
};

std::vector<Variant> variants() {
  std::vector<Variant> v{{"portable", &with_writer<&detail::write_json_escaped_portable>},
                         {"dispatched", &with_writer<&write_json_escaped>},
                         {"append", &with_append}};
  if (detail::json_escape_avx512_supported()) v.push_back({"avx512", &with_writer<&detail::write_json_escaped_avx512>});
  return v;
}

// Valid UTF-8 in which `special_percent` of the characters are '"', '\\' or a
// control character (short form or not), the rest ASCII or 2-4 byte sequences.
std::string random_text(std::mt19937& rng, std::size_t bytes, unsigned special_percent) {
  static constexpr std::string_view kMultiByte[] = {"\u00e9", "\u20ac", "\u4e2d", "\U0001F600", "\u2028"};
  static constexpr char kSpecials[] = {'"', '\\', '"', '\\', '\n', '\t', '\r', '\b', '\f', '\0', '\x01', '\x1b', '\x1f'};
  std::string out;
  while (out.size() < bytes) {
    const unsigned roll = rng() % 100;
    if (roll < special_percent) {
      out += kSpecials[rng() % sizeof kSpecials];
    } else if (roll < special_percent + 10) {
      const std::string_view mb = kMultiByte[rng() % std::size(kMultiByte)];
      if (out.size() + mb.size() > bytes) continue;
      out += mb;
    } else {
      out += static_cast<char>(0x20 + rng() % 0x60);  // ' ' .. DEL
    }
  }
  return out;
}

void expect_all_variants_match(std::string_view text, std::string_view prefix = {}) {
  const std::string expected = std::string(prefix) + reference_escape(text);
  for (const Variant& v : variants()) {
    ASSERT_EQ(v.escape(prefix, text), expected) << v.name << ", " << text.size() << " input bytes";
  }
}

TEST(JsonEscapeDifferential, RandomTextAtEveryLengthAndAlignment) {
  std::mt19937 rng(20261126);
  static constexpr unsigned kDensities[] = {0, 3, 12, 30, 60, 100};
  // The input at every offset in a 64-byte window, and the output after a
  // prefix of varying length, so neither side is aligned the same way twice.
  std::string storage(300 + 64, 'x');
  for (std::size_t length = 0; length <= 300; ++length) {
    for (std::size_t offset = 0; offset < 64; ++offset) {
      const std::string text = random_text(rng, length, kDensities[(length + offset) % std::size(kDensities)]);
      storage.replace(offset, text.size(), text);
      expect_all_variants_match(std::string_view(storage).substr(offset, text.size()),
                                std::string((length + offset) % 67, 'p'));
      if (HasFatalFailure()) return;
    }
  }
}

TEST(JsonEscapeDifferential, ControlWithoutShortFormInEachPositionOfAStep) {
  // A \u00xx byte sends its 64-byte step down the portable path: it must
  // join up with the vector steps on both sides, wherever it is.
  for (std::size_t length : {1U, 31U, 32U, 33U, 63U, 64U, 65U, 128U, 200U}) {
    for (std::size_t i = 0; i < length; ++i) {
      std::string text(length, '"');
      for (std::size_t j = 0; j < length; j += 3) text[j] = 'a';
      text[i] = '\x01';
      expect_all_variants_match(text);
      if (HasFatalFailure()) return;
    }
  }
}

TEST(JsonEscapeDifferential, WorstCaseGrowth) {
  // Every byte \u00xx (6x) or every byte doubled, over many steps.
  expect_all_variants_match(std::string(1000, '\x01'));
  expect_all_variants_match(std::string(1000, '"'));
  expect_all_variants_match(std::string(1000, '\n'));
  std::string mixed;
  for (int i = 0; i < 2000; ++i) mixed += static_cast<char>(i % 0x21);
  expect_all_variants_match(mixed, "prefix");
}

TEST(JsonEscapeDifferential, EveryByteValueAlone) {
  // Bytes >= 0x80 are not valid UTF-8 alone, but each variant copies them,
  // which keeps the tables honest for all 256 values.
  for (int c = 0; c < 256; ++c) {
    for (std::size_t length : {1U, 40U, 64U, 100U}) {
      expect_all_variants_match(std::string(length, static_cast<char>(c)));
      if (HasFatalFailure()) return;
    }
  }
}

TEST(JsonEscapeDifferential, LargeInput) {
  // Larger than append_json_escaped's 4096-byte step.
  std::mt19937 rng(7);
  expect_all_variants_match(random_text(rng, 100000, 12), "{\"message\":\"");
}

}  // namespace
}  // namespace cw
