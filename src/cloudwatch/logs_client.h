#pragma once
// LogsClient: the LogsApi over the wire: signed AWS JSON 1.1 calls to CloudWatch Logs. One call, one
// attempt: retry policy lives in Delivery. Every attempt is signed anew (fresh
// date, current credentials). Not thread-safe: one client per sending thread.

#include <chrono>
#include <span>
#include <string>
#include <string_view>

#include "aws/credentials/provider.h"
#include "aws/endpoint.h"
#include "aws/sigv4.h"
#include "cloudwatch/api_error.h"
#include "cloudwatch/logs_api.h"
#include "http/client.h"

namespace cw::cloudwatch {

class LogsClient final : public LogsApi {
 public:
  LogsClient(aws::Endpoint endpoint, aws::CredentialsProvider& credentials, http::Options http_options);

  // The pieces of the body are hashed and sent without joining them.
  CallResult call(std::string_view operation, std::span<const std::string_view> body_parts) override;
  using LogsApi::call;

  // Corrects the signing clock from a response's Date header (clock skew).
  void correct_clock(std::string_view http_date);
  void invalidate_credentials() override { credentials_.invalidate(); }
  const aws::Endpoint& endpoint() const { return endpoint_; }

 private:
  aws::Endpoint endpoint_;
  aws::CredentialsProvider& credentials_;
  http::HttpClient http_;
  aws::Signer signer_;
  std::chrono::milliseconds clock_offset_{0};
  std::string last_date_header_;
};

}  // namespace cw::cloudwatch
