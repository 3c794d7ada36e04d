#include "aws/credentials/profile_provider.h"

#include <charconv>
#include <set>

#include "aws/credentials/container_provider.h"
#include "aws/credentials/environment_provider.h"
#include "aws/credentials/imds_provider.h"
#include "aws/credentials/process_provider.h"
#include "aws/credentials/web_identity_provider.h"
#include "aws/shared_config.h"
#include "aws/credentials/sts_client.h"

namespace cw::aws {
namespace {

class ProfileResolver {
 public:
  ProfileResolver(const Environment& env, const SharedConfig& shared, const ProviderOptions& options)
      : env_(env), shared_(shared), options_(options) {}

  CredentialSource resolve(const std::string& profile, std::set<std::string>& visiting) const {
    const std::string what = "profile '" + profile + "'";
    if (!shared_.has_profile(profile)) throw CredentialsError(what + ": not found in " + files());
    if (!visiting.insert(profile).second) {
      throw CredentialsError(what + ": source_profile chain loops back to it");
    }
    if (shared_.get(profile, "role_arn")) return assume_role(profile, visiting);
    if (auto source = static_keys(profile)) return std::move(*source);
    if (auto command = shared_.get(profile, "credential_process")) return process_source(*command, profile);
    if (shared_.get(profile, "sso_session") || shared_.get(profile, "sso_start_url")) {
      throw CredentialsError(what + ": SSO profiles are not supported; use credential_process = aws configure "
                             "export-credentials --profile " + profile + " --format process");
    }
    throw CredentialsError(what + ": has no aws_access_key_id/aws_secret_access_key, role_arn or credential_process");
  }

 private:
  std::string files() const { return shared_.credentials_path() + " or " + shared_.config_path(); }

  std::optional<CredentialSource> static_keys(const std::string& profile) const {
    auto id = shared_.get(profile, "aws_access_key_id");
    auto secret = shared_.get(profile, "aws_secret_access_key");
    if (!id && !secret) return std::nullopt;
    if (!id || !secret) {
      throw CredentialsError("profile '" + profile + "': " + (id ? "aws_secret_access_key" : "aws_access_key_id") +
                             " missing while the other is set");
    }
    Credentials credentials{*id, *secret, shared_.get(profile, "aws_session_token").value_or(""), std::nullopt,
                            "profile " + profile};
    return CredentialSource{"profile " + profile, [credentials] { return credentials; }};
  }

  CredentialSource source_of_role(const std::string& profile, std::set<std::string>& visiting) const {
    const std::string what = "profile '" + profile + "'";
    auto source_profile = shared_.get(profile, "source_profile");
    auto credential_source = shared_.get(profile, "credential_source");
    if (source_profile && credential_source) {
      throw CredentialsError(what + ": has both source_profile and credential_source; keep one");
    }
    if (source_profile) {
      // A profile that names itself uses its own static keys (the SDKs' rule).
      if (*source_profile == profile) {
        if (auto own = static_keys(profile)) return std::move(*own);
        throw CredentialsError(what + ": is its own source_profile but has no static keys");
      }
      return resolve(*source_profile, visiting);
    }
    if (credential_source) {
      if (*credential_source == "Environment") {
        std::string why;
        auto credentials = environment_credentials(env_, why);
        if (!credentials) throw CredentialsError(what + ": credential_source Environment: " + why);
        return CredentialSource{"environment", [c = *credentials] { return c; }};
      }
      if (*credential_source == "Ec2InstanceMetadata") return imds_source(env_);
      if (*credential_source == "EcsContainer") return container_source(env_, options_);
      throw CredentialsError(what + ": credential_source '" + *credential_source +
                             "' is not one of Environment, Ec2InstanceMetadata, EcsContainer");
    }
    throw CredentialsError(what + ": role_arn needs source_profile, credential_source or web_identity_token_file");
  }

  CredentialSource assume_role(const std::string& profile, std::set<std::string>& visiting) const {
    const std::string what = "profile '" + profile + "'";
    const std::string role_arn = *shared_.get(profile, "role_arn");
    if (shared_.get(profile, "mfa_serial")) {
      throw CredentialsError(what + ": mfa_serial needs an interactive MFA code, which a sidecar cannot give");
    }
    AssumeRoleRequest request;
    request.role_arn = role_arn;
    request.session_name = shared_.get(profile, "role_session_name").value_or("");
    request.external_id = shared_.get(profile, "external_id").value_or("");
    if (auto duration = shared_.get(profile, "duration_seconds")) {
      const auto [end, ec] = std::from_chars(duration->data(), duration->data() + duration->size(),
                                             request.duration_seconds);
      if (ec != std::errc() || end != duration->data() + duration->size() || request.duration_seconds < 900) {
        throw CredentialsError(what + ": duration_seconds must be a number of seconds >= 900");
      }
    }
    if (auto token_file = shared_.get(profile, "web_identity_token_file")) {
      return web_identity_source({*token_file, role_arn, request.session_name}, env_, options_);
    }
    CredentialSource source = source_of_role(profile, visiting);
    const StsOptions sts = StsOptions::from_environment(env_, options_.region, options_.sts_flags, options_.http);
    const std::string name = "profile " + profile + " (role " + role_arn + " via " + source.name + ")";
    return CredentialSource{name, [source, sts, request, name]() {
                              AssumeRoleRequest call = request;
                              if (call.session_name.empty()) call.session_name = default_session_name();
                              Credentials credentials = StsClient(sts).assume_role(source.fetch(), call);
                              credentials.source = name;
                              return credentials;
                            }};
  }

  const Environment& env_;
  const SharedConfig& shared_;
  const ProviderOptions& options_;
};

}  // namespace

std::optional<CredentialSource> detect_profile(const Environment& env, const std::string& profile, bool must_exist,
                                               const ProviderOptions& options, std::string& why) {
  const SharedConfig shared = SharedConfig::load(env);
  if (!shared.has_profile(profile)) {
    const std::string line =
        "profile '" + profile + "' not found in " + shared.credentials_path() + " or " + shared.config_path();
    if (must_exist) throw CredentialsError(line);
    why = line;
    return std::nullopt;
  }
  std::set<std::string> visiting;
  return ProfileResolver(env, shared, options).resolve(profile, visiting);
}

}  // namespace cw::aws
