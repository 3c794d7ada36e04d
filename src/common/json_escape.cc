#include "common/json_escape.h"

#include <array>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace cw {
namespace {

// Input bytes escaped per step: the output of a step (at most 6 bytes per
// input byte) fits a stack buffer, and `out` grows once per step.
constexpr std::size_t kChunk = 4096;

constexpr std::array<bool, 256> make_needs_escape() {
  std::array<bool, 256> table{};
  for (int c = 0; c < 0x20; ++c) table[static_cast<std::size_t>(c)] = true;
  table['"'] = true;
  table['\\'] = true;
  return table;
}
constexpr std::array<bool, 256> kNeedsEscape = make_needs_escape();

// Quotes and backslashes are most of what a JSON message needs escaped: they
// take the inline path; control characters the out-of-line one.
[[gnu::noinline]] char* write_control_escape(char* dst, unsigned char c) {
  static constexpr char kHex[] = "0123456789abcdef";
  *dst++ = '\\';
  switch (c) {
    case '\n': *dst++ = 'n'; break;
    case '\r': *dst++ = 'r'; break;
    case '\t': *dst++ = 't'; break;
    case '\b': *dst++ = 'b'; break;
    case '\f': *dst++ = 'f'; break;
    default:
      std::memcpy(dst, "u00", 3);
      dst[3] = kHex[c >> 4];
      dst[4] = kHex[c & 0xF];
      dst += 5;
  }
  return dst;
}

inline char* write_escape(char* dst, unsigned char c) {
  if (c == '"' || c == '\\') {
    dst[0] = '\\';
    dst[1] = static_cast<char>(c);
    return dst + 2;
  }
  return write_control_escape(dst, c);
}

// Bit i set when p[i] needs escaping, for i in [0, 16).
#if defined(__SSE2__)
unsigned specials16(const char* p) {
  const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  const __m128i quote = _mm_cmpeq_epi8(v, _mm_set1_epi8('"'));
  const __m128i backslash = _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'));
  // v <= 0x1F as unsigned bytes: max(v, 0x1F) == 0x1F.
  const __m128i control = _mm_cmpeq_epi8(_mm_max_epu8(v, _mm_set1_epi8(0x1F)), _mm_set1_epi8(0x1F));
  return static_cast<unsigned>(_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(quote, backslash), control)));
}

// Copies 16 bytes; the caller advances `dst` by only as many as belong.
void copy16(char* dst, const char* src) {
  _mm_storeu_si128(reinterpret_cast<__m128i*>(dst), _mm_loadu_si128(reinterpret_cast<const __m128i*>(src)));
}
#endif

char* write_json_escaped(char* dst, const char* p, const char* end) {
  while (p < end) {
#if defined(__SSE2__)
    if (end - p >= 16) {
      unsigned mask = specials16(p);
      if (mask == 0) {
        copy16(dst, p);
        dst += 16;
        p += 16;
        continue;
      }
      // Runs are copied 16 bytes at a time from a padded copy of the block, so
      // no read goes past the input.
      char block[32];
      copy16(block, p);
      unsigned done = 0;
      while (mask != 0) {
        const auto i = static_cast<unsigned>(__builtin_ctz(mask));
        copy16(dst, block + done);  // the run before byte i is shorter than 16 bytes
        dst += i - done;
        dst = write_escape(dst, static_cast<unsigned char>(p[i]));
        done = i + 1;
        mask &= mask - 1;
      }
      copy16(dst, block + done);
      dst += 16 - done;
      p += 16;
      continue;
    }
#endif
    const auto c = static_cast<unsigned char>(*p++);
    if (kNeedsEscape[c]) {
      dst = write_escape(dst, c);
    } else {
      *dst++ = static_cast<char>(c);
    }
  }
  return dst;
}

}  // namespace

void append_json_escaped(std::string& out, std::string_view utf8) {
  char buffer[kChunk * 6 + 16];  // 16: copy16 may write past the last byte that counts
  const char* p = utf8.data();
  const char* const end = p + utf8.size();
  while (p < end) {
    const char* chunk_end = end - p > static_cast<std::ptrdiff_t>(kChunk) ? p + kChunk : end;
    char* written = write_json_escaped(buffer, p, chunk_end);
    out.append(buffer, static_cast<std::size_t>(written - buffer));
    p = chunk_end;
  }
}

}  // namespace cw
