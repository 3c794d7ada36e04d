#include "transform/timestamp.h"

#include <cstring>

#include "transform/civil_time.h"
#include "transform/local_time.h"

namespace cw::transform {
namespace {

constexpr std::int64_t kMsPerSecond = 1000;
constexpr std::int64_t kSecondsPerDay = 86400;

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Two digits at p, or -1. The fixed-width fields are read by position: this
// runs once per log line.
int two_digits(const char* p) {
  const unsigned tens = static_cast<unsigned char>(p[0]) - '0';
  const unsigned ones = static_cast<unsigned char>(p[1]) - '0';
  if (tens > 9 || ones > 9) return -1;
  return static_cast<int>(tens * 10 + ones);
}

// Reads fixed-width fields left to right.
class Cursor {
 public:
  explicit Cursor(std::string_view text) : text_(text) {}

  bool done() const { return pos_ == text_.size(); }
  std::size_t left() const { return text_.size() - pos_; }
  bool at_digit() const { return pos_ < text_.size() && is_digit(text_[pos_]); }

  bool eat(char c) {
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }

  bool two_digits(int* value) {
    if (text_.size() - pos_ < 2) return false;
    const int v = cw::transform::two_digits(&text_[pos_]);
    if (v < 0) return false;
    pos_ += 2;
    *value = v;
    return true;
  }

  // A fraction of a second of any length, truncated to milliseconds.
  bool fraction_ms(int* ms) {
    if (!at_digit()) return false;
    int value = 0;
    int taken = 0;
    while (at_digit()) {
      if (taken < 3) {
        value = value * 10 + (text_[pos_] - '0');
        ++taken;
      }
      ++pos_;
    }
    for (; taken < 3; ++taken) value *= 10;
    *ms = value;
    return true;
  }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

// "Z", "+hh:mm", "+hhmm" or "+hh" (or '-'), as seconds east of UTC.
bool parse_offset(Cursor& in, std::int64_t* offset_seconds) {
  if (in.eat('Z')) {
    *offset_seconds = 0;
    return true;
  }
  int sign = 0;
  if (in.eat('+')) {
    sign = 1;
  } else if (in.eat('-')) {
    sign = -1;
  } else {
    return false;
  }
  int hours = 0;
  int minutes = 0;
  if (!in.two_digits(&hours)) return false;
  if (in.eat(':')) {
    if (!in.two_digits(&minutes)) return false;
  } else if (in.at_digit() && !in.two_digits(&minutes)) {
    return false;
  }
  if (hours > 23 || minutes > 59) return false;
  *offset_seconds = sign * (hours * 3600 + minutes * 60);
  return true;
}

// "YYYY-MM-DD" [('T' | ' ') HH [:MM]]: the wall-clock time it names (seconds
// counted as if UTC) and how much of the text it took.
struct Head {
  std::int64_t wall_seconds = 0;
  std::size_t size = 0;
  bool has_time = false;
  bool has_minute = false;
};

constexpr std::size_t kMinuteSize = 16;  // "YYYY-MM-DDTHH:MM"

std::optional<Head> parse_head(std::string_view text) {
  if (text.size() < 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  const int century = two_digits(&text[0]);
  const int year_in_century = two_digits(&text[2]);
  const int month = two_digits(&text[5]);
  const int day = two_digits(&text[8]);
  if (century < 0 || year_in_century < 0) return std::nullopt;
  const int year = century * 100 + year_in_century;
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > days_in_month(year, month)) {
    return std::nullopt;
  }
  Head head{days_from_civil(year, month, day) * kSecondsPerDay, 10, false, false};
  if (text.size() == 10) return head;
  if ((text[10] != 'T' && text[10] != ' ') || text.size() < 13) return std::nullopt;
  const int hour = two_digits(&text[11]);
  if (hour < 0 || hour > 23) return std::nullopt;
  head.wall_seconds += hour * 3600;
  head.size = 13;
  head.has_time = true;
  if (text.size() == 13 || text[13] != ':') return head;
  const int minute = text.size() >= kMinuteSize ? two_digits(&text[14]) : -1;
  if (minute < 0 || minute > 59) return std::nullopt;
  head.wall_seconds += minute * 60;
  head.size = kMinuteSize;
  head.has_minute = true;
  return head;
}

// An explicit zone offset: as written ("+01:00", "Z") and in seconds east of UTC.
struct WrittenOffset {
  std::string_view text;
  std::int64_t seconds = 0;
};

// What follows the head: [:SS [(. | ,) fraction]] [offset], then the end.
// `offset` is set when the text has one.
std::optional<std::int64_t> parse_tail(std::string_view text, const Head& head, LocalTimeConverter& local,
                                       WrittenOffset* offset = nullptr) {
  const std::string_view tail = text.substr(head.size);
  Cursor in(tail);
  int second = 0;
  int ms = 0;
  if (head.has_minute && in.eat(':')) {
    if (!in.two_digits(&second) || second > 59) return std::nullopt;
    if ((in.eat('.') || in.eat(',')) && !in.fraction_ms(&ms)) return std::nullopt;
  }
  const std::int64_t wall = head.wall_seconds + second;
  if (in.done()) return local.to_utc_seconds(wall) * kMsPerSecond + ms;
  const std::size_t offset_at = tail.size() - in.left();
  std::int64_t offset_seconds = 0;
  if (!head.has_time || !parse_offset(in, &offset_seconds) || !in.done()) return std::nullopt;
  if (offset != nullptr) *offset = {tail.substr(offset_at), offset_seconds};
  return (wall - offset_seconds) * kMsPerSecond + ms;
}

// Saturating multiply-add on a non-negative magnitude; false on overflow.
bool accumulate(std::uint64_t* value, int digit) {
  constexpr std::uint64_t kLimit = static_cast<std::uint64_t>(INT64_MAX);
  if (*value > (kLimit - static_cast<std::uint64_t>(digit)) / 10) return false;
  *value = *value * 10 + static_cast<std::uint64_t>(digit);
  return true;
}

}  // namespace

std::optional<std::int64_t> parse_iso8601_ms(std::string_view text) {
  const std::optional<Head> head = parse_head(text);
  if (!head) return std::nullopt;
  LocalTimeConverter local;
  return parse_tail(text, *head, local);
}

std::optional<std::int64_t> Iso8601Parser::parse_ms(std::string_view text) {
  Head head;
  if (minute_known_ && text.size() >= kMinuteSize &&
      std::memcmp(text.data(), minute_text_.data(), kMinuteSize) == 0) {
    head = Head{minute_wall_seconds_, kMinuteSize, true, true};
  } else {
    const std::optional<Head> parsed = parse_head(text);
    if (!parsed) return std::nullopt;
    head = *parsed;
    if (head.has_minute) {
      std::memcpy(minute_text_.data(), text.data(), kMinuteSize);
      minute_wall_seconds_ = head.wall_seconds;
      minute_known_ = true;
    }
  }
  // Most timestamps are ":SS.mmm" and the offset of the one before: then only
  // the five digits are read.
  const std::string_view tail = text.substr(head.size);
  if (head.has_minute && offset_size_ != 0 && tail.size() == 7 + offset_size_ && tail[0] == ':' &&
      tail[3] == '.' && std::memcmp(tail.data() + 7, offset_text_.data(), offset_size_) == 0) {
    const int second = two_digits(&tail[1]);
    const int centiseconds = two_digits(&tail[4]);
    const unsigned last = static_cast<unsigned char>(tail[6]) - '0';
    if (second >= 0 && second <= 59 && centiseconds >= 0 && last <= 9) {
      return (head.wall_seconds + second - offset_seconds_) * kMsPerSecond + centiseconds * 10 + last;
    }
  }
  WrittenOffset offset;
  const std::optional<std::int64_t> ms = parse_tail(text, head, local_, &offset);
  if (ms && !offset.text.empty() && offset.text.size() <= offset_text_.size()) {
    std::memcpy(offset_text_.data(), offset.text.data(), offset.text.size());
    offset_size_ = offset.text.size();
    offset_seconds_ = offset.seconds;
  }
  return ms;
}

std::optional<std::int64_t> parse_epoch_ms(std::string_view text) {
  // Work on the decimal digits as written: value = 0.<digits> * 10^point, so
  // that scaling to milliseconds is exact and no binary rounding creeps in.
  std::size_t i = 0;
  const std::size_t n = text.size();
  const bool negative = i < n && text[i] == '-';
  if (negative) ++i;
  char digits[40];
  int digit_count = 0;    // significant digits kept (leading zeros dropped)
  long point = 0;         // decimal exponent of the digit sequence
  bool any_digit = false;
  bool seen_dot = false;
  for (; i < n; ++i) {
    const char c = text[i];
    if (c == '.') {
      if (seen_dot) return std::nullopt;
      seen_dot = true;
      continue;
    }
    if (!is_digit(c)) break;
    any_digit = true;
    if (digit_count == 0 && c == '0') {
      if (seen_dot) --point;  // leading zero after the dot
      continue;
    }
    // Digits past the 40th lie far below a millisecond or make it overflow.
    if (digit_count < static_cast<int>(sizeof digits)) digits[digit_count++] = c;
    if (!seen_dot) ++point;
  }
  if (!any_digit) return std::nullopt;
  if (i < n) {
    if (text[i] != 'e' && text[i] != 'E') return std::nullopt;
    ++i;
    bool exp_negative = false;
    if (i < n && (text[i] == '+' || text[i] == '-')) exp_negative = text[i++] == '-';
    if (i >= n) return std::nullopt;
    long exponent = 0;
    for (; i < n; ++i) {
      if (!is_digit(text[i])) return std::nullopt;
      if (exponent < 100000) exponent = exponent * 10 + (text[i] - '0');
    }
    point += exp_negative ? -exponent : exponent;
  }
  if (digit_count == 0) return 0;
  // `point` is the count of integer digits: below 1e11 means at most 11.
  const long scale = point <= 11 ? 3 : 0;  // seconds -> ms, or ms as is
  const long integer_digits = point + scale;
  if (integer_digits > 19) return std::nullopt;
  std::uint64_t magnitude = 0;
  for (long k = 0; k < integer_digits; ++k) {
    const int digit = k < digit_count ? digits[k] - '0' : 0;
    if (!accumulate(&magnitude, digit)) return std::nullopt;
  }
  const auto value = static_cast<std::int64_t>(magnitude);
  return negative ? -value : value;
}

}  // namespace cw::transform
