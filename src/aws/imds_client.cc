#include "aws/imds_client.h"

#include <cctype>
#include <charconv>

#include "aws/credentials/provider.h"
#include "http/client.h"

namespace cw::aws {
namespace {

bool is_true(const std::optional<std::string>& value) {
  if (!value) return false;
  std::string v = *value;
  for (char& c : v) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return v == "true" || v == "1";
}

bool is_timeout(const std::string& transport_error) {
  return transport_error.find("imeout") != std::string::npos || transport_error.find("timed out") != std::string::npos;
}

}  // namespace

ImdsOptions ImdsOptions::from_environment(const Environment& env) {
  ImdsOptions options;
  options.disabled = is_true(env.get("AWS_EC2_METADATA_DISABLED"));
  if (auto mode = env.get("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE"); mode && (*mode == "IPv6" || *mode == "ipv6")) {
    options.endpoint = "http://[fd00:ec2::254]";
  }
  if (auto endpoint = env.get("AWS_EC2_METADATA_SERVICE_ENDPOINT")) options.endpoint = *endpoint;
  while (options.endpoint.ends_with('/')) options.endpoint.pop_back();
  if (auto text = env.get("AWS_METADATA_SERVICE_TIMEOUT")) {
    double seconds = 0;
    const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), seconds);
    if (ec == std::errc() && end == text->data() + text->size() && seconds > 0) {
      options.timeout = std::chrono::milliseconds(static_cast<long long>(seconds * 1000));
    }
  }
  if (auto text = env.get("AWS_METADATA_SERVICE_NUM_ATTEMPTS")) {
    int attempts = 0;
    const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), attempts);
    if (ec == std::errc() && end == text->data() + text->size() && attempts > 0) options.attempts = attempts;
  }
  return options;
}

std::optional<std::string> ImdsClient::token() const {
  http::Options http;
  http.connect_timeout = options_.timeout;
  http.request_timeout = options_.timeout;
  http::Request request;
  request.method = "PUT";
  request.url = options_.endpoint + "/latest/api/token";
  request.headers.emplace_back("x-aws-ec2-metadata-token-ttl-seconds", "21600");
  std::string error;
  for (int attempt = 0; attempt < options_.attempts; ++attempt) {
    http::HttpClient client(http);
    const http::Response response = client.perform(request);
    if (response.ok() && !response.body.empty()) return response.body;
    if (response.status == 404 || response.status == 405) return std::nullopt;
    if (!response.transport_error.empty()) {
      error = response.transport_error;
      if (is_timeout(error)) {
        const auto ms = options_.timeout.count();
        error = "token request to " + request.url + " timed out after " +
                (ms % 1000 == 0 ? std::to_string(ms / 1000) + " s" : std::to_string(ms) + " ms") +
                " (not on EC2? in a container on EC2 the instance's metadata hop limit is probably 1: raise it with "
                "`aws ec2 modify-instance-metadata-options --instance-id <id> --http-put-response-hop-limit 2`)";
      } else {
        error = "token request to " + request.url + " failed: " + error;
      }
    } else {
      error = "token request to " + request.url + " answered HTTP " + std::to_string(response.status) +
              (response.status == 403 ? " (instance metadata is turned off for this instance)" : "");
    }
  }
  throw CredentialsError("IMDS: " + error);
}

std::string ImdsClient::get(const std::string& path) const {
  if (options_.disabled) throw CredentialsError("IMDS: disabled by AWS_EC2_METADATA_DISABLED");
  const std::optional<std::string> session = token();
  http::Options http;
  http.connect_timeout = options_.timeout;
  http.request_timeout = options_.timeout;
  http::Request request;
  request.method = "GET";
  request.url = options_.endpoint + path;
  if (session) request.headers.emplace_back("x-aws-ec2-metadata-token", *session);
  std::string error;
  for (int attempt = 0; attempt < options_.attempts; ++attempt) {
    http::HttpClient client(http);
    const http::Response response = client.perform(request);
    if (response.ok()) return response.body;
    error = response.transport_error.empty() ? "HTTP " + std::to_string(response.status) : response.transport_error;
    if (response.status == 404) {
      error += " (no such metadata; for credentials: no IAM role attached to the instance?)";
      break;
    }
  }
  throw CredentialsError("IMDS: GET " + request.url + " failed: " + error);
}

std::optional<std::string> imds_region(const Environment& env, std::string& why) {
  const ImdsOptions options = ImdsOptions::from_environment(env);
  if (options.disabled) {
    why = "IMDS disabled by AWS_EC2_METADATA_DISABLED";
    return std::nullopt;
  }
  try {
    std::string region = ImdsClient(options).get("/latest/meta-data/placement/region");
    while (!region.empty() && (region.back() == '\n' || region.back() == ' ')) region.pop_back();
    if (region.empty()) {
      why = "IMDS answered an empty region";
      return std::nullopt;
    }
    return region;
  } catch (const CredentialsError& e) {
    why = e.what();
    return std::nullopt;
  }
}

}  // namespace cw::aws
