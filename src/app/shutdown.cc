#include "app/shutdown.h"

#include <pthread.h>
#include <unistd.h>

#include <csignal>

namespace cw::app {
namespace {

sigset_t stop_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  return set;
}

}  // namespace

Shutdown::Shutdown() {
  const sigset_t set = stop_signals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  watcher_ = std::thread([this] { watch(); });
}

Shutdown::~Shutdown() {
  {
    std::lock_guard lock(mutex_);
    closing_ = true;
  }
  // Wake the watcher out of sigwait(); it sees closing_ and returns.
  pthread_kill(watcher_.native_handle(), SIGTERM);
  watcher_.join();
}

void Shutdown::watch() {
  const sigset_t set = stop_signals();
  for (;;) {
    int signal = 0;
    if (sigwait(&set, &signal) != 0) continue;
    std::unique_lock lock(mutex_);
    if (closing_) return;
    if (requested_) {
      static constexpr char kMessage[] = "cw-sidecar: second signal, exiting now\n";
      [[maybe_unused]] const auto n = ::write(2, kMessage, sizeof kMessage - 1);
      ::_exit(1);
    }
    requested_ = true;
    lock.unlock();
    changed_.notify_all();
  }
}

bool Shutdown::requested() const {
  std::lock_guard lock(mutex_);
  return requested_;
}

void Shutdown::request() {
  {
    std::lock_guard lock(mutex_);
    requested_ = true;
  }
  changed_.notify_all();
}

bool Shutdown::wait_for(std::chrono::milliseconds duration) {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, duration, [this] { return requested_; });
}

}  // namespace cw::app
