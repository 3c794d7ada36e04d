#pragma once
// Environment keys: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and optionally
// AWS_SESSION_TOKEN, each also as a Docker secret (<NAME>_FILE, env_secret.h).

#include <optional>
#include <string>

#include "aws/credentials/credentials.h"
#include "aws/environment.h"

namespace cw::aws {

// nullopt and `why` when neither key is set; throws CredentialsError when only
// one is, or a _FILE cannot be read. Long-term or session keys never refresh.
std::optional<Credentials> environment_credentials(const Environment& env, std::string& why);

}  // namespace cw::aws
