#pragma once
// CredentialsProvider: what signing asks for credentials. The chain
// (chain.h) returns one; RefreshingProvider is the one it builds for every
// source; tests give fixed ones.
//
// Thread safety: get(), invalidate() and expiration() may be called from any
// number of threads.

#include <chrono>
#include <optional>
#include <stdexcept>

#include "aws/credentials/credentials.h"

namespace cw::aws {

class CredentialsError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class CredentialsProvider {
 public:
  virtual ~CredentialsProvider() = default;
  // Credentials valid now. Throws CredentialsError when none can be had.
  virtual Credentials get() = 0;
  // The service refused the current credentials as expired: fetch anew.
  virtual void invalidate() {}
  // When the current credentials expire; nullopt for long-term keys (metrics).
  virtual std::optional<std::chrono::system_clock::time_point> expiration() const { return std::nullopt; }
};

}  // namespace cw::aws
