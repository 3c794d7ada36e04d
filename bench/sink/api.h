// The CloudWatch Logs operations the sink answers, by X-Amz-Target, in the
// AWS JSON 1.1 protocol. Kept free of the HTTP library so it stays small.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

#include "sink_state.h"

namespace cw::bench::sink {

struct Reply {
  int status = 200;
  std::string body = "{}";
  bool expectation_met = false;  // this call completed --expect-events
};

class Api {
 public:
  Api(SinkState& state, bool collect_traces) : state_(state), collect_traces_(collect_traces) {}

  // `target` is the X-Amz-Target header; signatures are not verified (the tests
  // run moto for that), but a request without Authorization is refused.
  Reply handle(std::string_view target, std::string_view body, bool has_authorization, std::int64_t now_unix_ns);

 private:
  Reply put_log_events(std::string_view body, std::int64_t now_unix_ns);
  Reply create_group(std::string_view body);
  Reply create_stream(std::string_view body);

  SinkState& state_;
  const bool collect_traces_;
  std::atomic<std::uint64_t> next_token_{1};
};

Reply error_reply(std::string_view type, std::string_view message, int status = 400);

}  // namespace cw::bench::sink
