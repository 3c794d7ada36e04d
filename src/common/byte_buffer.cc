#include "common/byte_buffer.h"

#include <algorithm>

namespace cw {

void ByteBuffer::reserve(std::size_t capacity) {
  if (capacity <= capacity_) return;
  // Not value-initialised: pages of the new room stay untouched until written.
  auto bigger = std::make_unique_for_overwrite<char[]>(capacity);
  if (size_ != 0) std::memcpy(bigger.get(), data_.get(), size_);
  data_ = std::move(bigger);
  capacity_ = capacity;
}

void ByteBuffer::grow(std::size_t needed) { reserve(std::max(needed, 2 * capacity_)); }

}  // namespace cw
