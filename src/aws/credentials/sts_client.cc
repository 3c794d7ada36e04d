#include "aws/credentials/sts_client.h"

#include <chrono>
#include <ctime>

#include "aws/credentials/provider.h"
#include "aws/crypto.h"
#include "aws/iso8601.h"
#include "aws/sigv4.h"
#include "aws/credentials/sts_xml.h"

namespace cw::aws {
namespace {

constexpr std::string_view kVersion = "2011-06-15";

std::string one_line(std::string text, std::size_t limit = 300) {
  for (char& c : text) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  if (text.size() > limit) text = text.substr(0, limit) + "...";
  return text;
}

}  // namespace

std::string form_encode(std::string_view value) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(value.size());
  for (unsigned char c : value) {
    const bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                            c == '-' || c == '_' || c == '.' || c == '~';
    if (unreserved) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  return out;
}

StsOptions StsOptions::from_environment(const Environment& env, std::string region, EndpointFlags flags,
                                        http::Options http) {
  StsOptions options;
  options.region = std::move(region);
  options.flags = flags;
  options.http = std::move(http);
  options.endpoint_url = env.get("AWS_ENDPOINT_URL_STS").value_or(env.get_or("AWS_ENDPOINT_URL", ""));
  return options;
}

StsClient::StsClient(StsOptions options) : options_(std::move(options)) {
  if (!options_.endpoint_url.empty()) {
    endpoint_ = endpoint_from_url(options_.endpoint_url, options_.region.empty() ? "us-east-1" : options_.region);
  } else {
    const RuleEndpoint rule =
        resolve_rule_endpoint("sts", options_.region.empty() ? "aws-global" : options_.region, options_.flags);
    endpoint_ = endpoint_from_url(rule.url + "/", rule.signing_region);
  }
}

Credentials StsClient::assume_role(const Credentials& source, const AssumeRoleRequest& request) const {
  std::string body = "Action=AssumeRole&Version=" + std::string(kVersion) + "&RoleArn=" + form_encode(request.role_arn) +
                     "&RoleSessionName=" + form_encode(request.session_name);
  if (!request.external_id.empty()) body += "&ExternalId=" + form_encode(request.external_id);
  if (request.duration_seconds > 0) body += "&DurationSeconds=" + std::to_string(request.duration_seconds);
  return call("AssumeRole", body, &source, request.role_arn);
}

Credentials StsClient::assume_role_with_web_identity(const AssumeRoleRequest& request,
                                                     const std::string& token) const {
  std::string body = "Action=AssumeRoleWithWebIdentity&Version=" + std::string(kVersion) +
                     "&RoleArn=" + form_encode(request.role_arn) +
                     "&RoleSessionName=" + form_encode(request.session_name) +
                     "&WebIdentityToken=" + form_encode(token);
  if (request.duration_seconds > 0) body += "&DurationSeconds=" + std::to_string(request.duration_seconds);
  return call("AssumeRoleWithWebIdentity", body, nullptr, request.role_arn);
}

Credentials StsClient::call(const std::string& operation, const std::string& body, const Credentials* signer,
                            const std::string& role_arn) const {
  const std::string what = "STS " + operation + " for " + role_arn + " at " + endpoint_.url;
  http::Request request;
  request.method = "POST";
  request.url = endpoint_.url;
  request.body = body;
  request.headers = {{"content-type", "application/x-www-form-urlencoded; charset=utf-8"},
                     {"accept", "text/xml"}};
  if (signer != nullptr) {
    const std::string date = format_amz_date(std::chrono::system_clock::now());
    SignableRequest signable;
    signable.method = "POST";
    signable.path = "/";
    signable.headers = {{"content-type", "application/x-www-form-urlencoded; charset=utf-8"},
                        {"host", endpoint_.host},
                        {"x-amz-date", date}};
    if (!signer->session_token.empty()) signable.headers.push_back({"x-amz-security-token", signer->session_token});
    signable.payload_sha256_hex = sha256_hex(body);
    Signer sigv4;
    const SigningResult signature = sigv4.sign(signable, *signer, endpoint_.region, "sts", date);
    request.headers.emplace_back("x-amz-date", date);
    if (!signer->session_token.empty()) request.headers.emplace_back("x-amz-security-token", signer->session_token);
    request.headers.emplace_back("authorization", signature.authorization);
  }
  http::HttpClient client(options_.http);
  const http::Response response = client.perform(request);
  if (!response.transport_error.empty()) throw CredentialsError(what + ": " + response.transport_error);
  if (!response.ok()) {
    const std::string code = xml_element_text(response.body, "Code").value_or("");
    const std::string message = xml_element_text(response.body, "Message").value_or("");
    std::string line = what + ": ";
    line += code.empty() ? std::string("error") : code;
    if (!message.empty()) line += ": " + one_line(message);
    line += " (HTTP " + std::to_string(response.status) + ")";
    throw CredentialsError(line);
  }
  Credentials credentials;
  credentials.access_key_id = xml_element_text(response.body, "AccessKeyId").value_or("");
  credentials.secret_access_key = xml_element_text(response.body, "SecretAccessKey").value_or("");
  credentials.session_token = xml_element_text(response.body, "SessionToken").value_or("");
  const std::string expiration = xml_element_text(response.body, "Expiration").value_or("");
  if (credentials.empty() || credentials.session_token.empty()) {
    throw CredentialsError(what + ": the answer has no complete Credentials element");
  }
  credentials.expiration = parse_iso8601(expiration);
  if (!credentials.expiration) {
    throw CredentialsError(what + ": the answer's Expiration '" + one_line(expiration, 40) + "' is not a timestamp");
  }
  return credentials;
}

}  // namespace cw::aws
