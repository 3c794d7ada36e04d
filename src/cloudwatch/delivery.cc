#include "cloudwatch/delivery.h"

#include <algorithm>
#include <ctime>

#include "cloudwatch/json_escape.h"
#include "cloudwatch/responses.h"

namespace cw::cloudwatch {
namespace {

std::string create_body(std::string_view group, std::string_view stream) {
  std::string body = R"({"logGroupName":")";
  append_json_escaped(body, group);
  if (!stream.empty()) {
    body += R"(","logStreamName":")";
    append_json_escaped(body, stream);
  }
  body += "\"}";
  return body;
}

}  // namespace

std::string stream_name_for(std::string_view prefix, std::chrono::system_clock::time_point now) {
  const std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  localtime_r(&t, &tm);
  char date[9];
  std::strftime(date, sizeof date, "%Y%m%d", &tm);
  return std::string(prefix) + "_" + date;
}

Delivery::Delivery(LogsClient& client, DeliveryOptions options, Pause& pause, const Logger& log)
    : client_(client), options_(std::move(options)), pause_(pause), log_(log) {}

bool Delivery::deliver(Batch& batch) {
  const std::string stream = stream_name_for(options_.stream_prefix, std::chrono::system_clock::now());
  batch.write_body(body_, options_.log_group, stream);
  for (int attempt = 0;; ++attempt) {
    ++stats_.requests;
    CallResult result = client_.call("PutLogEvents", body_);
    if (result.ok) {
      const RejectedCounts rejected = parse_rejected(result.body, batch.event_count());
      stats_.rejected_too_new += rejected.too_new;
      stats_.rejected_too_old += rejected.too_old;
      stats_.rejected_expired += rejected.expired;
      if (rejected.total() > 0) {
        log_.warn("CloudWatch rejected " + std::to_string(rejected.total()) + " of " +
                  std::to_string(batch.event_count()) + " events (too new: " + std::to_string(rejected.too_new) +
                  ", too old: " + std::to_string(rejected.too_old) + ", expired: " +
                  std::to_string(rejected.expired) + ")");
      }
      ++stats_.batches_accepted;
      stats_.events_accepted += batch.event_count() - rejected.total();
      stats_.bytes_accepted += batch.payload_bytes();
      return true;
    }
    const ApiError& error = result.error;
    if (error.throttled) ++stats_.throttled;
    switch (error.action) {
      case ErrorAction::kCreateThenRetry:
        log_.info("log group or stream missing (" + error.describe() + "); creating " + options_.log_group +
                  "/" + stream);
        if (attempt > 0 && backoff(attempt)) return false;  // created, yet missing again
        if (!ensure_group_and_stream(stream)) return false;
        break;
      case ErrorAction::kRetry:
      case ErrorAction::kRefreshThenRetry:
        if (error.action == ErrorAction::kRefreshThenRetry) client_.invalidate_credentials();
        log_.warn("PutLogEvents failed, will retry: " + error.describe());
        if (backoff(attempt)) return false;
        break;
      case ErrorAction::kFixRequest:
        // The batcher keeps every documented limit, so this is a limit we do not
        // know of; resending the same request cannot succeed.
        stats_.refused_invalid += batch.event_count();
        log_.error("PutLogEvents refused a batch of " + std::to_string(batch.event_count()) +
                   " events as invalid, skipping it: " + error.describe());
        return true;
      case ErrorAction::kAlreadyDone:
      case ErrorAction::kFatal:
        throw FatalDeliveryError("PutLogEvents to " + options_.log_group + "/" + stream + " failed: " +
                                 error.describe());
    }
    ++stats_.retries;
  }
}

bool Delivery::ensure_group_and_stream(const std::string& stream) {
  for (int attempt = 0;; ++attempt) {
    ++stats_.requests;
    CallResult group = client_.call("CreateLogGroup", create_body(options_.log_group, ""));
    if (group.ok || group.error.action == ErrorAction::kAlreadyDone) break;
    if (group.error.action == ErrorAction::kFixRequest) {
      throw FatalDeliveryError("CreateLogGroup " + options_.log_group + " failed: " + group.error.describe());
    }
    if (group.error.action == ErrorAction::kFatal) {
      // A role may be allowed to write to an existing group but not to create
      // one; the stream call below tells whether the group exists.
      log_.warn("CreateLogGroup " + options_.log_group + " failed: " + group.error.describe());
      break;
    }
    if (backoff(attempt)) return false;
  }
  for (int attempt = 0;; ++attempt) {
    ++stats_.requests;
    CallResult created = client_.call("CreateLogStream", create_body(options_.log_group, stream));
    if (created.ok || created.error.action == ErrorAction::kAlreadyDone) return true;
    if (created.error.action == ErrorAction::kFatal || created.error.action == ErrorAction::kFixRequest) {
      throw FatalDeliveryError("CreateLogStream " + options_.log_group + "/" + stream + " failed: " +
                               created.error.describe());
    }
    if (created.error.action == ErrorAction::kCreateThenRetry) return true;  // group vanished: put again
    if (backoff(attempt)) return false;
  }
}

bool Delivery::backoff(int attempt) {
  const auto base = options_.backoff_base.count();
  const auto cap = options_.backoff_cap.count();
  const int shift = std::min(attempt, 20);
  const auto ceiling = std::min<std::int64_t>(cap, base << shift);
  std::uniform_int_distribution<std::int64_t> jitter(0, std::max<std::int64_t>(ceiling, 1));
  return pause_.wait_for(std::chrono::milliseconds(jitter(rng_)));
}

}  // namespace cw::cloudwatch
