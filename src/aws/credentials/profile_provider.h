#pragma once
// A profile of the shared files (shared_config.h), resolved as the SDKs do:
//   role_arn with source_profile, credential_source (Environment,
//   Ec2InstanceMetadata, EcsContainer) or web_identity_token_file -> STS;
//   else aws_access_key_id / aws_secret_access_key (/ aws_session_token);
//   else credential_process.
// A source_profile may itself assume a role (role chaining); loops are
// refused. Each fetch of an assumed role fetches its source anew, so a
// refreshing source stays fresh too.

#include <optional>
#include <string>

#include "aws/credentials/credential_source.h"
#include "aws/environment.h"

namespace cw::aws {

// nullopt and `why` when the profile does not exist and `must_exist` is false
// (the implicit "default"); throws CredentialsError for a profile that exists
// (or must) but cannot give credentials.
std::optional<CredentialSource> detect_profile(const Environment& env, const std::string& profile, bool must_exist,
                                               const ProviderOptions& options, std::string& why);

}  // namespace cw::aws
