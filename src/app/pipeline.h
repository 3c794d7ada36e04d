#pragma once
// Pipeline: files -> lines -> events -> batches -> CloudWatch -> checkpoints.
//
// One batch is filled from the files and sent when it is full or when every
// file has been read to its end; a file's checkpoint moves only after the
// batch holding its lines was accepted. Reading stops while a batch is being
// delivered, which bounds memory to one batch and one read buffer per file.

#include <chrono>
#include <cstdint>

#include "app/shutdown.h"
#include "cloudwatch/batch.h"
#include "cloudwatch/delivery.h"
#include "common/logger.h"
#include "source/checkpoint_store.h"
#include "source/file_set.h"
#include "transform/line_transformer.h"

namespace cw::app {

struct ReadStats {
  std::uint64_t lines = 0;
  std::uint64_t json = 0;          // JSON objects with a usable timestamp
  std::uint64_t no_timestamp = 0;  // JSON objects stamped with the read time
  std::uint64_t raw = 0;           // not JSON objects: shipped as they are
  std::uint64_t empty = 0;         // skipped: nothing to send
  std::uint64_t utf8_repaired = 0;
  std::uint64_t truncated = 0;
  std::uint64_t pieces = 0;        // parts of lines longer than the message cap
};

struct PipelineOptions {
  bool once = false;
  std::chrono::milliseconds poll_interval{500};
};

class Pipeline {
 public:
  Pipeline(PipelineOptions options, source::FileSet& files, source::CheckpointStore& checkpoints,
           transform::LineTransformer& transformer, cloudwatch::Delivery& delivery, cloudwatch::Batch& batch,
           Shutdown& shutdown, const Logger& log);

  // Until --once has shipped everything, or a stop was requested. Throws
  // cloudwatch::FatalDeliveryError when the service refuses us for good.
  void run();

  const ReadStats& stats() const { return stats_; }
  std::string summary() const;

 private:
  bool read_available();  // false: a delivery was interrupted by shutdown
  bool flush();           // false: interrupted, the batch stays unacknowledged
  void count(const transform::Event& event, bool piece);

  PipelineOptions options_;
  source::FileSet& files_;
  source::CheckpointStore& checkpoints_;
  transform::LineTransformer& transformer_;
  cloudwatch::Delivery& delivery_;
  cloudwatch::Batch& batch_;
  Shutdown& shutdown_;
  const Logger& log_;
  ReadStats stats_;
};

}  // namespace cw::app
