#include "aws/credential_chain.h"

#include "aws/shared_config.h"

namespace cw::aws {
namespace {

class StaticProvider final : public CredentialsProvider {
 public:
  explicit StaticProvider(Credentials credentials) : credentials_(std::move(credentials)) {}
  Credentials get() override { return credentials_; }

 private:
  Credentials credentials_;
};

std::optional<Credentials> from_environment(const Environment& env, std::string& why) {
  auto id = env.get("AWS_ACCESS_KEY_ID");
  auto secret = env.get("AWS_SECRET_ACCESS_KEY");
  if (!id && !secret) {
    why = "environment: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY not set";
    return std::nullopt;
  }
  if (!id || !secret) {
    why = std::string("environment: ") + (id ? "AWS_SECRET_ACCESS_KEY" : "AWS_ACCESS_KEY_ID") +
          " not set while the other is";
    return std::nullopt;
  }
  Credentials credentials{*id, *secret, env.get_or("AWS_SESSION_TOKEN", ""), std::nullopt, "environment"};
  return credentials;
}

std::optional<Credentials> from_profile(const Environment& env, const std::string& profile, std::string& why) {
  const SharedConfig shared = SharedConfig::load(env);
  if (!shared.has_profile(profile)) {
    why = "profile '" + profile + "': not found in " + shared.credentials_path() + " or " + shared.config_path();
    return std::nullopt;
  }
  auto id = shared.get(profile, "aws_access_key_id");
  auto secret = shared.get(profile, "aws_secret_access_key");
  if (!id || !secret) {
    why = "profile '" + profile + "': no aws_access_key_id/aws_secret_access_key (role_arn, " +
          "credential_process and SSO profiles are not supported yet)";
    return std::nullopt;
  }
  Credentials credentials{*id, *secret, shared.get(profile, "aws_session_token").value_or(""), std::nullopt,
                          "profile " + profile};
  return credentials;
}

}  // namespace

std::unique_ptr<CredentialsProvider> make_credentials_provider(const Environment& env,
                                                               const ProfileChoice& profile) {
  const std::string profile_name =
      !profile.name.empty() ? profile.name : env.get_or("AWS_PROFILE", "default");
  std::string env_why;
  std::string profile_why;
  if (!profile.explicit_) {
    if (auto credentials = from_environment(env, env_why)) {
      return std::make_unique<StaticProvider>(std::move(*credentials));
    }
  }
  if (auto credentials = from_profile(env, profile_name, profile_why)) {
    return std::make_unique<StaticProvider>(std::move(*credentials));
  }
  std::string message = "no AWS credentials found (";
  if (!env_why.empty()) message += env_why + "; ";
  message += profile_why + ")";
  throw CredentialsError(message);
}

}  // namespace cw::aws
