#pragma once
// ObjectRewriter: the general path of LineTransformer, for any line that is a
// JSON object (whitespace, escaped names, deep nesting): validated
// throughout with simdjson On-Demand while the fields the rules keep are
// copied out, compact, every value's text unchanged. For a line that
// rewrite_compact_object() accepts, it gives the same result byte for byte.
// Not thread-safe; one per transformer (it owns a parser).

#include <cstddef>
#include <memory>
#include <string>

#include "transform/field_rules.h"

namespace cw::transform {

class ObjectRewriter {
 public:
  ObjectRewriter();
  ~ObjectRewriter();
  ObjectRewriter(const ObjectRewriter&) = delete;
  ObjectRewriter& operator=(const ObjectRewriter&) = delete;

  // Zeroed bytes `json` must be followed by, which the parser may read.
  static std::size_t padding();

  // False when `json` is not exactly one valid JSON object (nested at most
  // 512 deep). `out` must have room for `size` bytes. The result's timestamp
  // token stays valid until the next call.
  bool rewrite(const char* json, std::size_t size, const FieldRules& rules, char* out, RewrittenObject* result);

 private:
  struct Parser;  // keeps simdjson out of this header
  std::unique_ptr<Parser> parser_;
  std::string timestamp_;  // an escaped timestamp string, unescaped, in quotes
};

}  // namespace cw::transform
