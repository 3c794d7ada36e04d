#include "aws/credentials/environment_provider.h"

#include "aws/credentials/provider.h"
#include "aws/credentials/env_secret.h"

namespace cw::aws {

std::optional<Credentials> environment_credentials(const Environment& env, std::string& why) {
  auto id = env_or_file(env, "AWS_ACCESS_KEY_ID");
  auto secret = env_or_file(env, "AWS_SECRET_ACCESS_KEY");
  if (!id && !secret) {
    why = "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or their _FILE variants) not set";
    return std::nullopt;
  }
  if (!id || !secret) {
    // The SDKs refuse half a key pair instead of looking further: the user
    // meant to configure these keys.
    throw CredentialsError(std::string("environment: ") + (id ? "AWS_SECRET_ACCESS_KEY" : "AWS_ACCESS_KEY_ID") +
                           " (or its _FILE variant) is not set while " +
                           (id ? "AWS_ACCESS_KEY_ID" : "AWS_SECRET_ACCESS_KEY") + " is");
  }
  Credentials credentials;
  credentials.access_key_id = std::move(*id);
  credentials.secret_access_key = std::move(*secret);
  credentials.session_token = env_or_file(env, "AWS_SESSION_TOKEN").value_or("");
  credentials.source = "environment";
  return credentials;
}

}  // namespace cw::aws
