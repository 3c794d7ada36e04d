#pragma once
// UTF-8 for every layer: checks, repair, and where text may be cut (the
// reader cuts long lines, the transformer and the logger repair).

#include <cstddef>

namespace cw {

// Whether every byte is below 0x80: such text is valid UTF-8, and most log
// lines are such text, so this is asked before a full check.
bool is_ascii(const char* data, std::size_t size);

// The most bytes repair_utf8 can write for `size` input bytes (each invalid
// byte may become a 3-byte U+FFFD).
constexpr std::size_t repaired_utf8_capacity(std::size_t size) { return size * 3; }

// Copies `in` to `out`, replacing each maximal invalid subsequence with U+FFFD,
// the Unicode-recommended practice that Python's decode(errors="replace") also
// follows. `out` must hold repaired_utf8_capacity(size) bytes. Returns the
// number of bytes written.
std::size_t repair_utf8(const char* in, std::size_t size, char* out);

// The largest n <= limit such that data[0, n) ends on a character boundary of
// the valid UTF-8 text data[0, size).
std::size_t utf8_prefix_boundary(const char* data, std::size_t size, std::size_t limit);

// Where to cut `text` (any bytes, valid UTF-8 or not) at most `limit` bytes
// in, `limit` < its size, without splitting a character: a cut before a
// continuation byte moves back to its lead byte, at most 3 bytes.
std::size_t utf8_cut(const char* text, std::size_t limit);

}  // namespace cw
