#pragma once
// LogsClient: signed AWS JSON 1.1 calls to CloudWatch Logs. One call, one
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
#include "http/client.h"

namespace cw::cloudwatch {

struct CallResult {
  bool ok = false;
  std::string body;  // the answer on success
  ApiError error;    // when !ok
};

class LogsClient {
 public:
  LogsClient(aws::Endpoint endpoint, aws::CredentialsProvider& credentials, http::Options http_options);

  // operation: "PutLogEvents", "CreateLogGroup", ... ; body: the JSON input,
  // whole or in consecutive pieces (hashed and sent without joining them).
  CallResult call(std::string_view operation, std::span<const std::string_view> body_parts);
  CallResult call(std::string_view operation, std::string_view body) {
    return call(operation, std::span<const std::string_view>(&body, 1));
  }

  // Corrects the signing clock from a response's Date header (clock skew).
  void correct_clock(std::string_view http_date);
  void invalidate_credentials() { credentials_.invalidate(); }
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
