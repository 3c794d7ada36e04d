#include "app/pipeline.h"

#include <poll.h>

#include <algorithm>

#include "cloudwatch/request_body.h"
#include "common/clock.h"
#include "common/message_limit.h"

namespace cw::app {
namespace {

using Clock = std::chrono::steady_clock;

// Bytes read from one file before the others get a turn, so one busy file
// cannot starve the rest.
constexpr std::uint64_t kTurnBytes = 4 << 20;

// How long a rotated file's unfinished last line waits for its newline.
constexpr std::chrono::seconds kDetachedQuiet{5};

// A text event is made once it holds this much, and cut into pieces at the
// message cap as a long line is; the next line starts another.
constexpr std::size_t kMostJoinedBytes = 4 * kMaxMessageBytes;
// The buffer of a joined event is freed past this, not kept for the next.
constexpr std::size_t kKeptJoinedBytes = 64 << 10;

}  // namespace

// Events of one file's lines into the open batches of their destinations.
class Pipeline::FileSink final : public transform::EventSink {
 public:
  FileSink(Pipeline& pipeline, AckTracker::File& acks, std::int64_t now_ms)
      : p_(pipeline), acks_(acks), now_ms_(now_ms) {}

  AckTracker::File& acks() { return acks_; }
  std::int64_t now_ms() const { return now_ms_; }
  // Where the lines go from now on; null until it is said.
  Destination* destination() const { return destination_; }
  void set_destination(Destination& destination) { destination_ = &destination; }
  // The next line's events, which begins at `line_from`.
  void next_line(std::uint64_t line_from) { line_from_ = line_from; }

  bool send(std::int64_t timestamp_ms, std::string_view message) override {
    // Only a stop can leave us without room here; the event is then lost to
    // this run only: its line is not acknowledged and is read again.
    if (!p_.open_.make_room(*destination_, message.size(), timestamp_ms, now_ms_, p_.p_.shutdown.requested_flag())) {
      return false;
    }
    acks_.sent(destination_->ticket, line_from_);
    p_.open_.add(*destination_, timestamp_ms, message);
    return true;
  }

  void set_aside(std::string_view reason, std::int64_t timestamp_ms, std::string_view message) override {
    p_.p_.dead_letter.write(reason, destination_->group, destination_->stream,
                            cloudwatch::event_json(timestamp_ms, message));
  }

 private:
  Pipeline& p_;
  AckTracker::File& acks_;
  std::int64_t now_ms_;
  Destination* destination_ = nullptr;
  std::uint64_t line_from_ = 0;
};

Pipeline::Pipeline(PipelineOptions options, PipelineParts parts)
    : options_(std::move(options)),
      p_(parts),
      open_(p_.senders, acks_, p_.senders.limits(), options_.batch_budget_bytes) {}

void Pipeline::run() {
  next_rescan_ = Clock::now();  // the first round scans at once
  last_rescan_ = next_rescan_;
  next_check_ = Clock::time_point::max();
  next_summary_ = Clock::now() + options_.summary_interval;
  for (;;) {
    p_.senders.check_fatal();
    apply_acknowledgements();
    p_.counters.backlog_bytes.store(static_cast<std::int64_t>(p_.files.backlog_bytes()), std::memory_order_relaxed);
    if (p_.shutdown.requested()) break;
    look_for_changes();
    const bool paused = reading_paused();
    const bool progressed = !paused && read_round();
    flush_quiet_events(/*all=*/!progressed && options_.once);
    if (!progressed && options_.once) open_.hand_over_all();
    open_.sweep(Clock::now(), options_.linger);
    if (progressed) continue;  // more may have arrived meanwhile: no sleep yet
    p_.files.release_finished();
    forget_gone_files();
    // Paused, --once ends (and exits 1): the next run reads on from the
    // last positions written.
    if (options_.once && !open_.any_open() && acks_.idle()) break;
    log_summary_if_due();
    wait(next_timeout(), /*wake_on_stop=*/true);
  }
  drain();
}

void Pipeline::look_for_changes() {
  const auto now = Clock::now();
  if (now >= next_check_) {
    next_check_ = now + options_.safety_check_interval;
    if (p_.files.safety_check()) {
      p_.log.debug("the folders changed without a watch event: rescanning");
      next_rescan_ = now;
    }
  }
  if (now < next_rescan_) return;
  const bool listed = p_.files.rescan();
  last_rescan_ = Clock::now();
  // With every folder watched, the watcher says when to scan again. Polling,
  // a log folder yet to appear (nothing watches it), and turns for files
  // waiting for a descriptor scan every interval.
  const bool watched = listed && p_.watcher.complete() && !p_.files.waiting_for_descriptors();
  next_rescan_ = watched ? Clock::time_point::max() : last_rescan_ + options_.poll_interval;
  next_check_ = watched ? last_rescan_ + options_.safety_check_interval : Clock::time_point::max();
}

bool Pipeline::read_round() {
  if (!p_.files.wants_reading()) return false;
  const bool progressed = read_due_files();
  p_.files.read();
  return progressed;
}

bool Pipeline::read_due_files() {
  bool progressed = false;
  today_ = cloudwatch::local_date(std::chrono::system_clock::now());
  const auto& files = p_.files.files();
  for (std::size_t i = 0; i < files.size(); ++i) {  // by index: handle_replaced may add a file
    if (p_.shutdown.requested()) break;  // stop reading; what was read is still sent
    source::TailedFile& file = *files[i];
    if (!file.due && !file.detached) continue;  // quiet: not even a system call
    if (file.was_replaced_in_place()) p_.files.handle_replaced(file);
    // A rotated file gets no more writes once its writer reopened the new one:
    // after a while its unfinished last line is shipped as it is.
    const bool flush_partial = file.detached && Clock::now() - file.detached_at >= kDetachedQuiet;
    const std::uint64_t turn_end = file.read_offset() + kTurnBytes;
    const std::int64_t now_ms = epoch_ms();
    FileState& state = state_of(file);
    FileSink sink(*this, acks_.file(file.id()), now_ms);
    while (file.read_offset() < turn_end) {
      if (checkpoint_errno_ != 0 && reading_paused()) return progressed;
      const std::uint64_t line_from = file.read_offset();
      const auto line = file.next_line(flush_partial);
      if (!line) break;
      progressed = true;
      // Stopping while waiting for room: this line is not acknowledged and
      // is read again after the restart.
      if (!take_line(state, sink, line->text, line->part, line->last_part,
                     {state.identity, line->line_start, line_from, line->end_offset})) {
        return progressed;
      }
      add_as_sole_writer(p_.counters.bytes_read, line->end_offset - line_from);
    }
    // Its turn is over with more to read: the next file's turn needs a buffer,
    // and one at a time is enough.
    if (files.size() > 1 && file.read_offset() >= turn_end) file.release_buffer();
  }
  return progressed;
}

Pipeline::FileState& Pipeline::state_of(const source::TailedFile& file) {
  auto [it, found_now] = states_.try_emplace(file.id());
  FileState& state = it->second;
  if (found_now) {
    std::string_view relative = file.path();
    if (relative.starts_with(options_.log_path) && relative.size() > options_.log_path.size() &&
        relative[options_.log_path.size()] == '/') {
      relative.remove_prefix(options_.log_path.size() + 1);
    }
    state.names = file_names(relative);
    state.source = &p_.sources.of(relative);
    state.identity = file.inode();
  }
  return state;
}

bool Pipeline::take_line(FileState& state, FileSink& sink, std::string_view text, std::uint32_t part, bool last_part,
                         const LineAt& at) {
  const Source& source = *state.source;
  if (source.multiline && part == 0) {
    const auto kind = source.multiline->classify(text);
    if (kind == transform::Multiline::Kind::kContinuation && state.joining &&
        state.joined.size() + 1 + text.size() <= kMostJoinedBytes) {
      state.joined += '\n';
      state.joined.append(text);
      state.joined_end = at.end;
      state.joined_at = Clock::now();
      return true;
    }
    if (state.joining && !flush_joined(state, sink)) return false;
    if (kind != transform::Multiline::Kind::kJson) {
      state.joined.assign(text);
      state.joined_from = at.from;
      state.joined_end = at.end;
      state.joined_at = Clock::now();
      state.joining = true;
      ++joining_;
      return true;
    }
  } else if (state.joining && !flush_joined(state, sink)) {
    return false;
  }
  return ship(state, sink, text, part, last_part, at);
}

bool Pipeline::flush_joined(FileState& state, FileSink& sink) {
  state.joining = false;
  --joining_;
  const bool shipped =
      ship(state, sink, state.joined, 0, true, {state.identity, state.joined_from, state.joined_from, state.joined_end});
  state.joined.clear();
  // A long traceback's buffer is not kept for every file.
  if (state.joined.capacity() > kKeptJoinedBytes) std::string().swap(state.joined);
  return shipped;
}

bool Pipeline::ship(FileState& state, FileSink& sink, std::string_view text, std::uint32_t part, bool last_part,
                    const LineAt& at) {
  Source& source = *state.source;
  // The pieces of a long line follow its first one.
  if (part <= 1) {
    state.filtered_out = false;
    if (!source.filter.empty()) {
      if (const transform::Verdict verdict = source.filter.decide(text); verdict != transform::Verdict::kShip) {
        add_as_sole_writer(verdict == transform::Verdict::kDropped   ? source.counters.dropped
                           : verdict == transform::Verdict::kNotKept ? source.counters.not_kept
                                                                     : source.counters.sampled_out);
        add_as_sole_writer(p_.counters.lines_filtered);
        add_as_sole_writer(p_.counters.lines_read);
        state.filtered_out = part == 1;
        sink.acks().line_done(at.end);
        return true;
      }
    }
  } else if (state.filtered_out) {
    sink.acks().line_done(at.end);
    return true;
  }
  if (!source.redactor.empty() && source.redactor.redact(text, redacted_)) {
    text = redacted_;
    if (part <= 1) add_as_sole_writer(source.counters.redacted);
  }
  // The pieces of a long line go where its first one went.
  if (sink.destination() == nullptr || (source.fields && part <= 1)) sink.set_destination(destination_of(state, text));
  sink.next_line(at.from);
  const transform::ReadLine read{text, part, last_part, at.identity, at.line_start};
  if (!source.events.make(read, sink.now_ms(), sink)) return false;
  sink.acks().line_done(at.end);
  return true;
}

void Pipeline::flush_quiet_events(bool all) {
  if (joining_ == 0) return;
  const auto now = Clock::now();
  const std::int64_t now_ms = epoch_ms();
  for (auto& [id, state] : states_) {
    if (!state.joining || (!all && now - state.joined_at < options_.multiline_flush)) continue;
    FileSink sink(*this, acks_.file(id), now_ms);
    if (!flush_joined(state, sink)) return;  // stopping
  }
}

Destination& Pipeline::destination_of(FileState& state, std::string_view line) {
  const Source& source = *state.source;
  const Route& route = source.route;
  cloudwatch::NameContext context = state.names.context(today_);
  if (source.fields) {
    context.fields = source.fields->read(line);
    route.group.render(context, group_scratch_);
    route.stream.render(context, stream_scratch_);
    return open_.find(group_scratch_, stream_scratch_, route.group_options);
  }
  if (state.date != today_) {
    state.date = today_;
    route.group.render(context, state.group);
    route.stream.render(context, state.stream);
  }
  return open_.find(state.group, state.stream, route.group_options);
}

void Pipeline::forget_gone_files() {
  if (states_.size() <= p_.files.files().size()) return;
  std::unordered_map<std::uint64_t, FileState> kept;
  for (const auto& file : p_.files.files()) {
    if (auto it = states_.find(file->id()); it != states_.end()) kept.insert(std::move(*it));
  }
  // A file given up (ROTATED_MAX_AGE_S) takes what it was joining with it.
  for (const auto& [id, state] : states_) {
    if (state.joining && !kept.contains(id)) --joining_;
  }
  states_.swap(kept);
}

void Pipeline::apply_acknowledgements() {
  for (const auto& completion : p_.senders.take_completions()) {
    acks_.complete(completion.sequence, completion.delivered);
  }
  const auto positions = acks_.take_acknowledged();
  p_.counters.oldest_unacked_ms.store(acks_.oldest_read_time_ms(), std::memory_order_relaxed);
  for (const auto& position : positions) {
    unsaved_bytes_ += p_.files.acknowledge(position.file_id, position.end_offset);
  }
  if (!positions.empty()) p_.checkpoints.save(p_.files.checkpoints());
  // The last save of a burst reaches the disk one sync interval later (and
  // a failed one is retried then).
  if (const auto due = p_.checkpoints.sync_due(); due && Clock::now() >= *due) p_.checkpoints.sync();
  note_checkpoint_state();
}

void Pipeline::note_checkpoint_state() {
  const int error = p_.checkpoints.failure_errno();
  if (error == 0) unsaved_bytes_ = 0;
  p_.counters.checkpoint_unsaved_bytes.store(static_cast<std::int64_t>(unsaved_bytes_), std::memory_order_relaxed);
  // Once per change of reason: each retry fails the same way.
  if (error == checkpoint_errno_) return;
  // The health thread reads the reason once it sees the time (acquire):
  // the reason is stored before a time, and cleared after it.
  if (error == 0) {
    p_.log.info("checkpoints are written again");
    p_.counters.checkpoint_failing_since_ms.store(0, std::memory_order_release);
    p_.counters.checkpoint_error.store(0, std::memory_order_relaxed);
  } else {
    p_.log.error("cannot write checkpoints (" + p_.checkpoints.failure() +
                 "): keeping the positions in memory and retrying; a crash now would send again what was "
                 "acknowledged since the last write");
    p_.counters.checkpoint_error.store(error, std::memory_order_relaxed);
    if (checkpoint_errno_ == 0) {
      p_.counters.checkpoint_failing_since_ms.store(epoch_ms(), std::memory_order_release);
      at_risk_base_ = unsaved_bytes_;
      read_when_failing_ = p_.counters.bytes_read.load(std::memory_order_relaxed);
    }
  }
  checkpoint_errno_ = error;
}

std::uint64_t Pipeline::at_risk_bytes() const {
  // What a crash now would send again: acknowledged since the last write
  // when the writes began to fail, and everything read since (it will be
  // acknowledged, or be in flight).
  return at_risk_base_ + (p_.counters.bytes_read.load(std::memory_order_relaxed) - read_when_failing_);
}

bool Pipeline::reading_paused() {
  const bool paused = checkpoint_errno_ != 0 && at_risk_bytes() >= options_.max_unsaved_bytes;
  if (paused != reported_pause_) {
    reported_pause_ = paused;
    if (paused) {
      p_.log.warn("reading paused: " + std::to_string(at_risk_bytes()) +
                  " bytes read or acknowledged since the last checkpoint write (CHECKPOINT_UNSAVED_MAX_MB)");
    } else {
      p_.log.info("reading resumed: checkpoints are written again");
    }
  }
  return paused;
}

void Pipeline::drain() {
  if (!p_.shutdown.aborted()) flush_quiet_events(/*all=*/true);
  open_.hand_over_all();
  const auto deadline = (p_.shutdown.requested() ? p_.shutdown.requested_at() : Clock::now()) + options_.grace;
  if (p_.shutdown.requested() && !acks_.idle()) {
    p_.log.info("stopping: sending what was read (up to " + std::to_string(options_.grace.count()) + " ms)");
  }
  while (!acks_.idle()) {
    p_.senders.check_fatal();
    if (p_.shutdown.aborted() && p_.senders.in_flight() == 0) break;  // the rest waits on disk
    const auto now = Clock::now();
    if (p_.shutdown.requested() && now >= deadline && !p_.shutdown.aborted()) {
      p_.log.warn("grace period over: " + std::to_string(acks_.pending()) +
                  " batches not acknowledged stay on disk for the next start");
      p_.shutdown.abort();
    }
    wait(p_.shutdown.requested() ? std::max(std::chrono::milliseconds(1),
                                            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now))
                                 : options_.poll_interval,
         /*wake_on_stop=*/false);
    apply_acknowledgements();
  }
  apply_acknowledgements();
  p_.checkpoints.save(p_.files.checkpoints());
  p_.checkpoints.sync();
  if (!p_.checkpoints.failure().empty()) {
    p_.log.error("stopping with checkpoints not written (" + p_.checkpoints.failure() + "): the next start sends again " +
                 std::to_string(unsaved_bytes_) + " bytes acknowledged since the last write");
  }
}

std::chrono::milliseconds Pipeline::next_timeout() const {
  auto until = std::min(next_rescan_, next_check_);
  if (p_.files.wants_timed_look()) until = std::min(until, Clock::now() + options_.poll_interval);
  if (const auto oldest = open_.oldest_opened()) until = std::min(until, *oldest + options_.linger);
  if (const auto due = p_.checkpoints.sync_due()) until = std::min(until, *due);
  if (joining_ > 0) {
    for (const auto& [id, state] : states_) {
      if (state.joining) until = std::min(until, state.joined_at + options_.multiline_flush);
    }
  }
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now());
  return std::max(left, std::chrono::milliseconds(1));
}

void Pipeline::wait(std::chrono::milliseconds timeout, bool wake_on_stop) {
  // The stop descriptor stays readable once a stop was requested, so it is
  // left out while draining; requested() is what the callers check.
  pollfd fds[3] = {{p_.completed.fd(), POLLIN, 0}, {p_.watcher.fd(), POLLIN, 0}, {p_.shutdown.wake_fd(), POLLIN, 0}};
  const nfds_t count = wake_on_stop ? 3 : 2;
  const int n = ::poll(fds, count, static_cast<int>(std::min<std::int64_t>(timeout.count(), 1 << 30)));
  if (n <= 0) return;
  if ((fds[0].revents & POLLIN) != 0) p_.completed.drain();
  if ((fds[1].revents & POLLIN) != 0) {
    const auto changes = p_.watcher.consume();
    if (changes.structure) {
      next_rescan_ = Clock::now();
    } else if (p_.files.mark_changed(changes.modified)) {
      // A closed file has lines to read: it gets a descriptor at a scan,
      // at most one poll interval after the last.
      next_rescan_ = std::min(next_rescan_, last_rescan_ + options_.poll_interval);
    }
  }
}

void Pipeline::log_summary_if_due() {
  if (Clock::now() < next_summary_) return;
  next_summary_ = Clock::now() + options_.summary_interval;
  p_.log.info("summary: " + p_.counters.summary());
}

}  // namespace cw::app
