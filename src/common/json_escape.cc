#include "common/json_escape.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>

#include "common/json_escape_impl.h"
#include "common/json_specials.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define CW_ESCAPE_AVX512 1
#include <immintrin.h>
#endif

namespace cw {
namespace {


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

#if defined(__SSE2__)
// Copies 16 bytes; the caller advances `dst` by only as many as belong.
void copy16(char* dst, const char* src) {
  _mm_storeu_si128(reinterpret_cast<__m128i*>(dst), _mm_loadu_si128(reinterpret_cast<const __m128i*>(src)));
}
#endif

char* write_json_escaped(char* dst, const char* p, const char* end) {
  while (p < end) {
#if defined(__SSE2__)
    if (end - p >= 16) {
      unsigned mask = json_specials16(p);
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
    if (is_json_string_special(c)) {
      dst = write_escape(dst, c);
    } else {
      *dst++ = static_cast<char>(c);
    }
  }
  return dst;
}

#ifdef CW_ESCAPE_AVX512
#define CW_AVX512_TARGET __attribute__((target("avx512f,avx512bw,avx512vbmi,avx512vbmi2,bmi2,popcnt")))

// Byte c < 0x20 -> the letter of its two-byte escape, or 0 where JSON has
// none (\u00xx, left to the portable code). vpermb reads the low 6 bits.
alignas(64) constexpr std::array<char, 64> kShortEscape = [] {
  std::array<char, 64> t{};
  t['\b'] = 'b';
  t['\t'] = 't';
  t['\n'] = 'n';
  t['\f'] = 'f';
  t['\r'] = 'r';
  return t;
}();

// Writes the escape of up to 32 bytes (low half of `bytes`, control bytes
// already replaced by their letters; `specials` = the bytes to prefix with a
// backslash). Each input byte gets two output slots, the first used only when
// it is special; pext of the used slots gives where the backslashes land, and
// vpexpandb spreads the bytes over the other positions. Stores all 64 bytes:
// the caller guarantees room, and the bytes past the result are overwritten
// later or cut off.
CW_AVX512_TARGET inline char* emit_half(char* dst, __m512i bytes, std::uint32_t specials, unsigned len) {
  const std::uint64_t backslash_slots = _pdep_u64(specials, 0x5555555555555555ULL);
  const std::uint64_t backslashes = _pext_u64(backslash_slots, backslash_slots | 0xAAAAAAAAAAAAAAAAULL);
  const __m512i out = _mm512_mask_expand_epi8(_mm512_set1_epi8('\\'), ~backslashes, bytes);
  _mm512_storeu_si512(dst, out);
  return dst + len + static_cast<unsigned>(__builtin_popcount(specials));
}

// Escapes `len` <= 64 bytes of `v` (the others zero); nullptr when they hold a
// byte that needs \u00xx, with nothing written. Needs 128 bytes of room.
CW_AVX512_TARGET inline char* escape_step(char* dst, __m512i v, __mmask64 valid, unsigned len) {
  const __m512i letters = _mm512_load_si512(kShortEscape.data());
  const __mmask64 control = _mm512_mask_cmplt_epu8_mask(valid, v, _mm512_set1_epi8(0x20));
  const __mmask64 specials = control | _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('"')) |
                             _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('\\'));
  v = _mm512_mask_permutexvar_epi8(v, control, v, letters);
  if (_mm512_mask_cmpeq_epi8_mask(control, v, _mm512_setzero_si512()) != 0) return nullptr;
  dst = emit_half(dst, v, static_cast<std::uint32_t>(specials), std::min(len, 32U));
  if (len > 32) {
    // The high 32 bytes moved down (the maskz form avoids GCC 12's
    // -Wmaybe-uninitialized on the intrinsics' undefined operand).
    const __m512i high = _mm512_maskz_alignr_epi64(0x0F, v, v, 4);
    dst = emit_half(dst, high, static_cast<std::uint32_t>(specials >> 32), len - 32);
  }
  return dst;
}
#endif

}  // namespace

namespace detail {

char* write_json_escaped_portable(char* dst, std::string_view utf8) {
  return write_json_escaped(dst, utf8.data(), utf8.data() + utf8.size());
}

#ifdef CW_ESCAPE_AVX512
bool json_escape_avx512_supported() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vbmi") &&
         __builtin_cpu_supports("avx512vbmi2") && __builtin_cpu_supports("bmi2") && __builtin_cpu_supports("popcnt");
}

CW_AVX512_TARGET char* write_json_escaped_avx512(char* dst, std::string_view utf8) {
  const char* p = utf8.data();
  std::size_t left = utf8.size();
  while (left != 0) {
    const unsigned len = left >= 64 ? 64U : static_cast<unsigned>(left);
    // The last step loads masked, so as not to read past the input.
    char* next = len == 64 ? escape_step(dst, _mm512_loadu_si512(p), ~__mmask64{0}, 64)
                           : escape_step(dst, _mm512_maskz_loadu_epi8(_bzhi_u64(~0ULL, len), p),
                                         _bzhi_u64(~0ULL, len), len);
    dst = next != nullptr ? next : write_json_escaped(dst, p, p + len);
    p += len;
    left -= len;
  }
  return dst;
}
#else
bool json_escape_avx512_supported() { return false; }
char* write_json_escaped_avx512(char* dst, std::string_view utf8) { return write_json_escaped_portable(dst, utf8); }
#endif

}  // namespace detail

char* write_json_escaped(char* dst, std::string_view utf8) {
  static const bool avx512 = detail::json_escape_avx512_supported();
  return avx512 ? detail::write_json_escaped_avx512(dst, utf8) : detail::write_json_escaped_portable(dst, utf8);
}

void append_json_escaped(std::string& out, std::string_view utf8) {
  // In steps, so that the zero-filled room (std::string::resize) stays small
  // whatever the input's size.
  constexpr std::size_t kStep = 4096;
  while (!utf8.empty()) {
    const std::string_view step = utf8.substr(0, kStep);
    const std::size_t used = out.size();
    out.resize(used + json_escaped_room(step.size()));
    char* const end = write_json_escaped(out.data() + used, step);
    out.resize(static_cast<std::size_t>(end - out.data()));
    utf8.remove_prefix(step.size());
  }
}

}  // namespace cw
