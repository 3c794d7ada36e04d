#pragma once
// Credentials: the keys a request is signed with, and where they came from.
// Resolution follows the AWS SDKs' chain (see chain.h); secrets are
// never formatted into logs: use describe() for messages.

#include <chrono>
#include <optional>
#include <string>

namespace cw::aws {

struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // empty for long-term keys
  std::optional<std::chrono::system_clock::time_point> expiration;
  std::string source;  // e.g. "environment", "profile default"

  bool empty() const { return access_key_id.empty() || secret_access_key.empty(); }
  // "AKIA…XYZ from environment": safe for logs, never includes a secret.
  std::string describe() const;
};

}  // namespace cw::aws
