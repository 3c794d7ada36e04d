#include "aws/credentials/refreshing_provider.h"

#include <algorithm>

#include "aws/iso8601.h"
#include "common/logger.h"

namespace cw::aws {
namespace {

constexpr auto kRetryPause = std::chrono::seconds(1);   // between failed fetches on the sending path
constexpr auto kMaxBackoff = std::chrono::seconds(60);  // between failed background refreshes
constexpr auto kMaxMargin = std::chrono::seconds(60);   // get() fetches itself this close to expiry

}  // namespace

RefreshingProvider::RefreshingProvider(std::string name, CredentialsFetch fetch, Credentials first,
                                       std::chrono::seconds lead, const Logger* log)
    : name_(std::move(name)), fetch_(std::move(fetch)), lead_(lead), log_(log) {
  install(std::move(first));
  if (current_.expiration) thread_ = std::thread([this] { run(); });
}

RefreshingProvider::~RefreshingProvider() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void RefreshingProvider::install(Credentials credentials) {
  const auto now = Clock::now();
  current_ = std::move(credentials);
  last_success_ = now;
  failures_in_row_ = 0;
  if (current_.expiration) {
    const auto remaining = std::max(Clock::duration::zero(), *current_.expiration - now);
    const auto lead = std::min<Clock::duration>(lead_, remaining / 2);
    // Some time must pass between fetches (a second, less for credentials
    // that live only seconds), so that a source is never fetched in a loop.
    min_interval_ = std::min<Clock::duration>(kRetryPause, remaining / 4);
    refresh_at_ = std::max<Clock::time_point>(*current_.expiration - lead, now + min_interval_);
    margin_ = std::min<Clock::duration>(kMaxMargin, remaining / 4);
  }
  wake_.notify_all();
}

bool RefreshingProvider::needs_fetch_now(Clock::time_point now) const {
  if (invalidated_) return true;
  if (!current_.expiration) return false;
  if (now >= *current_.expiration) return true;
  // About to expire: fetch, unless that just happened and the source gave no
  // better ones.
  return now >= *current_.expiration - margin_ && now - last_success_ >= min_interval_;
}

Credentials RefreshingProvider::get() {
  {
    std::lock_guard lock(mutex_);
    if (!needs_fetch_now(Clock::now())) return current_;
  }
  std::lock_guard fetching(fetch_mutex_);
  {
    std::lock_guard lock(mutex_);
    const auto now = Clock::now();
    if (!needs_fetch_now(now)) return current_;  // another sender fetched meanwhile
    if (failures_in_row_ > 0 && now - last_failure_ < kRetryPause) {
      // The source just failed: don't hammer it from every sender.
      if (current_.expiration && now < *current_.expiration) return current_;
      throw CredentialsError(name_ + ": credentials expired and refreshing failed: " + last_error_);
    }
  }
  fetch_and_install(false);
  std::lock_guard lock(mutex_);
  if (!needs_fetch_now(Clock::now())) return current_;
  // The fetch failed. Credentials not yet expired by our clock are still the
  // best there is (the service may be right or skewed; the caller retries).
  if (current_.expiration && Clock::now() < *current_.expiration) return current_;
  if (!current_.expiration && invalidated_) return current_;
  throw CredentialsError(name_ + ": credentials expired and refreshing failed: " + last_error_);
}

void RefreshingProvider::invalidate() {
  std::lock_guard lock(mutex_);
  if (last_invalidation_fetch_ && Clock::now() - *last_invalidation_fetch_ < std::chrono::seconds(1)) return;
  invalidated_ = true;
}

std::optional<std::chrono::system_clock::time_point> RefreshingProvider::expiration() const {
  std::lock_guard lock(mutex_);
  return current_.expiration;
}

void RefreshingProvider::fetch_and_install(bool background) {
  std::optional<Credentials> fresh;
  std::string error;
  try {
    fresh = fetch_();
  } catch (const std::exception& e) {  // recorded and logged below, and get() reports it
    error = e.what();
  }
  if (fresh && fresh->expiration && *fresh->expiration <= Clock::now()) {
    // Installing these would make every get() fetch again at once.
    error = "the source gave credentials that expired at " + format_iso8601(*fresh->expiration) +
            " (is the clock right?)";
    fresh.reset();
  }
  std::lock_guard lock(mutex_);
  if (fresh) {
    if (invalidated_) last_invalidation_fetch_ = Clock::now();
    invalidated_ = false;
    install(std::move(*fresh));
    if (log_ != nullptr && log_->enabled(LogLevel::kDebug)) {
      log_->debug("credentials refreshed: " + current_.describe() +
                  (current_.expiration ? ", expire " + format_iso8601(*current_.expiration) : std::string()));
    }
    return;
  }
  last_error_ = error;
  last_failure_ = Clock::now();
  ++failures_in_row_;
  if (log_ != nullptr) {
    std::string line = "credentials refresh from " + name_ + " failed";
    if (background) line += " (attempt " + std::to_string(failures_in_row_) + ")";
    if (current_.expiration) line += "; the current ones expire " + format_iso8601(*current_.expiration);
    log_->warn(line + ": " + error);
  }
}

void RefreshingProvider::run() {
  std::unique_lock lock(mutex_);
  while (!stop_) {
    if (!current_.expiration) {  // long-term keys now: nothing to refresh
      wake_.wait(lock);
      continue;
    }
    Clock::time_point due = refresh_at_;
    if (failures_in_row_ > 0) {
      const auto backoff = std::min<Clock::duration>(kMaxBackoff, std::chrono::seconds(1LL << std::min(failures_in_row_ - 1, 6)));
      due = std::max(due, last_failure_ + backoff);
    }
    if (Clock::now() < due) {
      wake_.wait_until(lock, due);
      continue;  // woken early (new credentials, stop) or on time: decide again
    }
    lock.unlock();
    {
      std::lock_guard fetching(fetch_mutex_);
      bool still_due = false;
      {
        std::lock_guard check(mutex_);
        still_due = !stop_ && Clock::now() >= refresh_at_;
      }
      if (still_due) fetch_and_install(true);
    }
    lock.lock();
  }
}

}  // namespace cw::aws
