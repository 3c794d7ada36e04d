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
    {
      std::lock_guard lock(mutex_);
      if (closing_) return;
    }
    requested_at_.store(std::chrono::steady_clock::now().time_since_epoch().count());
    if (requested_.exchange(true)) {
      static constexpr char kMessage[] = "cw-sidecar: second signal, exiting now; checkpoints are intact\n";
      [[maybe_unused]] const auto n = ::write(2, kMessage, sizeof kMessage - 1);
      ::_exit(1);
    }
    wake_.notify();
  }
}

std::chrono::steady_clock::time_point Shutdown::requested_at() const {
  return std::chrono::steady_clock::time_point(std::chrono::steady_clock::duration(requested_at_.load()));
}

void Shutdown::abort() {
  {
    std::lock_guard lock(mutex_);
    aborted_.store(true);
  }
  aborted_changed_.notify_all();
}

bool Shutdown::AbortPause::wait_for(std::chrono::milliseconds duration) {
  std::unique_lock lock(owner_.mutex_);
  return owner_.aborted_changed_.wait_for(lock, duration, [this] { return owner_.aborted_.load(); });
}

}  // namespace cw::app
