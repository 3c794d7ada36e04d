#pragma once
// SenderPool: threads that deliver batches while the reading thread goes on
// reading. Each thread has its own connection (a LogsApi) and Delivery.
//
// The pool owns the batches. acquire() blocks while every sender is busy and
// one more batch waits for them, which is the back-pressure that bounds
// memory however large the backlog is; the batches being filled are bounded
// by their owner (OpenBatches' budget). One batch per sender and one more
// are kept for reuse; a batch returned beyond those is freed, so that a
// burst over many destinations leaves no memory behind. Completions are reported in the order
// they happen; the reader acknowledges files only over a contiguous run of
// them. A FatalDeliveryError in any thread stops the pool and is rethrown to
// the reader by check_fatal().

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "cloudwatch/batch.h"
#include "cloudwatch/delivery.h"
#include "common/wake.h"

namespace cw::cloudwatch {

struct Completion {
  std::uint64_t sequence;
  bool delivered;  // false: interrupted by a hard stop, nothing may be acknowledged
};

class SenderPool {
 public:
  SenderPool(int senders, Limits limits, const std::function<std::unique_ptr<LogsApi>()>& make_client,
             DeliveryContext context, Wake& completed);
  ~SenderPool();  // finishes what was submitted (or is interrupted by the Pause), joins
  SenderPool(const SenderPool&) = delete;
  SenderPool& operator=(const SenderPool&) = delete;

  // A cleared batch to fill; blocks while every batch is in use. nullptr once
  // the pool failed fatally, or when `stop` turns true while waiting (checked
  // every 50 ms: it only matters while back-pressure holds the reader).
  Batch* acquire(const std::atomic<bool>& stop);
  // Queues a filled batch; its completion will carry `sequence`.
  void submit(Batch* batch, std::uint64_t sequence);
  // Gives back an acquired batch that holds no event.
  void release(Batch* batch);

  const Limits& limits() const { return limits_; }
  std::vector<Completion> take_completions();
  std::size_t in_flight() const;  // submitted and not yet completed
  void check_fatal() const;       // rethrows a sender's FatalDeliveryError

 private:
  struct Job {
    Batch* batch;
    std::uint64_t sequence;
  };
  void run(LogsApi& client);
  void finish(Batch* batch, Completion completion);
  void put_back(Batch* batch);  // with the lock held
  bool fatal_flag() const;

  DeliveryContext context_;
  Wake& completed_;
  Limits limits_;
  std::size_t senders_;
  std::vector<std::unique_ptr<Batch>> batches_;  // every batch, free or not
  std::vector<std::unique_ptr<LogsApi>> clients_;

  mutable std::mutex mutex_;
  std::condition_variable work_;   // senders wait for jobs
  std::condition_variable freed_;  // the reader waits for a free batch
  std::vector<Batch*> free_;
  std::deque<Job> queue_;
  std::vector<Completion> completions_;
  std::size_t in_flight_ = 0;
  bool stopping_ = false;
  std::exception_ptr fatal_;
  std::vector<std::thread> threads_;
};

}  // namespace cw::cloudwatch
