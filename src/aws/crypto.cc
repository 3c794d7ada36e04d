#include "aws/crypto.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <climits>
#include <stdexcept>

namespace cw::aws {

namespace {

// OpenSSL may reject a null pointer even with a zero length, and an empty
// std::string_view is allowed to hold one, so empty inputs point here instead.
const unsigned char kEmpty[1] = {0};

const unsigned char* bytes_of(std::string_view s) {
  return s.empty() ? kEmpty : reinterpret_cast<const unsigned char*>(s.data());
}

const unsigned char* bytes_of(std::span<const unsigned char> s) {
  return s.empty() ? kEmpty : s.data();
}

}  // namespace

Sha256Digest sha256(std::string_view data) {
  Sha256Digest digest{};
  unsigned int length = 0;
  // One-shot digest straight over the caller's bytes: no copy of large bodies.
  if (EVP_Digest(bytes_of(data), data.size(), digest.data(), &length, EVP_sha256(), nullptr) != 1 ||
      length != digest.size()) {
    throw std::runtime_error("SHA-256 failed in OpenSSL EVP_Digest");
  }
  return digest;
}

Sha256Digest sha256(std::span<const std::string_view> parts) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  if (ctx == nullptr) throw std::runtime_error("SHA-256 failed: EVP_MD_CTX_new");
  Sha256Digest digest{};
  unsigned int length = 0;
  bool ok = EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr) == 1;
  for (std::string_view part : parts) {
    ok = ok && EVP_DigestUpdate(ctx, bytes_of(part), part.size()) == 1;
  }
  ok = ok && EVP_DigestFinal_ex(ctx, digest.data(), &length) == 1 && length == digest.size();
  EVP_MD_CTX_free(ctx);
  if (!ok) throw std::runtime_error("SHA-256 failed in OpenSSL EVP_DigestUpdate");
  return digest;
}

Sha256Digest hmac_sha256(std::span<const unsigned char> key, std::string_view data) {
  if (key.size() > static_cast<std::size_t>(INT_MAX)) {
    throw std::runtime_error("HMAC-SHA256 key too long for OpenSSL");
  }
  Sha256Digest mac{};
  unsigned int length = 0;
  if (HMAC(EVP_sha256(), bytes_of(key), static_cast<int>(key.size()), bytes_of(data), data.size(),
           mac.data(), &length) == nullptr ||
      length != mac.size()) {
    throw std::runtime_error("HMAC-SHA256 failed in OpenSSL HMAC");
  }
  return mac;
}

Sha256Digest hmac_sha256(std::string_view key, std::string_view data) {
  return hmac_sha256(
      std::span<const unsigned char>(reinterpret_cast<const unsigned char*>(key.data()), key.size()),
      data);
}

std::string to_hex(std::span<const unsigned char> bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex(bytes.size() * 2, '\0');
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    hex[2 * i] = kDigits[bytes[i] >> 4];
    hex[2 * i + 1] = kDigits[bytes[i] & 0x0f];
  }
  return hex;
}

std::string sha256_hex(std::string_view data) { return to_hex(sha256(data)); }

}  // namespace cw::aws
