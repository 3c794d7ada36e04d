#include "cloudwatch/delivery.h"

#include <algorithm>

#include "cloudwatch/request_body.h"
#include "cloudwatch/responses.h"

namespace cw::cloudwatch {

Delivery::Delivery(LogsApi& client, DeliveryContext context) : client_(client), ctx_(context) {}

bool Delivery::deliver(Batch& batch) {
  switch (put(batch)) {
    case PutResult::kAccepted: return true;
    case PutResult::kInterrupted: return false;
    case PutResult::kInvalid: break;
  }
  if (batch.event_count() == 1) {
    ctx_.counters.events_set_aside_invalid.fetch_add(1, std::memory_order_relaxed);
    ctx_.dead_letter.write("invalid", batch.group(), batch.stream(), batch.event_json(0));
    ctx_.log.warn("an event was refused as invalid; set aside in " + ctx_.dead_letter.path());
    return true;
  }
  ctx_.counters.batches_split.fetch_add(1, std::memory_order_relaxed);
  return deliver_in_halves(batch);
}

bool Delivery::deliver_in_halves(Batch& batch) {
  const std::size_t middle = batch.event_count() / 2;
  for (const auto& [from, to] : {std::pair{std::size_t{0}, middle}, std::pair{middle, batch.event_count()}}) {
    Batch half(batch.limits());
    batch.copy_events_to(from, to, half);
    half.set_destination(batch.group(), batch.stream(), &batch.group_options());
    if (!deliver(half)) return false;
  }
  return true;
}

Delivery::PutResult Delivery::put(Batch& batch) {
  const auto& parts = batch.body_parts();
  for (int attempt = 0;; ++attempt) {
    if (attempt > 0) ctx_.counters.retries.fetch_add(1, std::memory_order_relaxed);
    if (!ctx_.governor.acquire()) return PutResult::kInterrupted;
    CallResult result = client_.call("PutLogEvents", parts);
    ctx_.governor.release(!result.ok && result.error.throttled);
    if (result.ok) {
      const RejectedCounts rejected = parse_rejected(result.body, batch.event_count());
      auto& c = ctx_.counters;
      c.requests_ok.fetch_add(1, std::memory_order_relaxed);
      c.events_accepted.fetch_add(batch.event_count() - rejected.total(), std::memory_order_relaxed);
      c.events_rejected_too_new.fetch_add(rejected.too_new, std::memory_order_relaxed);
      c.events_rejected_too_old.fetch_add(rejected.too_old, std::memory_order_relaxed);
      c.events_rejected_expired.fetch_add(rejected.expired, std::memory_order_relaxed);
      c.bytes_sent.fetch_add(batch.body_size(), std::memory_order_relaxed);
      c.payload_bytes_accepted.fetch_add(batch.payload_bytes(), std::memory_order_relaxed);
      ctx_.trouble.success();
      if (rejected.total() > 0) {
        // Indexes are in body order: expired and too old first, too new last.
        const std::size_t old_end = rejected.expired + rejected.too_old;
        for (std::size_t i = 0; i < batch.event_count(); ++i) {
          if (i >= old_end && i < batch.event_count() - rejected.too_new) continue;
          const char* reason = i < rejected.expired ? "expired" : i < old_end ? "too_old" : "too_new";
          ctx_.dead_letter.write(reason, batch.group(), batch.stream(), batch.event_json(i));
        }
        ctx_.log.warn("CloudWatch rejected " + std::to_string(rejected.total()) + " of " +
                      std::to_string(batch.event_count()) + " events (too new: " + std::to_string(rejected.too_new) +
                      ", too old: " + std::to_string(rejected.too_old) + ", expired: " +
                      std::to_string(rejected.expired) + ")");
      }
      return PutResult::kAccepted;
    }
    const ApiError& error = result.error;
    count_failure(error);
    switch (error.action) {
      case ErrorAction::kCreateThenRetry:
        ctx_.log.info("log group or stream missing (" + error.describe() + "); creating " + batch.group() + "/" +
                      batch.stream());
        if (attempt > 0 && backoff(attempt)) return PutResult::kInterrupted;  // created, yet missing again
        if (!ensure_group_and_stream(batch)) return PutResult::kInterrupted;
        break;
      case ErrorAction::kRefreshThenRetry:
        client_.invalidate_credentials();
        [[fallthrough]];
      case ErrorAction::kRetry:
        ctx_.trouble.failure("PutLogEvents: " + error.describe());
        if (backoff(attempt)) return PutResult::kInterrupted;
        break;
      case ErrorAction::kFixRequest:
        ctx_.log.warn("PutLogEvents refused a batch of " + std::to_string(batch.event_count()) +
                      " events: " + error.describe());
        return PutResult::kInvalid;
      case ErrorAction::kAlreadyDone:
      case ErrorAction::kFatal:
        throw FatalDeliveryError("PutLogEvents to " + batch.group() + "/" + batch.stream() +
                                 " failed: " + error.describe());
    }
  }
}

bool Delivery::ensure_group_and_stream(const Batch& batch) {
  const std::string& group = batch.group();
  const std::string& stream = batch.stream();
  if (!create_group(group, batch.group_options())) return false;
  for (int attempt = 0;; ++attempt) {
    ctx_.counters.create_calls.fetch_add(1, std::memory_order_relaxed);
    CallResult created = client_.call("CreateLogStream", names_body(group, stream));
    if (created.ok || created.error.action == ErrorAction::kAlreadyDone) return true;
    count_failure(created.error);
    switch (created.error.action) {
      case ErrorAction::kFatal:
      case ErrorAction::kFixRequest:
      case ErrorAction::kAlreadyDone:
        throw FatalDeliveryError("CreateLogStream " + group + "/" + stream + " failed: " +
                                 created.error.describe());
      case ErrorAction::kCreateThenRetry:
        return true;  // the group vanished again: the next put finds out and recreates it
      case ErrorAction::kRefreshThenRetry:
        client_.invalidate_credentials();
        [[fallthrough]];
      case ErrorAction::kRetry:
        ctx_.trouble.failure("CreateLogStream: " + created.error.describe());
        if (backoff(attempt)) return false;
        break;
    }
  }
}

bool Delivery::create_group(const std::string& group, const GroupOptions& options) {
  for (int attempt = 0;; ++attempt) {
    ctx_.counters.create_calls.fetch_add(1, std::memory_order_relaxed);
    CallResult created = client_.call("CreateLogGroup", create_group_body(group, options));
    if (created.ok) {
      ctx_.log.info("created log group " + group);
      if (options.retention_days > 0) {
        CallResult set =
            client_.call("PutRetentionPolicy", retention_body(group, options.retention_days));
        if (!set.ok) ctx_.log.warn("PutRetentionPolicy on " + group + " failed: " + set.error.describe());
      }
      return true;
    }
    switch (created.error.action) {
      case ErrorAction::kAlreadyDone: return true;
      case ErrorAction::kFatal:
        // A role may be allowed to write to an existing group but not to create
        // one; the stream call that follows tells whether the group exists.
        ctx_.log.warn("CreateLogGroup " + group + " failed: " + created.error.describe());
        return true;
      case ErrorAction::kFixRequest:
        throw FatalDeliveryError("CreateLogGroup " + group + " failed: " + created.error.describe());
      case ErrorAction::kRefreshThenRetry:
        client_.invalidate_credentials();
        [[fallthrough]];
      case ErrorAction::kCreateThenRetry:
      case ErrorAction::kRetry:
        count_failure(created.error);
        ctx_.trouble.failure("CreateLogGroup: " + created.error.describe());
        if (backoff(attempt)) return false;
        break;
    }
  }
}

void Delivery::count_failure(const ApiError& error) {
  auto& c = ctx_.counters;
  if (error.throttled) c.requests_throttled.fetch_add(1, std::memory_order_relaxed);
  else if (error.http_status == 0) c.requests_network_error.fetch_add(1, std::memory_order_relaxed);
  else if (error.http_status >= 500 || error.action == ErrorAction::kRetry) {
    c.requests_server_error.fetch_add(1, std::memory_order_relaxed);
  }
  else c.requests_client_error.fetch_add(1, std::memory_order_relaxed);
}

bool Delivery::backoff(int attempt) {
  const auto base = ctx_.options.backoff_base.count();
  const auto cap = ctx_.options.backoff_cap.count();
  const auto ceiling = std::min<std::int64_t>(cap, base << std::min(attempt, 20));
  std::uniform_int_distribution<std::int64_t> jitter(0, std::max<std::int64_t>(ceiling, 1));
  return ctx_.pause.wait_for(std::chrono::milliseconds(jitter(rng_)));
}

}  // namespace cw::cloudwatch
