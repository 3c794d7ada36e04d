#include "aws/credentials/imds_provider.h"

#include "aws/credentials/credentials_json.h"
#include "aws/imds_client.h"

namespace cw::aws {

CredentialSource imds_source(const Environment& env) {
  const ImdsOptions options = ImdsOptions::from_environment(env);
  CredentialSource source;
  source.name = "EC2 instance metadata " + options.endpoint;
  source.fetch = [options, name = source.name]() {
    const ImdsClient imds(options);
    constexpr std::string_view kPath = "/latest/meta-data/iam/security-credentials/";
    std::string role = imds.get(std::string(kPath));
    role = role.substr(0, role.find_first_of("\r\n"));
    if (role.empty()) throw CredentialsError("IMDS: no IAM role attached to the instance");
    Credentials credentials = parse_credentials_json(imds.get(std::string(kPath) + role), {}, "IMDS role " + role);
    credentials.source = "EC2 instance role " + role;
    return credentials;
  };
  return source;
}

std::optional<CredentialSource> detect_imds(const Environment& env, std::string& why) {
  if (ImdsOptions::from_environment(env).disabled) {
    why = "disabled by AWS_EC2_METADATA_DISABLED";
    return std::nullopt;
  }
  return imds_source(env);
}

}  // namespace cw::aws
