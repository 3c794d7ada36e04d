// CloudWatch's answers and errors take any bytes: the error body (JSON or
// XML), its classification, and rejectedLogEventsInfo, whose counts never
// exceed the events sent.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "cloudwatch/api_error.h"
#include "cloudwatch/responses.h"
#include "http/client.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const std::size_t events = data[0] + 1;
  const long status = 400 + data[1] % 200;
  const std::string_view body(reinterpret_cast<const char*>(data) + 2, size - 2);
  (void)cw::cloudwatch::parse_error_body(body);
  if (cw::cloudwatch::parse_rejected(body, events).total() > events) std::abort();
  cw::http::Response response;
  response.status = status;
  response.body = std::string(body);
  (void)cw::cloudwatch::classify_error(response);
  return 0;
}
