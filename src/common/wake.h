#pragma once
// Wake: an eventfd one thread notifies and another waits on with poll(), next
// to other descriptors (inotify, signals), so the reading thread sleeps until
// something happened instead of waking on a timer.

namespace cw {

class Wake {
 public:
  Wake();
  ~Wake();
  Wake(const Wake&) = delete;
  Wake& operator=(const Wake&) = delete;

  void notify();  // thread-safe, async-signal-safe
  void drain();   // clears pending notifications
  int fd() const { return fd_; }

 private:
  int fd_;
};

}  // namespace cw
