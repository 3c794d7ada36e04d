#include "cloudwatch/api_error.h"

#include <array>

#include "cloudwatch/responses.h"

namespace cw::cloudwatch {
namespace {

constexpr std::array<std::string_view, 11> kThrottlingTypes = {
    "ThrottlingException", "Throttling", "ThrottledException", "TooManyRequestsException",
    "RequestLimitExceeded", "RequestThrottled", "RequestThrottledException",
    "ProvisionedThroughputExceededException", "TransactionInProgressException",
    "SlowDown", "BandwidthLimitExceeded"};

constexpr std::array<std::string_view, 5> kTransientTypes = {
    "ServiceUnavailableException", "ServiceUnavailable", "InternalFailure", "InternalError",
    "RequestTimeout"};

template <std::size_t N>
bool contains(const std::array<std::string_view, N>& list, std::string_view type) {
  for (std::string_view item : list) {
    if (item == type) return true;
  }
  return false;
}

}  // namespace

ErrorAction action_for(std::string_view type, long http_status, std::string_view message) {
  if (contains(kThrottlingTypes, type) || contains(kTransientTypes, type)) return ErrorAction::kRetry;
  if (type == "ResourceNotFoundException") return ErrorAction::kCreateThenRetry;
  if (type == "ResourceAlreadyExistsException") return ErrorAction::kAlreadyDone;
  if (type == "OperationAbortedException") return ErrorAction::kRetry;  // a concurrent create
  if (type == "ExpiredTokenException" || type == "ExpiredToken" || type == "RequestExpired") {
    return ErrorAction::kRefreshThenRetry;
  }
  if ((type == "InvalidSignatureException" || type == "SignatureDoesNotMatch") &&
      message.find("Signature expired") != std::string_view::npos) {
    return ErrorAction::kRefreshThenRetry;  // clock skew
  }
  if (type == "InvalidParameterException" || type == "DataAlreadyAcceptedException" ||
      type == "InvalidSequenceTokenException" || type == "SerializationException" ||
      type == "ValidationException") {
    return ErrorAction::kFixRequest;
  }
  if (type.empty() && (http_status >= 500 || http_status == 429 || http_status == 408 || http_status == 0)) {
    return ErrorAction::kRetry;
  }
  if (http_status >= 500 || http_status == 429) return ErrorAction::kRetry;  // 429: throttling by any name
  return ErrorAction::kFatal;
}

ApiError classify_error(const http::Response& response) {
  ApiError error;
  error.http_status = response.status;
  if (!response.transport_error.empty()) {
    error.action = ErrorAction::kRetry;
    error.message = response.transport_error;
    return error;
  }
  ErrorBody body = parse_error_body(response.body);
  if (body.type.empty()) body.type = normalise_error_type(response.header("x-amzn-errortype"));
  error.type = std::move(body.type);
  error.message = std::move(body.message);
  if (error.message.empty() && error.type.empty() && !response.body.empty()) {
    // Neither JSON nor XML (a proxy's HTML page, say): show its start.
    error.message = response.body.substr(0, 200);
    for (char& c : error.message) {
      if (c == '\n' || c == '\r') c = ' ';
    }
  }
  error.action = action_for(error.type, error.http_status, error.message);
  error.throttled = contains(kThrottlingTypes, error.type) || response.status == 429;
  return error;
}

std::string ApiError::describe() const {
  std::string out;
  if (http_status == 0) {
    out = "connection failed";
  } else {
    out = type.empty() ? std::string("error") : type;
    out += " (HTTP " + std::to_string(http_status) + ")";
  }
  if (!message.empty()) out += ": " + message;
  return out;
}

}  // namespace cw::cloudwatch
