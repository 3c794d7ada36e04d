#include "cloudwatch/responses.h"

#include <gtest/gtest.h>

#include "cloudwatch/api_error.h"

namespace cw::cloudwatch {
namespace {

http::Response response(long status, std::string body,
                        std::vector<std::pair<std::string, std::string>> headers = {}) {
  http::Response r;
  r.status = status;
  r.body = std::move(body);
  r.headers = std::move(headers);
  return r;
}

// ---- normalise_error_type ------------------------------------------------------

TEST(NormaliseErrorType, KeepsTheNameBetweenHashAndColon) {
  EXPECT_EQ(normalise_error_type("a#B:c"), "B");
  EXPECT_EQ(normalise_error_type("com.amazonaws.logs#ThrottlingException"), "ThrottlingException");
  EXPECT_EQ(normalise_error_type("ThrottlingException:http://internal.amazon.com/coral/com.amazon.coral/"),
            "ThrottlingException");
  EXPECT_EQ(normalise_error_type("aws.protocoltests#ns.a#Name"), "Name");
  EXPECT_EQ(normalise_error_type(" ResourceNotFoundException "), "ResourceNotFoundException");
  EXPECT_EQ(normalise_error_type("Plain"), "Plain");
  EXPECT_EQ(normalise_error_type(""), "");
}

// ---- parse_error_body ------------------------------------------------------------

TEST(ParseErrorBody, JsonUnderscoreType) {
  const ErrorBody e = parse_error_body(
      R"({"__type":"com.amazonaws.logs#ThrottlingException","message":"Rate exceeded"})");
  EXPECT_EQ(e.type, "ThrottlingException");
  EXPECT_EQ(e.message, "Rate exceeded");
}

TEST(ParseErrorBody, JsonCodeAndCapitalisedMessage) {
  const ErrorBody e = parse_error_body(R"({"code":"AccessDeniedException","Message":"not allowed"})");
  EXPECT_EQ(e.type, "AccessDeniedException");
  EXPECT_EQ(e.message, "not allowed");
}

TEST(ParseErrorBody, JsonWithSurroundingWhitespace) {
  const ErrorBody e = parse_error_body("\n  {\"__type\":\"InvalidParameterException\",\"message\":\"m\"}\r\n");
  EXPECT_EQ(e.type, "InvalidParameterException");
  EXPECT_EQ(e.message, "m");
}

TEST(ParseErrorBody, XmlCodeAndMessage) {
  const ErrorBody e = parse_error_body(
      "<?xml version=\"1.0\"?>\n<ErrorResponse><Error><Type>Sender</Type>"
      "<Code>SignatureDoesNotMatch</Code><Message> The request signature we calculated does not match </Message>"
      "</Error><RequestId>1</RequestId></ErrorResponse>");
  EXPECT_EQ(e.type, "SignatureDoesNotMatch");
  EXPECT_EQ(e.message, "The request signature we calculated does not match");
}

TEST(ParseErrorBody, HtmlEmptyAndBrokenBodiesGiveNothing) {
  for (const char* body : {"<html><body><h1>502 Bad Gateway</h1></body></html>", "", "   ", "{not json",
                           "Service Unavailable", "[1,2]"}) {
    const ErrorBody e = parse_error_body(body);
    EXPECT_EQ(e.type, "") << body;
    EXPECT_EQ(e.message, "") << body;
  }
}

// ---- classify_error on whole responses ---------------------------------------------

TEST(ClassifyError, JsonThrottling) {
  const ApiError e = classify_error(
      response(400, R"({"__type":"com.amazonaws.logs#ThrottlingException","message":"Rate exceeded"})"));
  EXPECT_EQ(e.type, "ThrottlingException");
  EXPECT_EQ(e.message, "Rate exceeded");
  EXPECT_EQ(e.http_status, 400);
  EXPECT_TRUE(e.throttled);
  EXPECT_EQ(e.action, ErrorAction::kRetry);
  EXPECT_EQ(e.describe(), "ThrottlingException (HTTP 400): Rate exceeded");
}

TEST(ClassifyError, JsonCodeField) {
  const ApiError e = classify_error(response(400, R"({"code":"ResourceNotFoundException","message":"no stream"})"));
  EXPECT_EQ(e.type, "ResourceNotFoundException");
  EXPECT_EQ(e.action, ErrorAction::kCreateThenRetry);
  EXPECT_FALSE(e.throttled);
}

TEST(ClassifyError, TypeFromTheHeaderWhenTheBodyHasNone) {
  const ApiError e = classify_error(response(400, R"({"message":"Rate exceeded"})",
                                             {{"x-amzn-errortype", "ThrottlingException:http://internal/"}}));
  EXPECT_EQ(e.type, "ThrottlingException");
  EXPECT_EQ(e.message, "Rate exceeded");
  EXPECT_TRUE(e.throttled);
  EXPECT_EQ(e.action, ErrorAction::kRetry);

  const ApiError empty_body = classify_error(response(400, "", {{"x-amzn-errortype", "AccessDeniedException"}}));
  EXPECT_EQ(empty_body.type, "AccessDeniedException");
  EXPECT_EQ(empty_body.action, ErrorAction::kFatal);
}

TEST(ClassifyError, BodyTypeWinsOverTheHeader) {
  const ApiError e = classify_error(response(400, R"({"__type":"InvalidParameterException","message":"m"})",
                                             {{"x-amzn-errortype", "ThrottlingException"}}));
  EXPECT_EQ(e.type, "InvalidParameterException");
  EXPECT_EQ(e.action, ErrorAction::kFixRequest);
}

TEST(ClassifyError, XmlSignatureMismatchIsFatal) {
  const ApiError e = classify_error(response(
      403, "<ErrorResponse><Error><Code>SignatureDoesNotMatch</Code><Message>bad sig</Message></Error></ErrorResponse>"));
  EXPECT_EQ(e.type, "SignatureDoesNotMatch");
  EXPECT_EQ(e.message, "bad sig");
  EXPECT_EQ(e.action, ErrorAction::kFatal);
}

TEST(ClassifyError, HtmlBodyGivesAClearOneLineMessage) {
  const std::string html = "<html>\r\n<head><title>502 Bad Gateway</title></head>\n<body>" + std::string(400, 'x') +
                           "</body></html>";
  const ApiError e = classify_error(response(502, html));
  EXPECT_EQ(e.type, "");
  EXPECT_EQ(e.action, ErrorAction::kRetry);
  EXPECT_LE(e.message.size(), 200u);
  EXPECT_NE(e.message.find("502 Bad Gateway"), std::string::npos);
  EXPECT_EQ(e.message.find('\n'), std::string::npos);
  EXPECT_EQ(e.message.find('\r'), std::string::npos);
  EXPECT_EQ(e.describe().rfind("error (HTTP 502): <html>", 0), 0u) << e.describe();

  const ApiError forbidden = classify_error(response(403, "<html><body>Forbidden by proxy</body></html>"));
  EXPECT_EQ(forbidden.action, ErrorAction::kFatal);
  EXPECT_NE(forbidden.message.find("Forbidden by proxy"), std::string::npos);
}

TEST(ClassifyError, EmptyBody) {
  const ApiError e500 = classify_error(response(500, ""));
  EXPECT_EQ(e500.action, ErrorAction::kRetry);
  EXPECT_EQ(e500.describe(), "error (HTTP 500)");

  const ApiError e400 = classify_error(response(400, ""));
  EXPECT_EQ(e400.type, "");
  EXPECT_EQ(e400.message, "");
  EXPECT_EQ(e400.action, ErrorAction::kFatal);
  EXPECT_EQ(e400.describe(), "error (HTTP 400)");
}

TEST(ClassifyError, TransportErrorIsRetried) {
  http::Response r;
  r.transport_error = "Connection refused";
  const ApiError e = classify_error(r);
  EXPECT_EQ(e.http_status, 0);
  EXPECT_EQ(e.action, ErrorAction::kRetry);
  EXPECT_EQ(e.describe(), "connection failed: Connection refused");
}

TEST(ClassifyError, Http429WithoutATypeIsThrottlingAndRetried) {
  const ApiError bare = classify_error(response(429, ""));
  EXPECT_TRUE(bare.throttled);
  EXPECT_EQ(bare.action, ErrorAction::kRetry);
}

TEST(ClassifyError, Http429WithAnUnknownTypeIsThrottlingAndRetried) {
  // throttled and kFatal at once are contradictory: a 429 is throttling
  // whatever the type name (facts: "ThrottlingException and its kin").
  const ApiError named = classify_error(response(429, R"({"__type":"SlowDownPlease","message":"too fast"})"));
  EXPECT_TRUE(named.throttled);
  EXPECT_EQ(named.action, ErrorAction::kRetry);
}

// ---- parse_rejected -----------------------------------------------------------------

TEST(ParseRejected, NothingRejected) {
  EXPECT_EQ(parse_rejected(R"({"nextSequenceToken":"1"})", 10).total(), 0u);
  EXPECT_EQ(parse_rejected("{}", 10).total(), 0u);
  EXPECT_EQ(parse_rejected("", 10).total(), 0u);
  EXPECT_EQ(parse_rejected("not json", 10).total(), 0u);
  EXPECT_EQ(parse_rejected(R"({"rejectedLogEventsInfo":{}})", 10).total(), 0u);
}

TEST(ParseRejected, TooNewStartIsInclusive) {
  const RejectedCounts c = parse_rejected(R"({"rejectedLogEventsInfo":{"tooNewLogEventStartIndex":7}})", 10);
  EXPECT_EQ(c.too_new, 3u);  // indexes 7, 8, 9
  EXPECT_EQ(c.too_old, 0u);
  EXPECT_EQ(c.expired, 0u);
  EXPECT_EQ(parse_rejected(R"({"rejectedLogEventsInfo":{"tooNewLogEventStartIndex":0}})", 10).too_new, 10u);
}

TEST(ParseRejected, TooOldEndIsExclusive) {
  const RejectedCounts c = parse_rejected(R"({"rejectedLogEventsInfo":{"tooOldLogEventEndIndex":4}})", 10);
  EXPECT_EQ(c.too_old, 4u);  // indexes 0..3
  EXPECT_EQ(c.too_new, 0u);
  EXPECT_EQ(c.total(), 4u);
}

TEST(ParseRejected, ExpiredEndIsExclusive) {
  const RejectedCounts c = parse_rejected(R"({"rejectedLogEventsInfo":{"expiredLogEventEndIndex":2}})", 10);
  EXPECT_EQ(c.expired, 2u);
  EXPECT_EQ(c.too_old, 0u);
  EXPECT_EQ(c.total(), 2u);
}

TEST(ParseRejected, CombinationsCountEachEventOnce) {
  RejectedCounts c = parse_rejected(
      R"({"rejectedLogEventsInfo":{"expiredLogEventEndIndex":2,"tooOldLogEventEndIndex":5,"tooNewLogEventStartIndex":8}})",
      10);
  EXPECT_EQ(c.expired, 2u);
  EXPECT_EQ(c.too_old, 3u);
  EXPECT_EQ(c.too_new, 2u);
  EXPECT_EQ(c.total(), 7u);

  // Expired reaching past too old: expired wins, no event counted twice.
  c = parse_rejected(R"({"rejectedLogEventsInfo":{"expiredLogEventEndIndex":6,"tooOldLogEventEndIndex":3}})", 10);
  EXPECT_EQ(c.expired, 6u);
  EXPECT_EQ(c.too_old, 0u);

  // Overlapping too new and too old ranges.
  c = parse_rejected(R"({"rejectedLogEventsInfo":{"tooOldLogEventEndIndex":6,"tooNewLogEventStartIndex":4}})", 10);
  EXPECT_EQ(c.too_old, 6u);
  EXPECT_EQ(c.too_new, 4u);
  EXPECT_LE(c.total(), 10u);
}

TEST(ParseRejected, IndexesBeyondTheBatchOrNegativeAreClamped) {
  RejectedCounts c = parse_rejected(
      R"({"rejectedLogEventsInfo":{"tooOldLogEventEndIndex":50,"tooNewLogEventStartIndex":60}})", 10);
  EXPECT_EQ(c.too_old, 10u);
  EXPECT_EQ(c.too_new, 0u);
  c = parse_rejected(R"({"rejectedLogEventsInfo":{"tooNewLogEventStartIndex":-1,"tooOldLogEventEndIndex":-3}})", 10);
  EXPECT_EQ(c.total(), 0u);
  EXPECT_EQ(parse_rejected(R"({"rejectedLogEventsInfo":{"tooNewLogEventStartIndex":10}})", 10).total(), 0u);
}

}  // namespace
}  // namespace cw::cloudwatch
