#pragma once
// Finds credentials the way the AWS SDKs do. Today: the environment
// (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN) and static keys
// of a profile in the shared files. A profile named explicitly (the seed's
// AWS_PROFILE_NAME, or --profile) is used alone, as boto3.Session(profile_name=)
// does; otherwise the environment comes first, then AWS_PROFILE or "default".

#include <memory>
#include <stdexcept>
#include <string>

#include "aws/credentials.h"
#include "aws/environment.h"

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
};

struct ProfileChoice {
  std::string name;       // "" means AWS_PROFILE or "default"
  bool explicit_ = false; // named by flag or AWS_PROFILE_NAME: skip the environment keys
};

// Resolves once; throws CredentialsError naming each source tried and why it failed.
std::unique_ptr<CredentialsProvider> make_credentials_provider(const Environment& env,
                                                               const ProfileChoice& profile);

}  // namespace cw::aws
