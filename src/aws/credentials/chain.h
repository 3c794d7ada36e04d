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

#include <memory>
#include <string>

#include "aws/credentials/credential_source.h"
#include "aws/credentials/provider.h"
#include "aws/environment.h"

namespace cw::aws {

struct ProfileChoice {
  std::string name;       // "" means AWS_PROFILE or "default"
  bool explicit_ = false; // named by flag or AWS_PROFILE_NAME: skip the environment keys
};

// Resolves once (the first fetch happens here), returning a provider whose
// get() is cheap (a copy under a mutex) and whose temporary credentials are
// refreshed by a background thread well before they expire. Throws
// CredentialsError with one line naming each source tried and why it failed.
std::unique_ptr<CredentialsProvider> make_credentials_provider(const Environment& env,
                                                               const ProfileChoice& profile,
                                                               const ProviderOptions& options = {});

}  // namespace cw::aws
