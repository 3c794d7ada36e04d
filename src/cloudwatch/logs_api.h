#pragma once
// LogsApi: one attempt of one CloudWatch Logs call, the seam between the
// retry policy (Delivery) and the wire (LogsClient). Tests give Delivery and
// SenderPool a scripted LogsApi: the service's answers and faults in-process,
// no network.

#include <span>
#include <string>
#include <string_view>

#include "cloudwatch/api_error.h"

namespace cw::cloudwatch {

struct CallResult {
  bool ok = false;
  std::string body;  // the answer on success
  ApiError error;    // when !ok
};

class LogsApi {
 public:
  virtual ~LogsApi() = default;
  // operation: "PutLogEvents", "CreateLogGroup", ... ; body: the JSON input,
  // whole or in consecutive pieces (sent without joining them).
  virtual CallResult call(std::string_view operation, std::span<const std::string_view> body_parts) = 0;
  CallResult call(std::string_view operation, std::string_view body) {
    return call(operation, std::span<const std::string_view>(&body, 1));
  }
  // The service refused the credentials as expired: the next call fetches anew.
  virtual void invalidate_credentials() = 0;
};

}  // namespace cw::cloudwatch
