// The checkpoint loader takes any bytes in either state file: it loads, or
// refuses with std::runtime_error (an unrecognised file), and never crashes.
// What it loads, saved and loaded again, is the same set: no offset moves.
#include <stdlib.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

#include "source/checkpoint_store.h"

namespace {

// Made once, removed at exit (never destroyed before that: the handler reads it).
const std::string& state_dir() {
  static const std::string* const dir = [] {
    char path[] = "/tmp/cw-fuzz-checkpoints-XXXXXX";
    if (::mkdtemp(path) == nullptr) std::abort();
    std::atexit([] { std::filesystem::remove_all(state_dir()); });
    return new std::string(path);
  }();
  return *dir;
}

void write(const std::string& path, std::string_view text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
}

bool same(const cw::source::Checkpoint& a, const cw::source::Checkpoint& b) {
  return a.device == b.device && a.inode == b.inode && a.fingerprint == b.fingerprint && a.offset == b.offset &&
         a.path == b.path;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // The input is the two files, the first up to a NUL byte.
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t nul = input.find('\0');
  write(state_dir() + "/checkpoints", input.substr(0, nul));
  write(state_dir() + "/checkpoints.synced", nul == std::string_view::npos ? "" : input.substr(nul + 1));
  try {
    cw::source::CheckpointStore store(state_dir());
    const auto loaded = store.all();
    store.save(loaded);
    if (!store.failure().empty()) std::abort();
    const cw::source::CheckpointStore reloaded(state_dir());
    if (reloaded.all().size() != loaded.size()) std::abort();
    for (std::size_t i = 0; i < loaded.size(); ++i) {
      if (!same(reloaded.all()[i], loaded[i])) std::abort();
    }
  } catch (const std::runtime_error&) {
    // An unrecognised file: refused, as the sidecar does at start.
  }
  return 0;
}
