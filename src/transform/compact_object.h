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
#include <span>
#include <string>
#include <string_view>

namespace cw::transform {

struct FieldRules {
  std::string_view timestamp_field;
  std::span<const std::string> excluded_fields;
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
