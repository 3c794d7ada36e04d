#pragma once
// FieldRules: which fields of a JSON object line the message leaves out and
// which one holds its time, and what a rewrite of the object returns. Both
// rewrites (compact_object.h, object_rewriter.h) follow these rules.

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

struct RewrittenObject {
  std::size_t message_size = 0;  // of the object without the excluded fields
  // The timestamp field's value as a JSON token: a string in quotes with no
  // escapes left, a number, or another JSON value; empty when the field is
  // absent. Of duplicate fields the last one wins, as in Python's dict.
  std::string_view timestamp_token;
};

}  // namespace cw::transform
