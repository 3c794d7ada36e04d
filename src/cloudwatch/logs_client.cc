#include "cloudwatch/logs_client.h"

#include <ctime>

namespace cw::cloudwatch {

LogsClient::LogsClient(aws::Endpoint endpoint, aws::CredentialsProvider& credentials,
                       http::Options http_options)
    : endpoint_(std::move(endpoint)), credentials_(credentials), http_(std::move(http_options)) {}

CallResult LogsClient::call(std::string_view operation, std::span<const std::string_view> body_parts) {
  CallResult result;
  aws::Credentials credentials;
  try {
    credentials = credentials_.get();
  } catch (const aws::CredentialsError& e) {
    result.error.action = ErrorAction::kRetry;  // the source may come back; data waits on disk
    result.error.type = "CredentialsUnavailable";
    result.error.message = e.what();
    return result;
  }
  aws::SignableRequest signable;
  signable.method = "POST";
  signable.path = "/";
  const std::string date = aws::format_amz_date(std::chrono::system_clock::now() + clock_offset_);
  signable.headers = {
      {"content-type", "application/x-amz-json-1.1"},
      {"host", endpoint_.host},
      {"x-amz-date", date},
      {"x-amz-target", "Logs_20140328." + std::string(operation)},
  };
  if (!credentials.session_token.empty()) {
    signable.headers.push_back({"x-amz-security-token", credentials.session_token});
  }
  signable.payload_sha256_hex = aws::to_hex(aws::sha256(body_parts));
  const aws::SigningResult signature = signer_.sign(signable, credentials, endpoint_.region, "logs", date);

  http::Request request;
  request.url = endpoint_.url;
  request.body_parts.assign(body_parts.begin(), body_parts.end());
  request.headers.reserve(signable.headers.size() + 1);
  for (auto& header : signable.headers) {
    if (header.name == "host") continue;  // libcurl writes Host from the URL, identically
    request.headers.emplace_back(std::move(header.name), std::move(header.value));
  }
  request.headers.emplace_back("authorization", signature.authorization);

  http::Response response = http_.perform(request);
  if (response.ok()) {
    result.ok = true;
    result.body = std::move(response.body);
    return result;
  }
  result.error = classify_error(response);
  if (result.error.action == ErrorAction::kRefreshThenRetry) {
    correct_clock(response.header("date"));
  }
  return result;
}

void LogsClient::correct_clock(std::string_view http_date) {
  if (http_date.empty()) return;
  std::tm tm{};
  const std::string text(http_date);
  // RFC 7231 IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT"
  if (strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S", &tm) == nullptr) return;
  const auto server = std::chrono::system_clock::from_time_t(timegm(&tm));
  clock_offset_ = std::chrono::duration_cast<std::chrono::milliseconds>(server - std::chrono::system_clock::now());
}

}  // namespace cw::cloudwatch
