#include "transform/field_rules.h"

#include <cstring>

namespace cw::transform {

FieldRules::FieldRules(std::string_view timestamp, std::span<const std::string> excluded)
    : timestamp_field(timestamp), excluded_fields(excluded) {
  const auto note = [this](std::size_t size) { special_lengths |= size < 64 ? std::uint64_t{1} << size : 0; };
  note(timestamp.size());
  for (const std::string& name : excluded) note(name.size());
}

bool is_excluded(std::string_view name, const FieldRules& rules) {
  for (const std::string& excluded : rules.excluded_fields) {
    // Names rarely share size and first byte; checking those first saves
    // most calls to memcmp.
    if (name.size() == excluded.size() &&
        (name.empty() || (name[0] == excluded[0] && std::memcmp(name.data(), excluded.data(), name.size()) == 0))) {
      return true;
    }
  }
  return false;
}

}  // namespace cw::transform
