#pragma once
// Delivery: gets one batch accepted by CloudWatch, whatever it takes.
//
// It sends PutLogEvents first and creates the group and stream only when the
// service says they are missing (no Describe calls; creations are remembered).
// Throttling, 5xx and connection errors are retried with capped full-jitter
// backoff, without a give-up limit: the lines wait safely in their files.
// Errors that no retry can fix (denied, unknown key, bad signature) throw
// FatalDeliveryError. Waiting stops early when the Pause is interrupted.

#include <chrono>
#include <cstdint>
#include <random>
#include <stdexcept>
#include <string>

#include "cloudwatch/batch.h"
#include "cloudwatch/logs_client.h"
#include "common/logger.h"

namespace cw::cloudwatch {

class FatalDeliveryError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Sleeps between retries; returns true when it was interrupted (shutdown).
class Pause {
 public:
  virtual ~Pause() = default;
  virtual bool wait_for(std::chrono::milliseconds duration) = 0;
};

struct DeliveryOptions {
  std::string log_group;
  std::string stream_prefix;
  std::chrono::milliseconds backoff_base{200};
  std::chrono::milliseconds backoff_cap{20000};
};

struct DeliveryStats {
  std::uint64_t requests = 0;
  std::uint64_t retries = 0;
  std::uint64_t throttled = 0;
  std::uint64_t batches_accepted = 0;
  std::uint64_t events_accepted = 0;
  std::uint64_t bytes_accepted = 0;  // as CloudWatch counts them
  std::uint64_t rejected_too_new = 0;
  std::uint64_t rejected_too_old = 0;
  std::uint64_t rejected_expired = 0;
  std::uint64_t refused_invalid = 0;  // events of batches refused as invalid
};

// "<prefix>_<YYYYMMDD>", the date of `now` in the process's local zone, as the seed.
std::string stream_name_for(std::string_view prefix, std::chrono::system_clock::time_point now);

class Delivery {
 public:
  Delivery(LogsClient& client, DeliveryOptions options, Pause& pause, const Logger& log);

  // Returns true once CloudWatch accepted the batch (events it rejected as too
  // old/new are final and counted), false when interrupted before that.
  bool deliver(Batch& batch);

  const DeliveryStats& stats() const { return stats_; }

 private:
  bool ensure_group_and_stream(const std::string& stream);  // false: interrupted
  bool backoff(int attempt);

  LogsClient& client_;
  DeliveryOptions options_;
  Pause& pause_;
  const Logger& log_;
  DeliveryStats stats_;
  std::string body_;
  std::mt19937_64 rng_{std::random_device{}()};
};

}  // namespace cw::cloudwatch
