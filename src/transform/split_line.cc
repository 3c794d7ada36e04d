#include "transform/split_line.h"

#include "common/json_escape.h"
#include "common/utf8.h"

namespace cw::transform {

bool SplitLine::feed(std::string_view id, std::string_view text, bool last) {
  if (id != id_) {
    id_ = std::string(id);
    part_ = 0;
  }
  last_ = last;
  text_.resize(repaired_utf8_capacity(text.size()));
  text_.resize(repair_utf8(text.data(), text.size(), text_.data()));
  used_ = 0;
  emitted_ = false;
  return std::string_view(text_) != text;
}

bool SplitLine::next(std::string_view& message) {
  // An empty feed still yields one event when it ends the line, so the
  // reader sees "last":true.
  if (used_ >= text_.size() && (emitted_ || !text_.empty() || !last_)) return false;
  const std::string head = R"({"@split":{"id":")" + id_ + R"(","part":)" + std::to_string(part_ + 1) + R"(,"last":)";
  // 96: the rest of the wrapper with the longest "last" value and some slack.
  const std::size_t budget = max_message_bytes_ > head.size() + 96 ? max_message_bytes_ - head.size() - 96 : 64;
  std::size_t take = 0;
  std::size_t escaped = 0;
  while (used_ + take < text_.size()) {
    const std::size_t cost = json_escaped_size(static_cast<unsigned char>(text_[used_ + take]));
    if (escaped + cost > budget) break;
    escaped += cost;
    ++take;
  }
  // Never cut inside a character; a budget of 64 always fits one.
  take = utf8_prefix_boundary(text_.data() + used_, text_.size() - used_, take);
  const bool final_part = last_ && used_ + take >= text_.size();
  message_ = head;
  message_ += final_part ? "true" : "false";
  message_ += R"(},"text":")";
  append_json_escaped(message_, std::string_view(text_).substr(used_, take));
  message_ += "\"}";
  used_ += take;
  ++part_;
  message = message_;
  emitted_ = true;
  return true;
}

}  // namespace cw::transform
