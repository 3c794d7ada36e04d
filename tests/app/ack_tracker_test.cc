#include "app/ack_tracker.h"

#include <gtest/gtest.h>

#include <utility>
#include <vector>

namespace cw::app {
namespace {

using Positions = std::vector<std::pair<std::uint64_t, std::uint64_t>>;

Positions positions(const std::vector<SourcePosition>& in) {
  Positions out;
  for (const auto& p : in) out.emplace_back(p.file_id, p.end_offset);
  return out;
}

TEST(AckTracker, APositionMovesOnlyOverAContiguousRunOfDeliveredBatches) {
  AckTracker acks;
  const auto first = acks.add({{1, 100}}, 1000);
  const auto second = acks.add({{1, 200}, {2, 50}}, 2000);
  const auto third = acks.add({{1, 300}}, 3000);
  acks.complete(third, true);
  acks.complete(second, true);
  EXPECT_TRUE(acks.take_acknowledged().empty());  // the first is still in flight
  EXPECT_EQ(acks.oldest_read_time_ms(), 1000);
  acks.complete(first, true);
  EXPECT_EQ(positions(acks.take_acknowledged()), (Positions{{1, 100}, {1, 200}, {2, 50}, {1, 300}}));
  EXPECT_TRUE(acks.idle());
  EXPECT_TRUE(acks.take_acknowledged().empty());  // each position is given once
}

TEST(AckTracker, AnInterruptedBatchHoldsBackEveryLaterOne) {
  AckTracker acks;
  const auto first = acks.add({{1, 100}}, 1000);
  const auto second = acks.add({{1, 200}}, 2000);
  const auto third = acks.add({{1, 300}}, 3000);
  acks.complete(first, true);
  acks.complete(second, false);  // a hard stop: resent after the restart
  acks.complete(third, true);
  EXPECT_EQ(positions(acks.take_acknowledged()), (Positions{{1, 100}}));
  EXPECT_TRUE(acks.take_acknowledged().empty());
  EXPECT_EQ(acks.pending(), 2u);
  EXPECT_EQ(acks.oldest_read_time_ms(), 2000);
}

TEST(AckTracker, CompletionsItDoesNotKnowAreIgnored) {
  AckTracker acks;
  const auto first = acks.add({{1, 100}}, 1000);
  acks.complete(first + 5, true);
  acks.complete(first, true);
  acks.complete(first, true);  // twice
  EXPECT_EQ(positions(acks.take_acknowledged()), (Positions{{1, 100}}));
  acks.complete(first, true);  // after it was taken
  EXPECT_TRUE(acks.take_acknowledged().empty());
}

}  // namespace
}  // namespace cw::app
