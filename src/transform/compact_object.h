#pragma once
// The fast path of LineTransformer: one pass over a line that is a compact
// JSON object (no whitespace outside strings, as loggers write them), checking
// it strictly against RFC 8259 while copying the kept fields out.
//
// It vouches only for what it accepts: anything it is unsure of (whitespace,
// escaped keys, an escaped timestamp, deep nesting, any error) makes it return
// false, and the caller decides with the general path (object_rewriter.h). For a
// line it accepts, the result is byte for byte what the general path gives.

#include <string_view>

#include "transform/field_rules.h"

namespace cw::transform {

// `out` must have room for line.size() bytes. `line` must be valid UTF-8.
bool rewrite_compact_object(std::string_view line, const FieldRules& rules, char* out,
                            RewrittenObject* result);

}  // namespace cw::transform
