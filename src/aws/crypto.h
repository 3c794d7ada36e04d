#pragma once
// SHA-256 and HMAC-SHA256 on OpenSSL's libcrypto, and hex encoding.

#include <array>
#include <span>
#include <string>
#include <string_view>

namespace cw::aws {

using Sha256Digest = std::array<unsigned char, 32>;

Sha256Digest sha256(std::string_view data);
// The digest of the concatenation of `parts`, without concatenating them.
Sha256Digest sha256(std::span<const std::string_view> parts);
Sha256Digest hmac_sha256(std::span<const unsigned char> key, std::string_view data);
Sha256Digest hmac_sha256(std::string_view key, std::string_view data);
std::string to_hex(std::span<const unsigned char> bytes);  // lower-case
std::string sha256_hex(std::string_view data);

}  // namespace cw::aws
