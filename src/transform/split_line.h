#pragma once
// SplitLine: a line too long for one CloudWatch event becomes several events,
// each a valid JSON object that says how to put the line back together:
//   {"@split":{"id":"<inode>:<offset>","part":1,"last":false},"text":"<part of the line>"}
// Parts are cut at UTF-8 character boundaries so that each message, escaped,
// stays within the message cap. Nothing of the line is dropped; invalid UTF-8
// is replaced by U+FFFD as for any line.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace cw::transform {

class SplitLine {
 public:
  explicit SplitLine(std::size_t max_message_bytes) : max_message_bytes_(max_message_bytes) {}

  // Starts a line (or continues it, when `id` is the same as the last call's).
  // Returns true when invalid UTF-8 in `text` was replaced.
  bool feed(std::string_view id, std::string_view text, bool last);
  // The next event's message, or false when this feed is used up.
  bool next(std::string_view& message);

 private:
  std::size_t max_message_bytes_;
  std::string id_;
  std::uint32_t part_ = 0;
  bool last_ = false;
  std::string text_;      // UTF-8-repaired text of the current feed
  std::size_t used_ = 0;  // bytes of text_ already in events
  bool emitted_ = false;  // an event came from the current feed
  std::string message_;
};

}  // namespace cw::transform
