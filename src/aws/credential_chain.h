#pragma once
// Finds credentials the way the AWS SDKs do, in the order of
// ../shared/cloudwatch-facts.md: the environment (keys, or their Docker-secret
// <NAME>_FILE variants), a web identity token file, the shared files' profile
// (static keys, role_arn through STS, credential_process), the container
// endpoint (ECS, EKS Pod Identity), EC2 IMDSv2. The first source that is
// configured decides: when it fails, resolution stops with its error, as the
// SDKs do, rather than silently using another identity. A profile named
// explicitly (the seed's AWS_PROFILE_NAME, or --profile) is used alone, as
// boto3.Session(profile_name=) skips the environment keys.
//
// Thread safety: get(), invalidate() and expiration() may be called from any
// number of threads. get() is cheap (a copy under a mutex); temporary
// credentials are refreshed by a background thread well before they expire.

#include <chrono>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

#include "aws/credentials.h"
#include "aws/endpoint_rules.h"
#include "aws/environment.h"
#include "http/client.h"

namespace cw {
class Logger;
}

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

struct ProfileChoice {
  std::string name;       // "" means AWS_PROFILE or "default"
  bool explicit_ = false; // named by flag or AWS_PROFILE_NAME: skip the environment keys
};

// How the sources that call a service reach it.
struct ProviderOptions {
  std::string region;          // STS's regional endpoint; empty: the global one
  EndpointFlags sts_flags;     // FIPS / dual-stack for STS
  http::Options http;          // CA bundle, user agent, timeouts for STS and the container endpoint
  const Logger* log = nullptr; // refresh failures are logged here (never a secret)
  // Temporary credentials are refreshed this long before they expire, or at
  // half their remaining lifetime when that comes first.
  std::chrono::seconds refresh_lead{600};
};

// Resolves once (the first fetch happens here); throws CredentialsError with
// one line naming each source tried and why it failed.
std::unique_ptr<CredentialsProvider> make_credentials_provider(const Environment& env,
                                                               const ProfileChoice& profile,
                                                               const ProviderOptions& options = {});

}  // namespace cw::aws
