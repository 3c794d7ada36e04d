#pragma once
// Web identity (EKS IRSA and the like): AWS_WEB_IDENTITY_TOKEN_FILE +
// AWS_ROLE_ARN (+ AWS_ROLE_SESSION_NAME) -> STS AssumeRoleWithWebIdentity.
// The token file is read anew on every fetch: the platform rotates it.

#include <optional>
#include <string>

#include "aws/credentials/credential_source.h"
#include "aws/environment.h"

namespace cw::aws {

struct WebIdentityConfig {
  std::string token_file;
  std::string role_arn;
  std::string session_name;  // empty: "cw-sidecar-<unix time>"
};

// The source for `config` (also used by profiles with web_identity_token_file).
CredentialSource web_identity_source(WebIdentityConfig config, const Environment& env, const ProviderOptions& options);

// From the environment; nullopt and `why` when AWS_WEB_IDENTITY_TOKEN_FILE is
// not set. Throws CredentialsError when the file is set without AWS_ROLE_ARN.
std::optional<CredentialSource> detect_web_identity(const Environment& env, const ProviderOptions& options,
                                                    std::string& why);

// "cw-sidecar-<unix seconds>": a session name STS accepts ([\w+=,.@-]{2,64}).
std::string default_session_name();

}  // namespace cw::aws
