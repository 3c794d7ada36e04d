#include "transform/object_rewriter.h"

#include <simdjson.h>

#include <cstring>
#include <optional>
#include <string_view>

#include "transform/json_text.h"

namespace cw::transform {
namespace {

namespace od = simdjson::ondemand;

// Deeper documents are kept as raw lines. Bounds the validation recursion and
// stays clear of simdjson's own limit (1024 levels), which it asserts on
// rather than reports in debug builds.
constexpr int kMaxNestingDepth = 512;

// The contents of a field's key as written, found from the value's position:
// On-Demand has checked that only a ':' and whitespace lie between the two.
std::optional<std::string_view> key_contents(od::field& field, const char* value_start,
                                             bool may_have_escapes) {
  const char* const begin = field.key().raw();  // just past the opening quote
  const char* p = value_start;
  while (p > begin && is_json_whitespace(p[-1])) --p;
  if (p == begin || p[-1] != ':') return std::nullopt;
  --p;
  while (p > begin && is_json_whitespace(p[-1])) --p;
  if (p == begin || p[-1] != '"') return std::nullopt;
  const std::string_view contents(begin, static_cast<std::size_t>(p - 1 - begin));
  if (may_have_escapes && !has_valid_escapes(contents)) return std::nullopt;
  return contents;
}

bool check_value(od::value& value, int depth, bool may_have_escapes);

// Walks a whole nested object or array: On-Demand only checks what it is
// made to visit, and a message must be valid JSON throughout to count as one.
bool check_container(od::value& value, char open, int depth, bool may_have_escapes) {
  if (depth > kMaxNestingDepth) return false;
  if (open == '{') {
    od::object object;
    if (value.get_object().get(object) != simdjson::SUCCESS) return false;
    for (auto field_result : object) {
      od::field field;
      if (std::move(field_result).get(field) != simdjson::SUCCESS) return false;
      od::value& child = field.value();
      if (!key_contents(field, child.raw_json_token().data(), may_have_escapes)) return false;
      if (!check_value(child, depth + 1, may_have_escapes)) return false;
    }
    return true;
  }
  od::array array;
  if (value.get_array().get(array) != simdjson::SUCCESS) return false;
  for (auto element_result : array) {
    od::value element;
    if (std::move(element_result).get(element) != simdjson::SUCCESS) return false;
    if (!check_value(element, depth + 1, may_have_escapes)) return false;
  }
  return true;
}

bool check_value(od::value& value, int depth, bool may_have_escapes) {
  const std::string_view token = value.raw_json_token();
  if (token.front() == '{' || token.front() == '[') {
    return check_container(value, token.front(), depth, may_have_escapes);
  }
  return is_valid_json_scalar(trim_json_whitespace_right(token), may_have_escapes);
}

}  // namespace

struct ObjectRewriter::Parser {
  od::parser parser;
};

ObjectRewriter::ObjectRewriter() : parser_(std::make_unique<Parser>()) {}
ObjectRewriter::~ObjectRewriter() = default;

std::size_t ObjectRewriter::padding() { return simdjson::SIMDJSON_PADDING; }

bool ObjectRewriter::rewrite(const char* json, std::size_t size, const FieldRules& rules, char* out,
                             RewrittenObject* result) {
  result->timestamp_token = {};
  // Most lines have no backslash at all; then no string needs a look inside.
  const bool may_have_escapes = std::memchr(json, '\\', size) != nullptr;
  od::document doc;
  if (parser_->parser.iterate(json, size, size + simdjson::SIMDJSON_PADDING).get(doc) != simdjson::SUCCESS) {
    return false;
  }
  od::object object;
  if (doc.get_object().get(object) != simdjson::SUCCESS) return false;

  // Kept fields are never longer than they were written, nor is "{}" longer
  // than any object, so the message fits in `size` bytes.
  char* w = out;
  *w++ = '{';
  bool first = true;
  for (auto field_result : object) {
    od::field field;
    if (std::move(field_result).get(field) != simdjson::SUCCESS) return false;
    od::value& value = field.value();
    const std::string_view token = value.raw_json_token();
    const std::optional<std::string_view> key = key_contents(field, token.data(), may_have_escapes);
    if (!key) return false;
    // Excluded names are compared unescaped: "\u0040timestamp" is "@timestamp".
    std::string_view name = *key;
    bool name_known = true;
    if (may_have_escapes && key->find('\\') != std::string_view::npos) {
      name_known = field.unescaped_key().get(name) == simdjson::SUCCESS;
    }
    const bool keep = !name_known || !is_excluded(name, rules);
    const bool is_timestamp = name_known && name == rules.timestamp_field;

    const bool is_container = token.front() == '{' || token.front() == '[';
    std::string_view text;
    if (is_container) {
      if (!check_container(value, token.front(), 1, may_have_escapes)) return false;
      // Having walked the container, the iterator sits on the ',' or '}' after it.
      const char* next = nullptr;
      if (value.current_location().get(next) != simdjson::SUCCESS) return false;
      text = trim_json_whitespace_right(
          std::string_view(token.data(), static_cast<std::size_t>(next - token.data())));
      if (is_timestamp) result->timestamp_token = text;
    } else {
      text = trim_json_whitespace_right(token);
      if (!is_valid_json_scalar(text, may_have_escapes)) return false;
      // Like Python's dict, the last of duplicate keys decides.
      if (is_timestamp) {
        result->timestamp_token = text;
        if (text.front() == '"' && text.find('\\') != std::string_view::npos) {
          std::string_view contents;
          // A string its escapes cannot spell (a lone surrogate) is no time:
          // the line stays an object, stamped with the read time.
          if (value.get_string().get(contents) == simdjson::SUCCESS) {
            timestamp_.assign(1, '"').append(contents).push_back('"');
            result->timestamp_token = timestamp_;
          } else {
            result->timestamp_token = {};
          }
        }
      }
    }
    if (!keep) continue;
    if (!first) *w++ = ',';
    first = false;
    *w++ = '"';
    std::memcpy(w, key->data(), key->size());
    w += key->size();
    *w++ = '"';
    *w++ = ':';
    if (is_container) {
      w = compact_json(text.data(), text.data() + text.size(), w);
    } else {
      std::memcpy(w, text.data(), text.size());
      w += text.size();
    }
  }
  // Anything after the object ("{...} xyz", "{...}}") makes the line raw.
  const char* rest = nullptr;
  if (doc.current_location().get(rest) != simdjson::OUT_OF_BOUNDS) return false;
  *w++ = '}';
  result->message_size = static_cast<std::size_t>(w - out);
  return true;
}

}  // namespace cw::transform
