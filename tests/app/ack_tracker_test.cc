#include "app/ack_tracker.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <utility>
#include <vector>

namespace cw::app {
namespace {

using Positions = std::vector<std::pair<std::uint64_t, std::uint64_t>>;

// In file order: the tracker gives them in no particular order.
Positions positions(const std::vector<SourcePosition>& in) {
  Positions out;
  for (const auto& p : in) out.emplace_back(p.file_id, p.end_offset);
  std::sort(out.begin(), out.end());
  return out;
}

// One line of `file` from `from` to `to` into the batch `ticket`.
void line(AckTracker& acks, std::uint64_t file, std::uint64_t ticket, std::uint64_t from, std::uint64_t to) {
  AckTracker::File& record = acks.file(file);
  record.sent(ticket, from);
  record.line_done(to);
}

TEST(AckTracker, APositionMovesOnlyOverDeliveredBatchesInTheFilesOrder) {
  AckTracker acks;
  const auto first = acks.open(1000);
  const auto second = acks.open(2000);
  const auto third = acks.open(3000);
  line(acks, 1, first, 0, 100);
  line(acks, 1, second, 100, 200);
  line(acks, 2, second, 0, 50);
  line(acks, 1, third, 200, 300);
  acks.complete(third, true);
  acks.complete(second, true);
  // File 2 had lines only in the second batch; file 1 waits for the first.
  EXPECT_EQ(positions(acks.take_acknowledged()), (Positions{{2, 50}}));
  EXPECT_EQ(acks.oldest_read_time_ms(), 1000);
  acks.complete(first, true);
  EXPECT_EQ(positions(acks.take_acknowledged()), (Positions{{1, 300}}));
  EXPECT_TRUE(acks.idle());
  EXPECT_TRUE(acks.take_acknowledged().empty());  // each position is given once
}

TEST(AckTracker, LinesInterleavedOverTwoBatchesMoveThePositionOnlyPastWhatIsDelivered) {
  AckTracker acks;
  const auto a = acks.open(1000);
  const auto b = acks.open(1000);
  line(acks, 1, a, 0, 10);   // line 1 to A
  line(acks, 1, b, 10, 20);  // line 2 to B
  line(acks, 1, a, 20, 30);  // line 3 to A
  acks.complete(a, true);
  EXPECT_EQ(positions(acks.take_acknowledged()), (Positions{{1, 10}}));  // not past line 2
  acks.complete(b, true);
  EXPECT_EQ(positions(acks.take_acknowledged()), (Positions{{1, 30}}));
  EXPECT_TRUE(acks.idle());
}

TEST(AckTracker, ALineWhosePiecesWentToTwoBatchesWaitsForBoth) {
  AckTracker acks;
  const auto a = acks.open(1000);
  const auto b = acks.open(1000);
  AckTracker::File& file = acks.file(1);
  file.sent(a, 0);  // the first piece fills A
  file.sent(b, 0);  // the rest goes to B
  file.line_done(500);
  acks.complete(b, true);
  EXPECT_TRUE(acks.take_acknowledged().empty());
  acks.complete(a, true);
  EXPECT_EQ(positions(acks.take_acknowledged()), (Positions{{1, 500}}));
}

TEST(AckTracker, ALineWithoutEventsMovesWithTheLineBeforeItOrAtOnce) {
  AckTracker acks;
  acks.file(1).line_done(5);  // nothing pending: at once
  EXPECT_EQ(positions(acks.take_acknowledged()), (Positions{{1, 5}}));
  const auto a = acks.open(1000);
  line(acks, 1, a, 5, 10);
  acks.file(1).line_done(11);  // an empty line after it, once A is sent
  acks.complete(a, true);
  EXPECT_EQ(positions(acks.take_acknowledged()), (Positions{{1, 11}}));
}

TEST(AckTracker, AnInterruptedBatchHoldsBackItsFilesForGood) {
  AckTracker acks;
  const auto first = acks.open(1000);
  const auto second = acks.open(2000);
  const auto third = acks.open(3000);
  line(acks, 1, first, 0, 100);
  line(acks, 1, second, 100, 200);
  line(acks, 1, third, 200, 300);
  line(acks, 2, third, 0, 70);
  acks.complete(first, true);
  acks.complete(second, false);  // a hard stop: resent after the restart
  acks.complete(third, true);
  EXPECT_EQ(positions(acks.take_acknowledged()), (Positions{{1, 100}, {2, 70}}));
  EXPECT_TRUE(acks.take_acknowledged().empty());
  EXPECT_FALSE(acks.idle());
  EXPECT_EQ(acks.oldest_read_time_ms(), 2000);
}

TEST(AckTracker, ABatchWithoutLinesIsDoneOnceComplete) {
  AckTracker acks;
  const auto unused = acks.open(1000);
  EXPECT_FALSE(acks.idle());
  acks.complete(unused, true);
  EXPECT_TRUE(acks.idle());
}

TEST(AckTracker, CompletionsItDoesNotKnowAreIgnored) {
  AckTracker acks;
  const auto first = acks.open(1000);
  line(acks, 1, first, 0, 100);
  acks.complete(first + 5, true);
  acks.complete(first, true);
  acks.complete(first, true);  // twice
  EXPECT_EQ(positions(acks.take_acknowledged()), (Positions{{1, 100}}));
  acks.complete(first, true);  // after it was taken
  EXPECT_TRUE(acks.take_acknowledged().empty());
}

}  // namespace
}  // namespace cw::app
