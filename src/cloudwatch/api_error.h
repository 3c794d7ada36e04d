#pragma once
// ApiError: a failed call to the service, classified by what the caller must do
// about it (../shared/cloudwatch-facts.md, "Errors"). The error type decides,
// not the HTTP status: throttling, auth and validation errors are all 400s.

#include <string>
#include <string_view>

#include "http/client.h"

namespace cw::cloudwatch {

enum class ErrorAction {
  kRetry,             // throttling, 5xx, timeouts, connection errors: back off and resend
  kCreateThenRetry,   // ResourceNotFoundException: create group/stream, resend the same batch
  kAlreadyDone,       // ResourceAlreadyExistsException on a create call: success
  kRefreshThenRetry,  // expired token or clock skew: refresh credentials / correct the clock
  kFixRequest,        // InvalidParameterException and kin: never resend as is
  kFatal,             // access denied, unknown key, bad signature, account limits
};

struct ApiError {
  ErrorAction action = ErrorAction::kFatal;
  long http_status = 0;     // 0: no response (transport error)
  std::string type;         // e.g. "ThrottlingException"; "" for transport errors
  std::string message;
  bool throttled = false;   // a throttling error (for the throttle governor and counters)

  // One line for logs: "ThrottlingException (HTTP 400): Rate exceeded".
  std::string describe() const;
};

// Classifies a response that is not 2xx (or a transport failure).
ApiError classify_error(const http::Response& response);

// Exposed for tests: the action for an error type name already normalised.
ErrorAction action_for(std::string_view type, long http_status, std::string_view message);

}  // namespace cw::cloudwatch
