#pragma once
// Container credentials (ECS task roles, EKS Pod Identity):
// AWS_CONTAINER_CREDENTIALS_RELATIVE_URI on http://169.254.170.2, or
// AWS_CONTAINER_CREDENTIALS_FULL_URI, which must be https or point at a
// loopback address or the ECS/EKS link-local hosts (169.254.170.2,
// 169.254.170.23, fd00:ec2::23): credentials are never sent to a host an
// attacker could name. Authorization comes from the file
// AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE (read anew per fetch: EKS rotates it)
// or AWS_CONTAINER_AUTHORIZATION_TOKEN.

#include <optional>
#include <string>

#include "aws/credentials/credential_source.h"
#include "aws/environment.h"

namespace cw::aws {

// nullopt and `why` when neither URI variable is set; throws CredentialsError
// for a FULL_URI whose host is not allowed.
std::optional<CredentialSource> detect_container(const Environment& env, const ProviderOptions& options,
                                                 std::string& why);

// The source for the container endpoint whatever the variables say was meant
// (a profile's credential_source = EcsContainer); throws when none is set.
CredentialSource container_source(const Environment& env, const ProviderOptions& options);

// Exposed for tests: whether a FULL_URI may be used.
bool container_uri_allowed(const std::string& url);

}  // namespace cw::aws
