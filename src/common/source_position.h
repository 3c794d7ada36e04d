#pragma once
// SourcePosition: "every byte of file `file_id` before `end_offset` has been
// read into a batch (or needed no event)". Batches carry these from the files
// to CloudWatch and back, so acknowledgements can move file checkpoints.

#include <cstdint>

namespace cw {

struct SourcePosition {
  std::uint64_t file_id;
  std::uint64_t end_offset;
};

}  // namespace cw
