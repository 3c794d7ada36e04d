#pragma once
// The bytes that end a run of plain JSON string content: '"', '\\' and the
// control characters below 0x20. Escaping stops at them to write an escape,
// parsing to see where a string ends; both look 16 bytes at a time.

#include <cstdint>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace cw {

constexpr bool is_json_string_special(unsigned char c) { return c == '"' || c == '\\' || c < 0x20; }

// Bit i set when p[i] is special, for i in [0, 16). Reads 16 bytes.
inline std::uint32_t json_specials16(const char* p) {
#if defined(__SSE2__)
  const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  const __m128i quote = _mm_cmpeq_epi8(v, _mm_set1_epi8('"'));
  const __m128i backslash = _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'));
  // v <= 0x1F as unsigned bytes: max(v, 0x1F) == 0x1F.
  const __m128i control = _mm_cmpeq_epi8(_mm_max_epu8(v, _mm_set1_epi8(0x1F)), _mm_set1_epi8(0x1F));
  return static_cast<std::uint32_t>(_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(quote, backslash), control)));
#else
  std::uint32_t mask = 0;
  for (int i = 0; i < 16; ++i) {
    if (is_json_string_special(static_cast<unsigned char>(p[i]))) mask |= 1U << i;
  }
  return mask;
#endif
}

}  // namespace cw
