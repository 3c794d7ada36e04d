#include "aws/credentials/web_identity_provider.h"

#include <chrono>

#include "aws/credentials/env_secret.h"
#include "aws/credentials/sts_client.h"

namespace cw::aws {

std::string default_session_name() {
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  return "cw-sidecar-" + std::to_string(std::chrono::duration_cast<std::chrono::seconds>(now).count());
}

CredentialSource web_identity_source(WebIdentityConfig config, const Environment& env, const ProviderOptions& options) {
  const StsOptions sts = StsOptions::from_environment(env, options.region, options.sts_flags, options.http);
  CredentialSource source;
  source.name = "web identity (" + config.role_arn + ")";
  source.fetch = [config = std::move(config), sts, name = source.name]() {
    const std::string token = read_secret_file(config.token_file, "web identity token file");
    if (token.empty()) throw CredentialsError("web identity token file " + config.token_file + " is empty");
    AssumeRoleRequest request;
    request.role_arn = config.role_arn;
    request.session_name = config.session_name.empty() ? default_session_name() : config.session_name;
    Credentials credentials = StsClient(sts).assume_role_with_web_identity(request, token);
    credentials.source = name;
    return credentials;
  };
  return source;
}

std::optional<CredentialSource> detect_web_identity(const Environment& env, const ProviderOptions& options,
                                                    std::string& why) {
  auto token_file = env.get("AWS_WEB_IDENTITY_TOKEN_FILE");
  if (!token_file) {
    why = "AWS_WEB_IDENTITY_TOKEN_FILE not set";
    return std::nullopt;
  }
  auto role_arn = env.get("AWS_ROLE_ARN");
  if (!role_arn) throw CredentialsError("web identity: AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not");
  return web_identity_source({*token_file, *role_arn, env.get_or("AWS_ROLE_SESSION_NAME", "")}, env, options);
}

}  // namespace cw::aws
