#pragma once
// Pipeline: files -> lines -> events -> batches -> senders -> checkpoints.
//
// This thread reads, transforms and routes; the SenderPool's threads sign and
// send. A file belongs to a Source; with its multiline rule, text lines are
// joined into events first; its filters then drop, keep or sample each event
// and mask what it redacts; and what is left goes to the open batch of its
// destination, the group and stream its Route names for the file (and, with
// {field:...}, for the line).
// A batch is handed over when it is full, when the budget of all open
// batches is reached, or when it has waited `linger` (at once in --once mode
// and when stopping). A file's checkpoint moves only after every batch holding
// its lines before that point was accepted, whichever destinations they went
// to (AckTracker); a line ruled out by a filter moves it as one shipped,
// and the lines of a text event being joined hold it until the event is
// made. Between rounds the thread
// sleeps in poll() until a file changes, a batch completes, a stop is
// requested, or the next check is due. Only files that changed are read.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>

#include "app/ack_tracker.h"
#include "app/open_batches.h"
#include "app/source.h"
#include "app/shutdown.h"
#include "cloudwatch/dead_letter.h"
#include "cloudwatch/sender_pool.h"
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
  std::string log_path;  // what {dir} is relative to
  std::size_t batch_budget_bytes = 4 << 20;  // payload of all open batches (OpenBatches)
  // A text event being joined (multiline) is made once no line was added to
  // it for this long.
  std::chrono::milliseconds multiline_flush{1000};
  // While checkpoints cannot be written, reading stops once this many bytes
  // were acknowledged since the last write that succeeded or read since
  // the writes began to fail: what a crash in that state would send again.
  std::uint64_t max_unsaved_bytes = 16 << 20;
};

struct PipelineParts {
  source::FileSet& files;
  source::FileWatcher& watcher;
  source::CheckpointStore& checkpoints;
  Sources& sources;
  cloudwatch::SenderPool& senders;
  Wake& completed;  // notified by the senders
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
  struct FileState;
  FileState& state_of(const source::TailedFile& file);
  // One line as read, or a piece of one: joined into a text event, or made
  // into events. False when a stop came while waiting for room.
  // Where a line (or a joined event) is: its file's identity, where the line
  // began (the split id of its pieces), where this text begins and ends.
  struct LineAt {
    std::uint64_t identity, line_start, from, end;
  };
  bool take_line(FileState& state, FileSink& sink, std::string_view text, std::uint32_t part, bool last_part,
                 const LineAt& at);
  // The text event being joined in `state`, made now.
  bool flush_joined(FileState& state, FileSink& sink);
  // Filters, redaction, destination, events; the line's end acknowledged once
  // they are.
  bool ship(FileState& state, FileSink& sink, std::string_view text, std::uint32_t part, bool last_part,
            const LineAt& at);
  // Text events no line was added to for multiline_flush (all, with `all`).
  void flush_quiet_events(bool all);
  // Where this file's lines go; with {field:...}, where this one goes.
  Destination& destination_of(FileState& state, std::string_view line);
  void forget_gone_files();
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
  OpenBatches open_;
  // A file's source and names, from the path it was found at (a rotated
  // file keeps them), its destination's as last rendered, and what is being
  // joined.
  struct FileState {
    Source* source = nullptr;
    FileNames names;
    std::uint64_t identity = 0;  // its inode, in the split ids of its long lines
    std::string date;  // that group and stream were rendered for
    std::string group, stream;
    bool filtered_out = false;  // the first piece of the line being read was ruled out
    // A text event being joined: its text, where its first line began and
    // its last ended, and when a line was last added.
    std::string joined;
    std::uint64_t joined_from = 0, joined_end = 0;
    std::chrono::steady_clock::time_point joined_at;
    bool joining = false;
  };
  std::unordered_map<std::uint64_t, FileState> states_;  // by file id
  std::size_t joining_ = 0;  // states with a text event being joined
  std::string redacted_;     // the line as shipped, when a redaction changed it
  std::string today_;  // YYYYMMDD, local, as of this read round
  std::string group_scratch_, stream_scratch_;  // names rendered per line
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
