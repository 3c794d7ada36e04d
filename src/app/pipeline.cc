#include "app/pipeline.h"

namespace cw::app {
namespace {

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

Pipeline::Pipeline(PipelineOptions options, source::FileSet& files, source::CheckpointStore& checkpoints,
                   transform::LineTransformer& transformer, cloudwatch::Delivery& delivery, cloudwatch::Batch& batch,
                   Shutdown& shutdown, const Logger& log)
    : options_(options),
      files_(files),
      checkpoints_(checkpoints),
      transformer_(transformer),
      delivery_(delivery),
      batch_(batch),
      shutdown_(shutdown),
      log_(log) {}

void Pipeline::run() {
  for (;;) {
    files_.rescan();
    if (!read_available() || !flush()) return;  // interrupted: lines stay on disk for the next start
    files_.release_finished();
    if (options_.once || shutdown_.requested()) return;
    if (shutdown_.wait_for(options_.poll_interval)) return;
  }
}

bool Pipeline::read_available() {
  for (const auto& file : files_.files()) {
    if (shutdown_.requested()) return true;  // stop reading; what was read is still sent
    if (file->reset_if_truncated()) {
      log_.warn("file " + file->path() + " was truncated; reading it again from the start");
    }
    while (auto line = file->next_line()) {
      ++stats_.lines;
      const transform::Event event = transformer_.transform(line->text, now_ms());
      count(event, line->piece);
      if (event.kind != transform::LineKind::kEmpty) {
        if (!batch_.fits(event.message.size(), event.timestamp_ms) && !flush()) return false;
        batch_.add(event.timestamp_ms, event.message);
      }
      batch_.advance_source(file->id(), line->end_offset);
    }
  }
  return true;
}

bool Pipeline::flush() {
  if (batch_.sources().empty()) return true;
  if (!batch_.empty() && !delivery_.deliver(batch_)) return false;
  for (const auto& position : batch_.sources()) {
    if (auto* file = files_.find(position.file_id)) file->set_acked_offset(position.end_offset);
  }
  checkpoints_.save(files_.checkpoints());
  batch_.clear();
  return true;
}

void Pipeline::count(const transform::Event& event, bool piece) {
  switch (event.kind) {
    case transform::LineKind::kJson: ++stats_.json; break;
    case transform::LineKind::kNoTimestamp: ++stats_.no_timestamp; break;
    case transform::LineKind::kRaw: ++stats_.raw; break;
    case transform::LineKind::kEmpty: ++stats_.empty; break;
  }
  if (event.utf8_repaired) ++stats_.utf8_repaired;
  if (event.truncated) ++stats_.truncated;
  if (piece) ++stats_.pieces;
}

std::string Pipeline::summary() const {
  const auto& d = delivery_.stats();
  return "lines=" + std::to_string(stats_.lines) + " json=" + std::to_string(stats_.json) +
         " no_timestamp=" + std::to_string(stats_.no_timestamp) + " raw=" + std::to_string(stats_.raw) +
         " empty_skipped=" + std::to_string(stats_.empty) + " utf8_repaired=" + std::to_string(stats_.utf8_repaired) +
         " truncated=" + std::to_string(stats_.truncated) + " pieces=" + std::to_string(stats_.pieces) +
         " accepted=" + std::to_string(d.events_accepted) + " rejected_too_new=" + std::to_string(d.rejected_too_new) +
         " rejected_too_old=" + std::to_string(d.rejected_too_old) +
         " rejected_expired=" + std::to_string(d.rejected_expired) +
         " refused_invalid=" + std::to_string(d.refused_invalid) + " requests=" + std::to_string(d.requests) +
         " retries=" + std::to_string(d.retries) + " throttled=" + std::to_string(d.throttled);
}

}  // namespace cw::app
