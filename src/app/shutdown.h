#pragma once
// Shutdown: turns SIGTERM and SIGINT into a stop request the pipeline can wait
// on. The first signal asks for a graceful stop (finish the request in flight,
// persist checkpoints); a second one exits at once, which is safe because
// checkpoints are only ever replaced atomically.
//
// Construct it in main() before any other thread starts: it blocks the signals
// in the calling thread so every later thread inherits the mask, and a watcher
// thread takes them with sigwait().

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "cloudwatch/delivery.h"

namespace cw::app {

class Shutdown final : public cloudwatch::Pause {
 public:
  Shutdown();
  ~Shutdown() override;
  Shutdown(const Shutdown&) = delete;
  Shutdown& operator=(const Shutdown&) = delete;

  bool requested() const;
  // Sleeps up to `duration`; returns true at once when a stop was requested.
  bool wait_for(std::chrono::milliseconds duration) override;
  void request();  // as if SIGTERM arrived

 private:
  void watch();

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  bool requested_ = false;
  bool closing_ = false;
  std::thread watcher_;
};

}  // namespace cw::app
