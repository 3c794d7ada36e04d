#include "common/utf8.h"

#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace cw {
namespace {

constexpr unsigned char kReplacement[3] = {0xEF, 0xBF, 0xBD};  // U+FFFD

bool is_continuation(unsigned char byte) { return (byte & 0xC0) == 0x80; }

// For a lead byte: how many continuation bytes follow, and the allowed range of
// the first one. The narrowed ranges reject overlong forms, UTF-16 surrogates
// and code points above U+10FFFF. Returns false for bytes that cannot lead.
bool describe_lead(unsigned char lead, int* continuations, unsigned char* low,
                   unsigned char* high) {
  *low = 0x80;
  *high = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    *continuations = 1;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    *continuations = 2;
    if (lead == 0xE0) *low = 0xA0;
    if (lead == 0xED) *high = 0x9F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    *continuations = 3;
    if (lead == 0xF0) *low = 0x90;
    if (lead == 0xF4) *high = 0x8F;
  } else {
    return false;
  }
  return true;
}

}  // namespace

bool is_ascii(const char* data, std::size_t size) {
#if defined(__SSE2__)
  if (size >= 16) {
    const auto load = [data](std::size_t at) { return _mm_loadu_si128(reinterpret_cast<const __m128i*>(data + at)); };
    // The last 16 bytes are loaded whole, overlapping the steps before them:
    // no byte-by-byte tail.
    __m128i any = load(size - 16);
    for (std::size_t i = 0; i + 16 < size; i += 16) any = _mm_or_si128(any, load(i));
    return _mm_movemask_epi8(any) == 0;
  }
#endif
  unsigned char high = 0;
  for (std::size_t i = 0; i < size; ++i) high |= static_cast<unsigned char>(data[i]);
  return high < 0x80;
}

std::size_t repair_utf8(const char* in, std::size_t size, char* out) {
  const auto* src = reinterpret_cast<const unsigned char*>(in);
  auto* dst = reinterpret_cast<unsigned char*>(out);
  std::size_t i = 0;
  while (i < size) {
    const unsigned char lead = src[i];
    if (lead < 0x80) {
      *dst++ = lead;
      ++i;
      continue;
    }
    int continuations = 0;
    unsigned char low = 0;
    unsigned char high = 0;
    if (!describe_lead(lead, &continuations, &low, &high)) {
      std::memcpy(dst, kReplacement, 3);
      dst += 3;
      ++i;
      continue;
    }
    // Consume the lead and as many continuation bytes as still form a valid
    // prefix; an incomplete prefix is one maximal subpart, one U+FFFD.
    std::size_t end = i + 1;
    int seen = 0;
    while (seen < continuations && end < size && src[end] >= low && src[end] <= high) {
      low = 0x80;
      high = 0xBF;
      ++end;
      ++seen;
    }
    if (seen == continuations) {
      std::memcpy(dst, src + i, end - i);
      dst += end - i;
    } else {
      std::memcpy(dst, kReplacement, 3);
      dst += 3;
    }
    i = end;
  }
  return static_cast<std::size_t>(dst - reinterpret_cast<unsigned char*>(out));
}

std::size_t utf8_prefix_boundary(const char* data, std::size_t size, std::size_t limit) {
  if (limit >= size) return size;
  std::size_t n = limit;
  // In valid UTF-8 a character starts at any byte that is not a continuation.
  while (n > 0 && is_continuation(static_cast<unsigned char>(data[n]))) --n;
  return n;
}

std::size_t utf8_cut(const char* text, std::size_t limit) {
  std::size_t cut = limit;
  for (int back = 0; back < 3 && cut > 1 && is_continuation(static_cast<unsigned char>(text[cut])); ++back) --cut;
  return is_continuation(static_cast<unsigned char>(text[cut])) ? limit : cut;
}

}  // namespace cw
