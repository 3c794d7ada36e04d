#include "source/file_set.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace cw::source {
namespace {

struct Found {
  std::string path;
  std::uint64_t device;
  std::uint64_t inode;
};

}  // namespace

FileSet::FileSet(FileSetOptions options, const CheckpointStore& checkpoints, const Logger& log)
    : options_(std::move(options)), store_(checkpoints), log_(log) {}

bool FileSet::rescan() {
  DIR* dir = ::opendir(options_.directory.c_str());
  if (dir == nullptr) {
    if (!reported_missing_) {
      log_.info("waiting for log folder " + options_.directory + " (" + std::strerror(errno) + ")");
      reported_missing_ = true;
    }
    for (auto& file : files_) file->detached = true;
    return false;
  }
  reported_missing_ = false;
  const std::string suffix = "." + options_.extension;
  std::vector<Found> found;
  while (const dirent* entry = ::readdir(dir)) {
    const std::string_view name(entry->d_name);
    if (name.size() <= suffix.size() || !name.ends_with(suffix) || name.front() == '.') continue;
    std::string path = options_.directory + "/" + std::string(name);
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
    found.push_back(Found{std::move(path), st.st_dev, st.st_ino});
  }
  ::closedir(dir);
  std::sort(found.begin(), found.end(), [](const Found& a, const Found& b) { return a.path < b.path; });

  for (auto& file : files_) {
    const bool still_there = std::any_of(found.begin(), found.end(), [&](const Found& f) {
      return f.device == file->device() && f.inode == file->inode() && f.path == file->path();
    });
    if (!still_there && !file->detached) {
      file->detached = true;
      log_.info("file " + file->path() + " was moved or deleted; reading it to its end");
    }
  }
  for (const Found& f : found) {
    const bool known = std::any_of(files_.begin(), files_.end(), [&](const auto& file) {
      return !file->detached && file->device() == f.device && file->inode() == f.inode;
    });
    if (known) continue;
    try {
      auto file = std::make_unique<TailedFile>(next_id_++, f.path, options_.max_line_bytes);
      std::uint64_t start = 0;
      if (auto cp = store_.find(file->device(), file->inode())) {
        // Same inode but other first bytes: the inode was reused for a new file.
        start = file->starts_with(cp->fingerprint) ? cp->offset : 0;
      }
      file->seek(start);
      log_.info("following " + f.path + (start > 0 ? " from offset " + std::to_string(start) : std::string()));
      files_.push_back(std::move(file));
    } catch (const std::exception& e) {
      log_.warn(e.what());  // vanished between readdir and open, or unreadable: next scan retries
    }
  }
  return true;
}

TailedFile* FileSet::find(std::uint64_t id) const {
  for (const auto& file : files_) {
    if (file->id() == id) return file.get();
  }
  return nullptr;
}

void FileSet::release_finished() {
  std::erase_if(files_, [&](const std::unique_ptr<TailedFile>& file) {
    if (!file->detached) return false;
    const bool done = file->acked_offset() >= file->size_on_disk();
    if (done) log_.info("released " + file->path());
    return done;
  });
}

std::vector<Checkpoint> FileSet::checkpoints() const {
  std::vector<Checkpoint> out;
  out.reserve(files_.size());
  for (const auto& file : files_) {
    if (file->detached) continue;  // its path now names another file or nothing
    out.push_back(Checkpoint{file->device(), file->inode(), file->fingerprint(), file->acked_offset(), file->path()});
  }
  return out;
}

}  // namespace cw::source
