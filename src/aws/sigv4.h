#pragma once
// AWS Signature Version 4 for header-signed requests.
// Every header handed to the signer is signed; callers leave out headers that a
// proxy may change (user-agent). The canonical URI is normalised (unless the
// request says not to) and encoded the way every service but S3 expects.

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "aws/credentials/credentials.h"
#include "aws/crypto.h"

namespace cw::aws {

struct Header {
  std::string name;
  std::string value;
};

struct SignableRequest {
  std::string method;              // "POST"
  std::string path;                // as sent on the wire, e.g. "/"
  std::string query;               // as sent, without '?'; may be empty
  std::vector<Header> headers;     // must include host and x-amz-date
  std::string payload_sha256_hex;  // hex SHA-256 of the exact body bytes
  // Remove dot segments and empty segments first, as every service but S3 does.
  bool normalize_path = true;
};

struct SigningResult {
  std::string canonical_request;
  std::string string_to_sign;
  std::string signature;      // hex
  std::string authorization;  // value of the Authorization header
};

// Keeps the derived signing key of the last (secret, date, region, service), so
// signing many requests a day costs two HMACs each.
// The X-Amz-Date form of `time`: "YYYYMMDDTHHMMSSZ" (UTC).
std::string format_amz_date(std::chrono::system_clock::time_point time);

class Signer {
 public:
  SigningResult sign(const SignableRequest& request, const Credentials& credentials,
                     std::string_view region, std::string_view service,
                     std::string_view amz_date /* YYYYMMDDTHHMMSSZ */);

 private:
  // Returns the cached key, deriving it first when any input changed.
  const Sha256Digest& signing_key(std::string_view secret, std::string_view date,
                                  std::string_view region, std::string_view service);

  std::string key_secret_, key_date_, key_region_, key_service_;
  Sha256Digest key_{};
};

}  // namespace cw::aws
