#pragma once
// The fast path of LineTransformer: one pass over a line that is a compact
// JSON object (no whitespace outside strings, as loggers write them), checking
// it strictly against RFC 8259 while copying the kept fields out.
//
// It vouches only for what it accepts: anything it is unsure of (whitespace,
// escaped keys, an escaped timestamp, deep nesting, any error) makes it return
// false, and the caller decides with the general, simdjson-based path. For a
// line it accepts, the result is byte for byte what the general path gives.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace cw::transform {

struct FieldRules {
  FieldRules(std::string_view timestamp, std::span<const std::string> excluded);

  // Whether a field named `name` can be the timestamp or an excluded field:
  // most names differ from all of them in length, which settles it at once.
  bool may_be_special(std::string_view name) const {
    return name.size() >= 64 || ((special_lengths >> name.size()) & 1) != 0;
  }

  std::string_view timestamp_field;
  std::span<const std::string> excluded_fields;
  std::uint64_t special_lengths = 0;  // bit n: one of them has n bytes (any from 64 up: all)
};

// Whether the field named `name` (unescaped) is left out of messages.
bool is_excluded(std::string_view name, const FieldRules& rules);

struct CompactObject {
  std::size_t message_size = 0;  // of the object without the excluded fields
  // The timestamp field's value as written ("..." without escapes, a number, or
  // another JSON value); empty when the field is absent. The last one wins.
  std::string_view timestamp_token;
};

// `out` must have room for line.size() bytes. `line` must be valid UTF-8.
bool rewrite_compact_object(std::string_view line, const FieldRules& rules, char* out,
                            CompactObject* result);

}  // namespace cw::transform
