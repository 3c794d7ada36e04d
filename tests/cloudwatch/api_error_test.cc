// action_for against every error class of ../shared/cloudwatch-facts.md ("Errors").
#include "cloudwatch/api_error.h"

#include <gtest/gtest.h>

namespace cw::cloudwatch {
namespace {

TEST(ActionFor, ThrottlingAndItsKinAreRetried) {
  for (const char* type : {"ThrottlingException", "Throttling", "ThrottledException", "TooManyRequestsException",
                           "RequestLimitExceeded", "RequestThrottled", "RequestThrottledException",
                           "ProvisionedThroughputExceededException", "SlowDown", "BandwidthLimitExceeded"}) {
    EXPECT_EQ(action_for(type, 400, "Rate exceeded"), ErrorAction::kRetry) << type;
  }
}

TEST(ActionFor, ServerSideTroubleIsRetried) {
  for (const char* type : {"ServiceUnavailableException", "ServiceUnavailable", "InternalFailure", "InternalError"}) {
    EXPECT_EQ(action_for(type, 500, ""), ErrorAction::kRetry) << type;
    EXPECT_EQ(action_for(type, 400, ""), ErrorAction::kRetry) << type;  // by type, not by status
  }
  for (long status : {500L, 502L, 503L, 504L, 599L}) {
    EXPECT_EQ(action_for("", status, ""), ErrorAction::kRetry) << status;
    EXPECT_EQ(action_for("SomethingNew", status, ""), ErrorAction::kRetry) << status;
  }
}

TEST(ActionFor, TransportErrorsAndTimeoutsAreRetried) {
  EXPECT_EQ(action_for("", 0, "Connection refused"), ErrorAction::kRetry);
  EXPECT_EQ(action_for("", 0, "Timeout was reached"), ErrorAction::kRetry);
  EXPECT_EQ(action_for("", 408, ""), ErrorAction::kRetry);
  EXPECT_EQ(action_for("", 429, ""), ErrorAction::kRetry);
  EXPECT_EQ(action_for("RequestTimeout", 400, ""), ErrorAction::kRetry);
}

TEST(ActionFor, MissingGroupOrStreamIsCreatedThenResent) {
  EXPECT_EQ(action_for("ResourceNotFoundException", 400, "The specified log stream does not exist."),
            ErrorAction::kCreateThenRetry);
}

TEST(ActionFor, AlreadyExistsIsSuccess) {
  EXPECT_EQ(action_for("ResourceAlreadyExistsException", 400, "The specified log group already exists"),
            ErrorAction::kAlreadyDone);
}

TEST(ActionFor, OperationAbortedIsACreateRaceAndRetried) {
  EXPECT_EQ(action_for("OperationAbortedException", 400, "conflicting operation"), ErrorAction::kRetry);
}

TEST(ActionFor, ExpiredCredentialsAreRefreshed) {
  EXPECT_EQ(action_for("ExpiredTokenException", 400, "The security token included in the request is expired"),
            ErrorAction::kRefreshThenRetry);
  EXPECT_EQ(action_for("ExpiredToken", 400, ""), ErrorAction::kRefreshThenRetry);
  EXPECT_EQ(action_for("RequestExpired", 400, ""), ErrorAction::kRefreshThenRetry);
}

TEST(ActionFor, ExpiredSignatureIsClockSkewOtherBadSignaturesAreFatal) {
  EXPECT_EQ(action_for("InvalidSignatureException", 400,
                       "Signature expired: 20240501T120000Z is now earlier than 20240501T121000Z"),
            ErrorAction::kRefreshThenRetry);
  EXPECT_EQ(action_for("InvalidSignatureException", 400,
                       "The request signature we calculated does not match the signature you provided."),
            ErrorAction::kFatal);
  EXPECT_EQ(action_for("SignatureDoesNotMatch", 403, "Signature expired: x"), ErrorAction::kRefreshThenRetry);
  EXPECT_EQ(action_for("SignatureDoesNotMatch", 403, "does not match"), ErrorAction::kFatal);
}

TEST(ActionFor, InvalidRequestsAreNeverResentAsIs) {
  EXPECT_EQ(action_for("InvalidParameterException", 400,
                       "Log events in a single PutLogEvents request must be in chronological order."),
            ErrorAction::kFixRequest);
  for (const char* type : {"DataAlreadyAcceptedException", "InvalidSequenceTokenException", "SerializationException",
                           "ValidationException"}) {
    EXPECT_EQ(action_for(type, 400, ""), ErrorAction::kFixRequest) << type;
  }
}

TEST(ActionFor, AuthorisationFailuresAreFatal) {
  EXPECT_EQ(action_for("AccessDeniedException", 400, "not authorized to perform: logs:PutLogEvents"),
            ErrorAction::kFatal);
  EXPECT_EQ(action_for("UnrecognizedClientException", 400, "The security token included in the request is invalid."),
            ErrorAction::kFatal);
}

TEST(ActionFor, LimitExceededIsAnAccountLimitNotThrottling) {
  EXPECT_EQ(action_for("LimitExceededException", 400, "Resource limit exceeded."), ErrorAction::kFatal);
  http::Response r;
  r.status = 400;
  r.body = R"({"__type":"LimitExceededException","message":"Resource limit exceeded."})";
  const ApiError e = classify_error(r);
  EXPECT_EQ(e.action, ErrorAction::kFatal);
  EXPECT_FALSE(e.throttled);
}

TEST(ActionFor, UnknownClientErrorsAreFatal) {
  EXPECT_EQ(action_for("", 400, ""), ErrorAction::kFatal);
  EXPECT_EQ(action_for("", 403, ""), ErrorAction::kFatal);
  EXPECT_EQ(action_for("SomethingNew", 400, ""), ErrorAction::kFatal);
}

}  // namespace
}  // namespace cw::cloudwatch
