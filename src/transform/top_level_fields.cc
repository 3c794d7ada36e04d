#include "transform/top_level_fields.h"

#include <simdjson.h>

#include <algorithm>

namespace cw::transform {

struct TopLevelFields::Parser {
  simdjson::ondemand::parser parser;
  std::string input;  // the line and simdjson's padding, capacity kept
};

TopLevelFields::TopLevelFields(std::vector<std::string> names)
    : names_(std::move(names)), parser_(std::make_unique<Parser>()), values_(names_.size()), found_(names_.size()), seen_(names_.size()) {}

TopLevelFields::~TopLevelFields() = default;

std::span<const std::optional<std::string_view>> TopLevelFields::read(std::string_view line) {
  std::fill(found_.begin(), found_.end(), std::nullopt);
  std::fill(seen_.begin(), seen_.end(), false);
  std::string& input = parser_->input;
  input.assign(line);
  input.append(simdjson::SIMDJSON_PADDING, '\0');
  simdjson::ondemand::document doc;
  simdjson::ondemand::object object;
  if (parser_->parser.iterate(simdjson::padded_string_view(input.data(), line.size(), input.size())).get(doc) !=
          simdjson::SUCCESS ||
      doc.get_object().get(object) != simdjson::SUCCESS) {
    return found_;
  }
  for (auto field_result : object) {
    simdjson::ondemand::field field;
    std::string_view key;
    if (std::move(field_result).get(field) != simdjson::SUCCESS || field.unescaped_key().get(key) != simdjson::SUCCESS) {
      break;  // not valid JSON from here on: what was found stands
    }
    const auto name = std::find(names_.begin(), names_.end(), key);
    if (name == names_.end()) continue;
    const auto i = static_cast<std::size_t>(name - names_.begin());
    std::string_view value;
    seen_[i] = true;
    if (field.value().get_string().get(value) == simdjson::SUCCESS) {
      values_[i].assign(value);
    } else {
      seen_[i] = false;  // the last one wins, and it is not a string
    }
  }
  for (std::size_t i = 0; i < names_.size(); ++i) {
    if (seen_[i]) found_[i] = values_[i];
  }
  return found_;
}

}  // namespace cw::transform
