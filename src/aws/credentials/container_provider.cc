#include "aws/credentials/container_provider.h"

#include <arpa/inet.h>

#include "aws/credentials/credentials_json.h"
#include "aws/credentials/env_secret.h"

namespace cw::aws {
namespace {

constexpr int kAttempts = 3;  // the SDKs retry the local agent a few times
constexpr auto kTimeout = std::chrono::milliseconds(2000);

// The host of an http(s) URL, without brackets or port.
std::string url_host(const std::string& url, std::string& scheme) {
  const auto colon = url.find("://");
  if (colon == std::string::npos) return {};
  scheme = url.substr(0, colon);
  std::string authority = url.substr(colon + 3);
  authority = authority.substr(0, authority.find_first_of("/?#"));
  if (const auto at = authority.rfind('@'); at != std::string::npos) authority = authority.substr(at + 1);
  if (authority.starts_with('[')) return authority.substr(1, authority.find(']') - 1);
  return authority.substr(0, authority.find(':'));
}

bool is_loopback(const std::string& host) {
  if (host == "localhost") return true;
  in_addr v4{};
  if (inet_pton(AF_INET, host.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  if (inet_pton(AF_INET6, host.c_str(), &v6) == 1) return IN6_IS_ADDR_LOOPBACK(&v6);
  return false;
}

bool is_container_host(const std::string& host) {
  if (host == "169.254.170.2" || host == "169.254.170.23") return true;
  in6_addr v6{}, eks{};
  return inet_pton(AF_INET6, host.c_str(), &v6) == 1 && inet_pton(AF_INET6, "fd00:ec2::23", &eks) == 1 &&
         std::equal(std::begin(v6.s6_addr), std::end(v6.s6_addr), std::begin(eks.s6_addr));
}

std::string authorization(const Environment& env) {
  // The file wins: it is what EKS Pod Identity sets and rotates.
  if (auto path = env.get("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE")) {
    return read_secret_file(*path, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
  }
  return env.get_or("AWS_CONTAINER_AUTHORIZATION_TOKEN", "");
}

CredentialSource make_source(std::string url, const Environment& env, const ProviderOptions& options) {
  CredentialSource source;
  source.name = "container endpoint " + url;
  http::Options http = options.http;
  http.connect_timeout = kTimeout;
  http.request_timeout = kTimeout;
  source.fetch = [url, env, http, name = source.name]() {
    const std::string token = authorization(env);
    if (token.find_first_of("\r\n") != std::string::npos) {
      throw CredentialsError(name + ": the authorization token contains a line break");
    }
    http::Request request;
    request.method = "GET";
    request.url = url;
    request.headers.emplace_back("accept", "application/json");
    if (!token.empty()) request.headers.emplace_back("authorization", token);
    std::string error;
    for (int attempt = 0; attempt < kAttempts; ++attempt) {
      http::HttpClient client(http);
      const http::Response response = client.perform(request);
      if (response.ok()) {
        Credentials credentials = parse_credentials_json(response.body, {}, name);
        credentials.source = name;
        return credentials;
      }
      if (!response.transport_error.empty()) {
        error = response.transport_error;
        continue;  // the agent may be starting
      }
      const std::string detail = json_error_summary(response.body);
      error = "HTTP " + std::to_string(response.status) + (detail.empty() ? "" : ": " + detail);
      if (response.status < 500) break;  // refused: asking again will not help
    }
    throw CredentialsError(name + ": " + error);
  };
  return source;
}

}  // namespace

bool container_uri_allowed(const std::string& url) {
  std::string scheme;
  const std::string host = url_host(url, scheme);
  if (host.empty()) return false;
  if (scheme == "https") return true;
  return scheme == "http" && (is_loopback(host) || is_container_host(host));
}

std::optional<CredentialSource> detect_container(const Environment& env, const ProviderOptions& options,
                                                 std::string& why) {
  if (auto relative = env.get("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")) {
    return make_source("http://169.254.170.2" + *relative, env, options);
  }
  if (auto full = env.get("AWS_CONTAINER_CREDENTIALS_FULL_URI")) {
    if (!container_uri_allowed(*full)) {
      throw CredentialsError("container: AWS_CONTAINER_CREDENTIALS_FULL_URI " + *full +
                             " must be https, or http on a loopback address or 169.254.170.2, 169.254.170.23, "
                             "[fd00:ec2::23]");
    }
    return make_source(*full, env, options);
  }
  why = "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and _FULL_URI not set";
  return std::nullopt;
}

CredentialSource container_source(const Environment& env, const ProviderOptions& options) {
  std::string why;
  if (auto source = detect_container(env, options, why)) return std::move(*source);
  throw CredentialsError("container: " + why);
}

}  // namespace cw::aws
