#pragma once
// The variants behind cw::write_json_escaped, exposed so tests can check each
// against a reference on any CPU. Everything else calls write_json_escaped,
// which picks one once per process. All produce the same bytes.

#include <string>
#include <string_view>

namespace cw::detail {

// SSE2 (or scalar off x86): runs everywhere.
char* write_json_escaped_portable(char* dst, std::string_view utf8);

// True when this CPU and OS run write_json_escaped_avx512 (AVX-512 BW, VBMI,
// VBMI2 and BMI2). Calling that function when this is false is undefined.
bool json_escape_avx512_supported();

// AVX-512 VBMI2 + BMI2: 64 input bytes per step; falls back to the portable
// code only for steps holding a control character without a short form.
char* write_json_escaped_avx512(char* dst, std::string_view utf8);

}  // namespace cw::detail
