#include "aws/credentials/chain.h"

#include <vector>

#include "aws/credentials/container_provider.h"
#include "aws/credentials/environment_provider.h"
#include "aws/credentials/imds_provider.h"
#include "aws/credentials/profile_provider.h"
#include "aws/credentials/web_identity_provider.h"
#include "aws/credentials/refreshing_provider.h"

namespace cw::aws {
namespace {

// Long-term keys from the environment: nothing to refresh, nothing to re-read.
class StaticProvider final : public CredentialsProvider {
 public:
  explicit StaticProvider(Credentials credentials) : credentials_(std::move(credentials)) {}
  Credentials get() override { return credentials_; }

 private:
  const Credentials credentials_;
};

std::string labelled(std::string_view label, const std::string& message) {
  if (message.starts_with(label)) return message;
  return std::string(label) + ": " + message;
}

// Collects why each source was passed over, for the one-line diagnostic.
class Attempts {
 public:
  void skipped(std::string_view label, const std::string& why) { reasons_.push_back(labelled(label, why)); }

  [[noreturn]] void failed(std::string_view label, const std::string& error) const {
    std::string line = "cannot get AWS credentials: ";
    for (const auto& reason : reasons_) line += reason + "; ";
    line += labelled(label, error);
    if (!alone_) line += " (a configured source failed; later sources were not tried)";
    throw CredentialsError(line);
  }

  void set_alone() { alone_ = true; }

  [[noreturn]] void none() const {
    std::string line = "no AWS credentials found: ";
    for (std::size_t i = 0; i < reasons_.size(); ++i) line += (i ? "; " : "") + reasons_[i];
    throw CredentialsError(line);
  }

 private:
  std::vector<std::string> reasons_;
  bool alone_ = false;  // an explicitly named profile: there are no later sources
};

std::unique_ptr<CredentialsProvider> start(CredentialSource source, std::string_view label, const Attempts& attempts,
                                           const ProviderOptions& options) {
  Credentials first;
  try {
    first = source.fetch();
  } catch (const CredentialsError& e) {
    attempts.failed(label, e.what());
  }
  return std::make_unique<RefreshingProvider>(source.name, std::move(source.fetch), std::move(first),
                                              options.refresh_lead, options.log);
}

}  // namespace

std::unique_ptr<CredentialsProvider> make_credentials_provider(const Environment& env, const ProfileChoice& profile,
                                                               const ProviderOptions& options) {
  Attempts attempts;
  std::string why;
  const auto detect = [&](std::string_view label, auto&& detector) -> std::optional<CredentialSource> {
    try {
      return detector();
    } catch (const CredentialsError& e) {
      attempts.failed(label, e.what());
    }
  };

  if (profile.explicit_) {
    // boto3.Session(profile_name=...): that profile or nothing.
    attempts.set_alone();
    auto source = detect("profile", [&] { return detect_profile(env, profile.name, true, options, why); });
    return start(std::move(*source), "profile", attempts, options);
  }

  try {
    if (auto credentials = environment_credentials(env, why)) {
      return std::make_unique<StaticProvider>(std::move(*credentials));
    }
  } catch (const CredentialsError& e) {
    attempts.failed("environment", e.what());
  }
  attempts.skipped("environment", why);

  if (auto source = detect("web identity", [&] { return detect_web_identity(env, options, why); })) {
    return start(std::move(*source), "web identity", attempts, options);
  }
  attempts.skipped("web identity", why);

  const std::optional<std::string> named = !profile.name.empty() ? std::optional(profile.name) : env.get("AWS_PROFILE");
  const std::string profile_name = named.value_or("default");
  if (auto source = detect("profile", [&] { return detect_profile(env, profile_name, named.has_value(), options, why); })) {
    return start(std::move(*source), "profile", attempts, options);
  }
  attempts.skipped("profile", why);

  if (auto source = detect("container", [&] { return detect_container(env, options, why); })) {
    return start(std::move(*source), "container", attempts, options);
  }
  attempts.skipped("container", why);

  if (auto source = detect("IMDS", [&] { return detect_imds(env, why); })) {
    // IMDS is "configured" everywhere: its failure is the end of the chain.
    Credentials first;
    try {
      first = source->fetch();
    } catch (const CredentialsError& e) {
      attempts.skipped("IMDS", e.what());
      attempts.none();
    }
    return std::make_unique<RefreshingProvider>(source->name, std::move(source->fetch), std::move(first),
                                                options.refresh_lead, options.log);
  }
  attempts.skipped("IMDS", why);
  attempts.none();
}

}  // namespace cw::aws
