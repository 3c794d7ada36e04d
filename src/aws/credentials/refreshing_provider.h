#pragma once
// RefreshingProvider: caches the credentials of a source and keeps them fresh.
//
// get() returns the cached copy under a mutex: no I/O on the sending path,
// except for the very first fetch and when the cached credentials have
// expired (or are about to) or were invalidated; then one caller fetches while
// the others wait for its result. A background thread refreshes temporary
// credentials ahead of their expiry: `lead` before it, or at half the
// remaining lifetime when that is earlier (credentials that live seconds in
// tests). A failed background refresh is retried with backoff and costs
// nothing while the old credentials are valid. invalidate() (the service said
// "expired") makes the next get() fetch at once; invalidations arriving within
// a second of such a refetch are the same event seen by other senders and are
// ignored.

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "aws/credentials/credential_source.h"
#include "aws/credentials/provider.h"

namespace cw::aws {

class RefreshingProvider final : public CredentialsProvider {
 public:
  // `first` is the result of a fetch the caller already made (the chain's
  // probe); credentials without an expiration are never refreshed.
  RefreshingProvider(std::string name, CredentialsFetch fetch, Credentials first, std::chrono::seconds lead,
                     const Logger* log);
  ~RefreshingProvider() override;
  RefreshingProvider(const RefreshingProvider&) = delete;
  RefreshingProvider& operator=(const RefreshingProvider&) = delete;

  Credentials get() override;
  void invalidate() override;
  std::optional<std::chrono::system_clock::time_point> expiration() const override;

 private:
  using Clock = std::chrono::system_clock;
  void install(Credentials credentials);          // mutex_ held
  bool needs_fetch_now(Clock::time_point now) const;  // mutex_ held
  void fetch_and_install(bool background);        // fetch_mutex_ held
  void run();                                     // the background thread

  const std::string name_;
  const CredentialsFetch fetch_;
  const std::chrono::seconds lead_;
  const Logger* log_;

  std::mutex fetch_mutex_;  // one fetch at a time
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  Credentials current_;
  Clock::time_point refresh_at_;  // background refresh due
  Clock::duration margin_{};      // get() fetches itself this close to the expiry
  Clock::duration min_interval_{};  // between successful fetches
  bool invalidated_ = false;
  std::optional<Clock::time_point> last_invalidation_fetch_;  // none yet
  Clock::time_point last_failure_{};
  Clock::time_point last_success_{};
  std::string last_error_;
  int failures_in_row_ = 0;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace cw::aws
