#pragma once
// Shutdown: SIGTERM and SIGINT as a two-step stop.
//
// The first signal requests a graceful stop: reading stops, what was read is
// still sent, checkpoints are persisted. When the grace period runs out the
// reader calls abort(): requests under way are abandoned and retries end, and
// what was not acknowledged stays on disk for the next start. A second signal
// exits at once, which is safe because checkpoints are only ever replaced
// atomically.
//
// Construct it in main() before any other thread starts: it blocks the signals
// in the calling thread so every later thread inherits the mask, and a watcher
// thread takes them with sigwait().

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "common/pause.h"
#include "common/wake.h"

namespace cw::app {

class Shutdown {
 public:
  Shutdown();
  ~Shutdown();
  Shutdown(const Shutdown&) = delete;
  Shutdown& operator=(const Shutdown&) = delete;

  bool requested() const { return requested_.load(); }
  const std::atomic<bool>& requested_flag() const { return requested_; }
  // When the stop was requested: the grace period counts from there.
  std::chrono::steady_clock::time_point requested_at() const;
  int wake_fd() const { return wake_.fd(); }  // readable once a stop was requested

  void abort();
  bool aborted() const { return aborted_.load(); }
  const std::atomic<bool>& abort_flag() const { return aborted_; }

  // Retry pauses of the senders: cut short only by abort().
  cw::Pause& sender_pause() { return sender_pause_; }

 private:
  class AbortPause final : public cw::Pause {
   public:
    explicit AbortPause(Shutdown& owner) : owner_(owner) {}
    bool wait_for(std::chrono::milliseconds duration) override;

   private:
    Shutdown& owner_;
  };

  void watch();

  std::atomic<bool> requested_{false};
  std::atomic<std::chrono::steady_clock::rep> requested_at_{0};
  std::atomic<bool> aborted_{false};
  Wake wake_;
  std::mutex mutex_;
  std::condition_variable aborted_changed_;
  bool closing_ = false;
  AbortPause sender_pause_{*this};
  std::thread watcher_;
};

}  // namespace cw::app
