#pragma once
// ByteBuffer: bytes that grow at the end, written in place. std::string would
// zero-fill room before it is written; here reserved room is left untouched,
// so a generous reservation costs address space, not resident memory, and
// writing into it costs one pass.

#include <cstddef>
#include <cstring>
#include <memory>
#include <string_view>

namespace cw {

class ByteBuffer {
 public:
  std::string_view view() const { return {data_.get(), size_}; }
  std::size_t size() const { return size_; }
  std::size_t capacity() const { return capacity_; }
  bool empty() const { return size_ == 0; }

  // Keeps the contents; never shrinks.
  void reserve(std::size_t capacity);

  // At least `extra` writable bytes after the contents (moved if the buffer
  // grows); then commit() says how far they were written.
  char* room(std::size_t extra) {
    if (capacity_ - size_ < extra) grow(size_ + extra);
    return data_.get() + size_;
  }
  void commit(const char* end) { size_ = static_cast<std::size_t>(end - data_.get()); }

  void append(std::string_view bytes) {
    char* w = room(bytes.size());
    if (!bytes.empty()) std::memcpy(w, bytes.data(), bytes.size());
    size_ += bytes.size();
  }
  void push_back(char c) { *room(1) = c; ++size_; }
  void clear() { size_ = 0; }

 private:
  void grow(std::size_t needed);

  std::unique_ptr<char[]> data_;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
};

}  // namespace cw
