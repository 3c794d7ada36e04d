#pragma once
// Parsing of the service's JSON (and, from some emulators, XML) answers.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace cw::cloudwatch {

struct ErrorBody {
  std::string type;     // "__type"/"code"/<Code>, cut to the name: "a.b#Name:extra" -> "Name"
  std::string message;  // "message"/"Message"/<Message>
};

// Reads the error type and message from a JSON or XML error body; empty fields
// when the body has neither (e.g. an HTML page from a proxy).
ErrorBody parse_error_body(std::string_view body);

// The name part of an error type as AWS writes it.
std::string normalise_error_type(std::string_view raw);

// rejectedLogEventsInfo of a PutLogEvents answer, as counts over a batch of
// `event_count` events (indexes in the order sent).
struct RejectedCounts {
  std::size_t too_new = 0;
  std::size_t too_old = 0;
  std::size_t expired = 0;
  std::size_t total() const { return too_new + too_old + expired; }
};
RejectedCounts parse_rejected(std::string_view put_response_body, std::size_t event_count);

}  // namespace cw::cloudwatch
