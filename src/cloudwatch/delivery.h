#pragma once
// Delivery: gets one batch to a final outcome in CloudWatch, whatever it takes.
// One per sender thread (it owns the thread's connection, a LogsApi).
//
// PutLogEvents goes first; the group and stream are created only when the
// service says they are missing (no Describe calls), then the same batch is
// resent. Throttling, 5xx and connection errors are retried with capped
// full-jitter backoff and no give-up limit: the lines wait safely in their
// files. A batch refused as invalid is split in halves until the refused
// events are alone; those are set aside (dead-letter file). Events the service
// rejects as too old or too new are final and counted. Errors no retry can fix
// (denied, unknown key) throw FatalDeliveryError. Every attempt is re-signed.

#include <chrono>
#include <cstdint>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "cloudwatch/batch.h"
#include "cloudwatch/dead_letter.h"
#include "cloudwatch/logs_api.h"
#include "cloudwatch/request_body.h"
#include "cloudwatch/throttle_governor.h"
#include "cloudwatch/trouble_log.h"
#include "common/counters.h"
#include "common/logger.h"
#include "common/pause.h"

namespace cw::cloudwatch {

class FatalDeliveryError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct DeliveryOptions {
  std::chrono::milliseconds backoff_base{200};
  std::chrono::milliseconds backoff_cap{20000};
};

// Everything a sender thread shares with the others.
struct DeliveryContext {
  const DeliveryOptions& options;
  ThrottleGovernor& governor;
  Pause& pause;
  Counters& counters;
  DeadLetter& dead_letter;
  TroubleLog& trouble;
  const Logger& log;
};

class Delivery {
 public:
  Delivery(LogsApi& client, DeliveryContext context);

  // True once every event of the batch has its final outcome; false when a
  // hard stop interrupted it (nothing of it may be acknowledged then).
  bool deliver(Batch& batch);

 private:
  enum class PutResult { kAccepted, kInvalid, kInterrupted };
  PutResult put(Batch& batch);
  bool deliver_in_halves(Batch& batch);
  bool ensure_group_and_stream(const Batch& batch);
  bool create_group(const std::string& group, const GroupOptions& options);
  void count_failure(const ApiError& error);
  bool backoff(int attempt);

  LogsApi& client_;
  DeliveryContext ctx_;
  std::mt19937_64 rng_{std::random_device{}()};
};

}  // namespace cw::cloudwatch
