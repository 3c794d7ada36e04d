#include "transform/line_transformer.h"

#include <simdjson.h>

#include <cstring>
#include <memory>
#include <optional>
#include <utility>

#include "transform/compact_object.h"
#include "transform/json_text.h"
#include "transform/timestamp.h"
#include "transform/utf8.h"

namespace cw::transform {
namespace {

namespace od = simdjson::ondemand;

// Deeper documents are kept as raw lines. Bounds the validation recursion and
// stays clear of simdjson's own limit (1024 levels), which it asserts on
// rather than reports in debug builds.
constexpr int kMaxNestingDepth = 512;

// A byte buffer that only grows, so that steady state costs no allocation.
class GrowOnlyBuffer {
 public:
  // Returns room for at least `size` bytes; previous contents are not kept.
  char* reserve(std::size_t size) {
    if (size > capacity_) {
      capacity_ = size > 2 * capacity_ ? size : 2 * capacity_;
      data_ = std::make_unique_for_overwrite<char[]>(capacity_);
    }
    return data_.get();
  }

 private:
  std::unique_ptr<char[]> data_;
  std::size_t capacity_ = 0;
};

bool is_blank(std::string_view line) {
  for (const char c : line) {
    if (!is_json_whitespace(c) && c != '\f' && c != '\v') return false;
  }
  return true;
}

bool starts_like_object(const char* data, std::size_t size) {
  std::size_t i = 0;
  while (i < size && is_json_whitespace(data[i])) ++i;
  return i < size && data[i] == '{';
}

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

struct LineTransformer::Impl {
  explicit Impl(Options opts) : options(std::move(opts)) {}

  Event transform(std::string_view line, std::int64_t read_time_ms);
  // Writes the object without excluded fields to `output`; false if `json` is
  // not exactly one valid JSON object.
  bool rewrite_object(const char* json, std::size_t size, std::size_t* message_size,
                      std::optional<std::int64_t>* timestamp_ms);
  std::optional<std::int64_t> timestamp_of(od::value& value, std::string_view text);
  // `text` is a JSON value as written; a string must have no escapes.
  std::optional<std::int64_t> timestamp_of(std::string_view text);

  Options options;
  FieldRules rules{options.timestamp_field, options.exclude_fields};
  od::parser parser;
  GrowOnlyBuffer input;   // the line, UTF-8 repaired, plus simdjson's padding
  GrowOnlyBuffer output;  // the rewritten object
  Iso8601Parser iso8601;
};

std::optional<std::int64_t> LineTransformer::Impl::timestamp_of(od::value& value,
                                                                 std::string_view text) {
  if (text.front() == '"' && text.find('\\') != std::string_view::npos) {
    std::string_view contents;
    if (value.get_string().get(contents) != simdjson::SUCCESS) return std::nullopt;
    return iso8601.parse_ms(contents);
  }
  return timestamp_of(text);
}

std::optional<std::int64_t> LineTransformer::Impl::timestamp_of(std::string_view text) {
  if (text.empty()) return std::nullopt;
  if (text.front() == '"') return iso8601.parse_ms(text.substr(1, text.size() - 2));
  if (text.front() == '-' || (text.front() >= '0' && text.front() <= '9')) {
    return parse_epoch_ms(text);
  }
  return std::nullopt;
}

bool LineTransformer::Impl::rewrite_object(const char* json, std::size_t size,
                                           std::size_t* message_size,
                                           std::optional<std::int64_t>* timestamp_ms) {
  // Most lines have no backslash at all; then no string needs a look inside.
  const bool may_have_escapes = std::memchr(json, '\\', size) != nullptr;
  od::document doc;
  if (parser.iterate(json, size, size + simdjson::SIMDJSON_PADDING).get(doc) != simdjson::SUCCESS) {
    return false;
  }
  od::object object;
  if (doc.get_object().get(object) != simdjson::SUCCESS) return false;

  // Kept fields are never longer than they were written, nor is "{}" longer
  // than any object, so the message fits in `size` bytes.
  char* const out = output.reserve(size);
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
    const bool is_timestamp = name_known && name == options.timestamp_field;

    const bool is_container = token.front() == '{' || token.front() == '[';
    std::string_view text;
    if (is_container) {
      if (!check_container(value, token.front(), 1, may_have_escapes)) return false;
      // Having walked the container, the iterator sits on the ',' or '}' after it.
      const char* next = nullptr;
      if (value.current_location().get(next) != simdjson::SUCCESS) return false;
      text = trim_json_whitespace_right(
          std::string_view(token.data(), static_cast<std::size_t>(next - token.data())));
      if (is_timestamp) *timestamp_ms = std::nullopt;
    } else {
      text = trim_json_whitespace_right(token);
      if (!is_valid_json_scalar(text, may_have_escapes)) return false;
      // Like Python's dict, the last of duplicate keys decides.
      if (is_timestamp) *timestamp_ms = timestamp_of(value, text);
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
  *message_size = static_cast<std::size_t>(w - out);
  return true;
}

Event LineTransformer::Impl::transform(std::string_view line, std::int64_t read_time_ms) {
  Event event;
  event.timestamp_ms = read_time_ms;
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (is_blank(line)) return event;  // kEmpty

  const char* data = line.data();
  std::size_t size = line.size();
  char* repaired = nullptr;
  if (!is_ascii(data, size) && !simdjson::validate_utf8(data, size)) {
    repaired = input.reserve(repaired_utf8_capacity(size) + simdjson::SIMDJSON_PADDING);
    size = repair_utf8(data, size, repaired);
    data = repaired;
    event.utf8_repaired = true;
  }

  CompactObject compact;
  char* message = output.reserve(size);
  std::size_t message_size = 0;
  std::optional<std::int64_t> timestamp_ms;
  if (options.compact_fast_path &&
      rewrite_compact_object(std::string_view(data, size), rules, message, &compact)) {
    message_size = compact.message_size;
    timestamp_ms = timestamp_of(compact.timestamp_token);
    event.kind = timestamp_ms ? LineKind::kJson : LineKind::kNoTimestamp;
  } else {
    if (repaired == nullptr) {
      repaired = input.reserve(size + simdjson::SIMDJSON_PADDING);
      std::memcpy(repaired, data, size);
    }
    // Zeroed padding: simdjson may peek past the end, and a stray '}' left by
    // an earlier, longer line could otherwise be mistaken for a closing brace.
    std::memset(repaired + size, 0, simdjson::SIMDJSON_PADDING);
    if (starts_like_object(repaired, size) &&
        rewrite_object(repaired, size, &message_size, &timestamp_ms)) {
      event.kind = timestamp_ms ? LineKind::kJson : LineKind::kNoTimestamp;
    } else {
      message = repaired;
      message_size = size;
      event.kind = LineKind::kRaw;
    }
  }
  if (timestamp_ms) event.timestamp_ms = *timestamp_ms;
  event.too_long = message_size > options.max_message_bytes;
  event.message = std::string_view(message, message_size);
  return event;
}

LineTransformer::LineTransformer(Options options)
    : impl_(std::make_unique<Impl>(std::move(options))) {}

LineTransformer::~LineTransformer() = default;

Event LineTransformer::transform(std::string_view line, std::int64_t read_time_ms) {
  return impl_->transform(line, read_time_ms);
}

}  // namespace cw::transform
