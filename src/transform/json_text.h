#pragma once
// Lexical checks and rewriting of JSON text. simdjson's On-Demand iteration
// checks structure (brackets, commas, colons, closed strings, UTF-8) but not
// the spelling of scalars it is not asked to parse; these helpers cover that,
// and compact containers without re-encoding anything.

#include <cstddef>
#include <string_view>

namespace cw::transform {

constexpr bool is_json_whitespace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

std::string_view trim_json_whitespace_right(std::string_view text);

// `after_quote` points just past a string's opening quote; returns its closing
// quote, or nullptr if there is none before `limit`.
const char* find_string_end(const char* after_quote, const char* limit);

// The length of the JSON escape starting at `backslash` (2, or 6 for \uXXXX),
// or 0 if it is not a valid one or does not end before `end`.
std::size_t escape_length(const char* backslash, const char* end);

// Whether every backslash in a string's contents starts a valid JSON escape.
bool has_valid_escapes(std::string_view contents);

// The end of the longest JSON number, -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?,
// starting at `p`; nullptr if none starts there.
const char* json_number_end(const char* p, const char* end);

// The whole text is one JSON number.
bool is_json_number(std::string_view text);

// A JSON number, true, false, null, or string, exactly (no surrounding space).
// A string's extent is taken as already checked by simdjson's indexing, so
// only its escapes are, and only when `may_have_escapes` (a line without any
// backslash needs no look inside its strings).
bool is_valid_json_scalar(std::string_view token, bool may_have_escapes);

// Copies the JSON text [begin, end) to `out`, dropping whitespace outside
// strings; returns the end of what was written (at most end - begin bytes).
// The text must have balanced quotes.
char* compact_json(const char* begin, const char* end, char* out);

}  // namespace cw::transform
