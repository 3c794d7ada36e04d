#include "cloudwatch/sender_pool.h"

#include <algorithm>

namespace cw::cloudwatch {

SenderPool::SenderPool(int senders, Limits limits, const std::function<std::unique_ptr<LogsApi>()>& make_client,
                       DeliveryContext context, Wake& completed)
    : context_(context), completed_(completed), limits_(limits), senders_(static_cast<std::size_t>(std::max(1, senders))) {
  for (std::size_t i = 0; i < senders_; ++i) clients_.push_back(make_client());
  for (auto& client : clients_) threads_.emplace_back([this, c = client.get()] { run(*c); });
}

SenderPool::~SenderPool() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  work_.notify_all();
  for (auto& thread : threads_) thread.join();
}

Batch* SenderPool::acquire(const std::atomic<bool>& stop) {
  std::unique_lock lock(mutex_);
  while (!freed_.wait_for(lock, std::chrono::milliseconds(50), [this] { return in_flight_ <= senders_ || fatal_; })) {
    if (stop.load()) return nullptr;
  }
  if (fatal_) return nullptr;
  if (free_.empty()) {
    batches_.push_back(std::make_unique<Batch>(limits_));
    return batches_.back().get();
  }
  Batch* batch = free_.back();
  free_.pop_back();
  return batch;
}

void SenderPool::release(Batch* batch) {
  batch->clear();
  std::lock_guard lock(mutex_);
  put_back(batch);
}

void SenderPool::put_back(Batch* batch) {
  if (batches_.size() <= senders_ + 1) {
    free_.push_back(batch);
    return;
  }
  const auto it = std::find_if(batches_.begin(), batches_.end(), [batch](const auto& b) { return b.get() == batch; });
  batches_.erase(it);
}

void SenderPool::submit(Batch* batch, std::uint64_t sequence) {
  // Counted before the batch is queued: from then on a sender owns it.
  context_.counters.batches_in_flight.fetch_add(1, std::memory_order_relaxed);
  context_.counters.events_in_flight.fetch_add(static_cast<std::int64_t>(batch->event_count()),
                                               std::memory_order_relaxed);
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(Job{batch, sequence});
    ++in_flight_;
  }
  work_.notify_one();
}

void SenderPool::run(LogsApi& client) {
  Delivery delivery(client, context_);
  for (;;) {
    Job job{};
    {
      std::unique_lock lock(mutex_);
      work_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and nothing left to send
      job = queue_.front();
      queue_.pop_front();
    }
    bool delivered = false;
    try {
      delivered = !fatal_flag() && delivery.deliver(*job.batch);
    } catch (const FatalDeliveryError&) {
      std::lock_guard lock(mutex_);
      if (!fatal_) fatal_ = std::current_exception();
      context_.governor.cancel();  // the other senders stop waiting for a turn
    }
    finish(job.batch, Completion{job.sequence, delivered});
  }
}

bool SenderPool::fatal_flag() const {
  std::lock_guard lock(mutex_);
  return static_cast<bool>(fatal_);
}

void SenderPool::finish(Batch* batch, Completion completion) {
  context_.counters.batches_in_flight.fetch_sub(1, std::memory_order_relaxed);
  // Events of a batch a hard stop interrupted were not answered: they stay
  // in flight in the accounting (the exit summary's in_flight), and on disk.
  if (completion.delivered) {
    context_.counters.events_in_flight.fetch_sub(static_cast<std::int64_t>(batch->event_count()),
                                                 std::memory_order_relaxed);
  }
  batch->clear();
  {
    std::lock_guard lock(mutex_);
    put_back(batch);
    completions_.push_back(completion);
    --in_flight_;
  }
  freed_.notify_one();
  completed_.notify();
}

std::vector<Completion> SenderPool::take_completions() {
  std::lock_guard lock(mutex_);
  std::vector<Completion> out;
  out.swap(completions_);
  return out;
}

std::size_t SenderPool::in_flight() const {
  std::lock_guard lock(mutex_);
  return in_flight_;
}

void SenderPool::check_fatal() const {
  std::lock_guard lock(mutex_);
  if (fatal_) std::rethrow_exception(fatal_);
}

}  // namespace cw::cloudwatch
