// Fills batches from a long random stream the way the pipeline does (a batch
// that cannot take the next event is sent and cleared first), and checks every
// request body with the strict checker: no limit is ever broken and every
// event is sent exactly once.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <unordered_map>

#include "cloudwatch/batch.h"
#include "put_check.h"

namespace cw::cloudwatch {
namespace {

constexpr std::size_t kEvents = 200'000;
constexpr std::int64_t kT0 = 1'714'564'800'000;
constexpr std::int64_t kHour = 3600 * 1000;
constexpr std::size_t kMaxMessage = 1'048'550;

// Random text to cut messages from: ASCII, characters that need escaping and
// 2-, 3- and 4-byte UTF-8 sequences.
std::string make_pool(std::mt19937_64& rng, std::size_t size) {
  static const char* const kPieces[] = {"a", "b", "Z", "0", " ", "{", "}", ":", ",", "\"", "\\", "\n", "\t", "\x01",
                                        "\x1f", "\u00e9", "\u00df", "\u20ac", "\u4e2d", "\u2028", "\U0001F600",
                                        "\U00010348", "/", "<"};
  std::uniform_int_distribution<std::size_t> pick(0, std::size(kPieces) - 1);
  std::string pool;
  pool.reserve(size + 4);
  while (pool.size() < size) pool += kPieces[pick(rng)];
  return pool;
}

bool is_continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// A valid UTF-8 message of exactly `bytes` bytes cut from the pool.
std::string message_of(const std::string& pool, std::size_t start, std::size_t bytes) {
  while (start < pool.size() && is_continuation(pool[start])) ++start;
  std::size_t end = std::min(start + bytes, pool.size());
  while (end > start && end < pool.size() && is_continuation(pool[end])) --end;
  std::string message = pool.substr(start, end - start);
  message.append(bytes - message.size(), 'x');
  return message;
}

std::uint64_t key_of(std::int64_t timestamp_ms, std::string_view message) {
  return std::hash<std::string_view>{}(message) * 0x9E3779B97F4A7C15ULL ^ static_cast<std::uint64_t>(timestamp_ms);
}

TEST(BatchRandomTest, EveryBodyKeepsEveryLimitAndEveryEventIsSentOnce) {
  std::mt19937_64 rng(20240501);
  const std::string pool = make_pool(rng, 4 * 1024 * 1024);
  std::uniform_int_distribution<std::size_t> pool_offset(0, pool.size() - kMaxMessage - 8);
  std::uniform_int_distribution<std::size_t> small_size(1, 60);
  std::uniform_int_distribution<std::size_t> mixed_size(1, 5000);
  std::uniform_int_distribution<std::size_t> near_cap(kMaxMessage - 64, kMaxMessage);
  std::uniform_int_distribution<std::int64_t> step(0, 2500);
  std::uniform_int_distribution<std::int64_t> jitter(-5000, 5000);
  std::uniform_int_distribution<std::int64_t> late(-3 * kHour, kHour);
  std::uniform_int_distribution<std::int64_t> anywhere(0, 3 * 24 * kHour);
  std::uniform_real_distribution<double> unit(0.0, 1.0);

  Batch batch{Limits{}};
  std::unordered_map<std::uint64_t, int> outstanding;  // events added but not yet seen in a body
  std::string body;
  std::size_t bodies = 0, sent = 0;
  std::size_t closed_by_count = 0, closed_by_bytes = 0, closed_by_span = 0;

  auto send = [&] {
    batch.set_destination("group", "stream");
    body.clear();
    for (std::string_view part : batch.body_parts()) body.append(part);
    const cw::testing::PutCheck check = cw::testing::check_put_log_events(body);
    ASSERT_TRUE(check.ok()) << "body " << bodies << ":\n" << check.summary();
    ASSERT_EQ(check.events.size(), batch.event_count());
    ASSERT_EQ(check.payload_bytes, batch.payload_bytes());
    for (const auto& e : check.events) {
      auto it = outstanding.find(key_of(e.timestamp_ms, e.message));
      ASSERT_TRUE(it != outstanding.end() && it->second > 0) << "event sent twice or never added, body " << bodies;
      if (--it->second == 0) outstanding.erase(it);
    }
    sent += check.events.size();
    ++bodies;
    batch.clear();
  };

  std::int64_t base = kT0;
  bool small_regime = false;  // alternates every 30,000 events, starting small
  for (std::size_t i = 0; i < kEvents; ++i) {
    if (i % 30'000 == 0) small_regime = !small_regime;  // runs of tiny lines reach the event count limit
    const double r = unit(rng);
    const std::size_t size = small_regime ? small_size(rng) : r < 0.0001 ? near_cap(rng) : mixed_size(rng);
    const std::string message = message_of(pool, pool_offset(rng), size);

    base += step(rng);
    const double t = unit(rng);
    const std::int64_t ts = t < 0.9 ? base + jitter(rng) : t < 0.9999 ? base + late(rng) : kT0 + anywhere(rng);

    if (!batch.fits(message.size(), ts)) {
      if (batch.event_count() == batch.limits().max_batch_events) {
        ++closed_by_count;
      } else if (batch.payload_bytes() + message.size() + 26 > 1'048'576) {
        ++closed_by_bytes;
      } else {
        ++closed_by_span;
      }
      ASSERT_FALSE(batch.empty()) << "an empty batch refused a valid event";
      send();
      if (HasFatalFailure()) return;
      ASSERT_TRUE(batch.fits(message.size(), ts));
    }
    batch.add(ts, message);
    ++outstanding[key_of(ts, message)];
  }
  if (!batch.empty()) send();
  if (HasFatalFailure()) return;

  EXPECT_EQ(sent, kEvents);
  EXPECT_TRUE(outstanding.empty()) << outstanding.size() << " events never sent";
  // The stream must have exercised every limit, or the test proves little.
  EXPECT_GT(closed_by_count, 0u);
  EXPECT_GT(closed_by_bytes, 0u);
  EXPECT_GT(closed_by_span, 0u);
  RecordProperty("bodies", static_cast<int>(bodies));
  RecordProperty("closed_by_count", static_cast<int>(closed_by_count));
  RecordProperty("closed_by_bytes", static_cast<int>(closed_by_bytes));
  RecordProperty("closed_by_span", static_cast<int>(closed_by_span));
}

}  // namespace
}  // namespace cw::cloudwatch
