#pragma once
// Pipeline: files -> lines -> events -> batches -> senders -> checkpoints.
//
// This thread reads and transforms; the SenderPool's threads sign and send.
// A batch is handed over when it is full, when the next line belongs to
// another stream, or when it has waited `linger` (at once in --once mode and
// when stopping). A file's checkpoint moves only after every batch holding
// lines before that point was accepted (AckTracker). Between rounds the thread
// sleeps in poll() until a file changes, a batch completes, a stop is
// requested, or the next check is due. Only files that changed are read.

#include <chrono>
#include <cstdint>
#include <string>

#include "app/ack_tracker.h"
#include "app/shutdown.h"
#include "cloudwatch/dead_letter.h"
#include "cloudwatch/sender_pool.h"
#include "cloudwatch/stream_namer.h"
#include "common/counters.h"
#include "common/logger.h"
#include "common/wake.h"
#include "source/checkpoint_store.h"
#include "source/file_set.h"
#include "source/file_watcher.h"
#include "transform/event_maker.h"

namespace cw::app {

struct PipelineOptions {
  bool once = false;
  std::chrono::milliseconds poll_interval{500};
  // With every folder watched by inotify: how often FileSet::safety_check()
  // looks at the folders (their times; their names when needed), in case an
  // event was missed. Inactive files are closed there too.
  std::chrono::milliseconds safety_check_interval{std::chrono::seconds(60)};
  std::chrono::milliseconds linger{200};
  std::chrono::milliseconds grace{5000};  // after a stop request, for sending what was read
  std::chrono::milliseconds summary_interval{std::chrono::minutes(5)};
  std::string log_group;
  // While checkpoints cannot be written, reading stops once this many bytes
  // were acknowledged since the last write that succeeded or read since
  // the writes began to fail: what a crash in that state would send again.
  std::uint64_t max_unsaved_bytes = 16 << 20;
};

struct PipelineParts {
  source::FileSet& files;
  source::FileWatcher& watcher;
  source::CheckpointStore& checkpoints;
  transform::EventMaker& events;
  cloudwatch::SenderPool& senders;
  Wake& completed;  // notified by the senders
  const cloudwatch::StreamNamer& streams;
  cloudwatch::DeadLetter& dead_letter;
  Shutdown& shutdown;
  Counters& counters;
  const Logger& log;
};

class Pipeline {
 public:
  Pipeline(PipelineOptions options, PipelineParts parts);

  // Until --once has shipped everything, or a stop was requested and the
  // grace period used. Throws cloudwatch::FatalDeliveryError when the service
  // refuses us for good.
  void run();

 private:
  void look_for_changes();  // rescans or safety-checks the folders when due
  bool read_round();  // true when some line was read (from files that are due)
  bool read_due_files();
  class FileSink;
  // An open batch for this file's lines; false when a stop came while
  // waiting for a free one.
  bool ensure_batch(const source::TailedFile& file);
  void hand_over();   // submits the open batch
  void apply_acknowledgements();
  // After a save or sync: reports a change between written and failing.
  void note_checkpoint_state();
  // Checkpoints failing, with max_unsaved_bytes read or acknowledged since
  // the last write that succeeded.
  bool reading_paused();
  std::uint64_t at_risk_bytes() const;
  void drain();
  void wait(std::chrono::milliseconds timeout, bool wake_on_stop);
  std::chrono::milliseconds next_timeout() const;
  void log_summary_if_due();

  PipelineOptions options_;
  PipelineParts p_;
  AckTracker acks_;
  cloudwatch::Batch* batch_ = nullptr;  // being filled; owned by the sender pool
  std::chrono::steady_clock::time_point batch_opened_;  // of batch_, once it holds a line
  std::chrono::steady_clock::time_point next_rescan_;   // set by run()
  std::chrono::steady_clock::time_point last_rescan_;   // set by run() before it is read
  std::chrono::steady_clock::time_point next_check_;    // the next safety_check(), with every folder watched
  std::chrono::steady_clock::time_point next_summary_;  // set by run()
  std::uint64_t unsaved_bytes_ = 0;  // acknowledged since the last checkpoint write that succeeded
  int checkpoint_errno_ = 0;         // of the last checkpoint write, as last reported
  std::uint64_t at_risk_base_ = 0;       // unsaved_bytes_ when the writes began to fail
  std::uint64_t read_when_failing_ = 0;  // Counters::bytes_read then
  bool reported_pause_ = false;
};

}  // namespace cw::app
