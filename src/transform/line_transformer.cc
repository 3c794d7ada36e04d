#include "transform/line_transformer.h"

#include <simdjson.h>

#include <cstring>
#include <memory>
#include <optional>
#include <utility>

#include "common/byte_buffer.h"
#include "transform/compact_object.h"
#include "transform/json_text.h"
#include "transform/object_rewriter.h"
#include "transform/timestamp.h"
#include "common/utf8.h"

namespace cw::transform {
namespace {

// Room for `size` bytes, the previous contents given up: the buffer only
// grows, so that steady state costs no allocation.
char* scratch(ByteBuffer& buffer, std::size_t size) {
  buffer.clear();
  return buffer.room(size);
}

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

}  // namespace

struct LineTransformer::Impl {
  explicit Impl(Options opts) : options(std::move(opts)) {}

  Event transform(std::string_view line, std::int64_t read_time_ms);
  // `text` is a JSON value as written; a string must have no escapes.
  std::optional<std::int64_t> timestamp_of(std::string_view text);

  Options options;
  FieldRules rules{options.timestamp_field, options.exclude_fields};
  ObjectRewriter rewriter;
  ByteBuffer input;   // the line, UTF-8 repaired, plus simdjson's padding
  ByteBuffer output;  // the rewritten object
  Iso8601Parser iso8601;
};

std::optional<std::int64_t> LineTransformer::Impl::timestamp_of(std::string_view text) {
  if (text.empty()) return std::nullopt;
  if (text.front() == '"') return iso8601.parse_ms(text.substr(1, text.size() - 2));
  if (text.front() == '-' || (text.front() >= '0' && text.front() <= '9')) {
    return parse_epoch_ms(text);
  }
  return std::nullopt;
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
    repaired = scratch(input, repaired_utf8_capacity(size) + ObjectRewriter::padding());
    size = repair_utf8(data, size, repaired);
    data = repaired;
    event.utf8_repaired = true;
  }

  char* message = scratch(output, size);
  std::size_t message_size = 0;
  std::optional<std::int64_t> timestamp_ms;
  RewrittenObject object;
  bool is_object = rewrite_compact_object(std::string_view(data, size), rules, message, &object);
  if (!is_object) {
    if (repaired == nullptr) {
      repaired = scratch(input, size + ObjectRewriter::padding());
      std::memcpy(repaired, data, size);
    }
    // Zeroed padding: the parser may peek past the end, and a stray '}' left
    // by an earlier, longer line could otherwise be mistaken for a closing brace.
    std::memset(repaired + size, 0, ObjectRewriter::padding());
    is_object = starts_like_object(repaired, size) && rewriter.rewrite(repaired, size, rules, message, &object);
  }
  if (is_object) {
    message_size = object.message_size;
    timestamp_ms = timestamp_of(object.timestamp_token);
    event.kind = timestamp_ms ? LineKind::kJson : LineKind::kNoTimestamp;
  } else {
    message = repaired;
    message_size = size;
    event.kind = LineKind::kRaw;
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
