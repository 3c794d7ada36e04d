#include "source/file_set.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace cw::source {
namespace {

constexpr int kMaxDepth = 16;

bool same_file(const TailedFile& file, std::uint64_t device, std::uint64_t inode) {
  return file.device() == device && file.inode() == inode;
}

}  // namespace

FileSet::FileSet(FileSetOptions options, const CheckpointStore& checkpoints, FileWatcher& watcher,
                 Counters& counters, const Logger& log)
    : options_(std::move(options)),
      globs_(options_.include, options_.exclude),
      store_(checkpoints),
      watcher_(watcher),
      counters_(counters),
      log_(log) {}

void FileSet::list_dir(const std::string& dir, const std::string& relative, int depth, std::vector<Found>& out) const {
  DIR* handle = ::opendir(dir.c_str());
  if (handle == nullptr) return;
  watcher_.watch(dir);
  while (const dirent* entry = ::readdir(handle)) {
    const std::string_view name(entry->d_name);
    if (name.front() == '.') continue;  // hidden files, and the sidecar's own state folder
    const std::string path = dir + "/" + std::string(name);
    const std::string rel = relative.empty() ? std::string(name) : relative + "/" + std::string(name);
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) continue;
    if (S_ISREG(st.st_mode)) {
      out.push_back(Found{path, rel, st.st_dev, st.st_ino, static_cast<std::uint64_t>(st.st_size)});
    } else if (S_ISDIR(st.st_mode) && globs_.recursive() && depth < kMaxDepth) {
      list_dir(path, rel, depth + 1, out);
    }
  }
  ::closedir(handle);
}

std::vector<FileSet::Found> FileSet::list_files() const {
  std::vector<Found> found;
  list_dir(options_.directory, "", 0, found);
  std::sort(found.begin(), found.end(), [](const Found& a, const Found& b) { return a.path < b.path; });
  return found;
}

bool FileSet::rescan() {
  struct stat st {};
  if (::stat(options_.directory.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    if (!reported_missing_) {
      log_.info("waiting for log folder " + options_.directory + " to appear");
      reported_missing_ = true;
    }
    for (auto& file : files_) {
      if (!file->detached) {
        file->detached = true;
        file->detached_at = std::chrono::steady_clock::now();
      }
    }
    return false;
  }
  if (reported_missing_) log_.info("log folder " + options_.directory + " is there");
  reported_missing_ = false;
  const std::vector<Found> all = list_files();
  if (first_scan_) {
    resume_rotated(all);
    first_scan_ = false;
  }

  for (auto& file : files_) {
    if (file->detached) continue;
    const auto here = std::find_if(all.begin(), all.end(), [&](const Found& f) {
      return same_file(*file, f.device, f.inode) && globs_.matches(f.relative);
    });
    if (here != all.end()) {
      // Renamed to another name that is also shipped: the same file, read on.
      if (here->path != file->path()) file->renamed(here->path);
      continue;
    }
    file->detached = true;
    file->detached_at = std::chrono::steady_clock::now();
    log_.info("file " + file->path() + " was rotated or deleted; reading it to its end");
  }
  for (const Found& f : all) {
    if (!globs_.matches(f.relative)) continue;
    const bool known = std::any_of(files_.begin(), files_.end(),
                                   [&](const auto& file) { return same_file(*file, f.device, f.inode); });
    if (known) continue;
    std::uint64_t start = 0;
    if (auto cp = store_.find(f.device, f.inode)) start = cp->offset;  // checked against the fingerprint on open
    open_file(f, start, false);
  }
  counters_.files_tracked.store(static_cast<std::int64_t>(files_.size()), std::memory_order_relaxed);
  return true;
}

void FileSet::open_file(const Found& found, std::uint64_t offset, bool detached, std::uint64_t id,
                        std::optional<std::uint64_t> acked) {
  try {
    auto file = std::make_unique<TailedFile>(id != 0 ? id : next_id_++, found.path, options_.max_line_bytes,
                                             options_.flush_partial_after);
    if (offset > 0) {
      // Same inode but other first bytes: the inode was reused for a new file.
      const auto cp = store_.find(file->device(), file->inode());
      if (cp && !file->starts_with(cp->fingerprint)) offset = 0;
    }
    file->seek(offset);
    if (acked && *acked < file->read_offset()) file->set_acked_offset(*acked);
    file->detached = detached;
    file->detached_at = std::chrono::steady_clock::now();
    log_.info(std::string(detached ? "reading rotated file " : "following ") + found.path +
              (file->read_offset() > 0 ? " from offset " + std::to_string(file->read_offset()) : std::string()));
    files_.push_back(std::move(file));
  } catch (const std::exception& e) {
    log_.warn(e.what());  // vanished between listing and open, or unreadable: the next scan retries
  }
}

void FileSet::resume_rotated(const std::vector<Found>& all) {
  const auto opened = [&](const Found& f) {
    return std::any_of(files_.begin(), files_.end(),
                       [&](const auto& file) { return same_file(*file, f.device, f.inode); });
  };
  const auto starts_with = [&](const Found& f, const Fingerprint& fp) {
    try {
      return TailedFile(0, f.path, options_.max_line_bytes).starts_with(fp);
    } catch (const std::exception&) {
      return false;  // vanished meanwhile
    }
  };
  for (const Checkpoint& cp : store_.all()) {
    bool content_there = false;
    for (const Found& f : all) {
      if (f.device != cp.device || f.inode != cp.inode) continue;
      content_there = f.size >= cp.offset && starts_with(f, cp.fingerprint);
      // Known by inode and first bytes under a name the patterns do not match:
      // rotated while the sidecar was down. Its rest is read. (Another file
      // on a reused inode is not resumed.)
      if (content_there && !globs_.matches(f.relative) && f.size > cp.offset) open_file(f, cp.offset, true);
    }
    if (content_there || cp.offset == 0 || cp.fingerprint.length == 0) continue;
    // Truncated in place while the sidecar was down (copytruncate): the rest
    // of what the checkpoint names is in the copy, a rotated name that starts
    // with the same bytes.
    for (const Found& f : all) {
      if (globs_.matches(f.relative) || f.size <= cp.offset || opened(f) || !starts_with(f, cp.fingerprint)) continue;
      log_.info("file " + cp.path + " was truncated in place while stopped; reading the rest of its copy " + f.path);
      open_file(f, cp.offset, true);
      break;
    }
  }
}

void FileSet::handle_replaced(TailedFile& file) {
  const std::uint64_t read_to = file.read_offset();
  const std::uint64_t acked = file.acked_offset();
  const std::uint64_t old_id = file.id();
  const Fingerprint old_fp = file.fingerprint();
  // Lines read from the old content may still be in flight, and come back
  // acknowledged by file id and offset. The copy holds the same bytes, so it
  // takes over the id (and where acknowledgements stand); the file itself goes
  // on under a new id, so those acknowledgements cannot move its new content.
  file.restart(next_id_++);
  for (const Found& f : list_files()) {
    if (same_file(file, f.device, f.inode) || f.size <= acked) continue;
    const bool tracked = std::any_of(files_.begin(), files_.end(),
                                     [&](const auto& other) { return same_file(*other, f.device, f.inode); });
    if (tracked) continue;
    TailedFile probe(0, f.path, options_.max_line_bytes);
    if (old_fp.length == 0 || !probe.starts_with(old_fp)) continue;
    log_.info("file " + file.path() + " was truncated in place; reading the rest of its copy " + f.path);
    open_file(f, std::min(read_to, f.size), true, old_id, acked);
    break;
  }
  log_.warn("file " + file.path() + " was truncated or rewritten; reading it again from the start");
}

TailedFile* FileSet::find(std::uint64_t id) const {
  for (const auto& file : files_) {
    if (file->id() == id) return file.get();
  }
  return nullptr;
}

void FileSet::release_finished() {
  const auto now = std::chrono::steady_clock::now();
  std::erase_if(files_, [&](const std::unique_ptr<TailedFile>& file) {
    if (!file->detached) return false;
    const std::uint64_t size = file->size_on_disk();
    const bool quiet = now - std::max(file->detached_at, file->last_change()) >= options_.rotated_quiet;
    if (file->acked_offset() >= size && quiet) {
      log_.info("released " + file->path() + ": read to its end");
      return true;
    }
    if (options_.rotated_max_age.count() > 0 && now - file->detached_at >= options_.rotated_max_age &&
        file->read_offset() == file->acked_offset()) {
      const std::uint64_t abandoned = size - file->acked_offset();
      counters_.bytes_abandoned.fetch_add(abandoned, std::memory_order_relaxed);
      log_.warn("released rotated file " + file->path() + " after " +
                std::to_string(options_.rotated_max_age.count()) + " s with " + std::to_string(abandoned) +
                " bytes unread (ROTATED_MAX_AGE_S)");
      return true;
    }
    return false;
  });
}

std::vector<Checkpoint> FileSet::checkpoints() const {
  std::vector<Checkpoint> out;
  out.reserve(files_.size());
  for (const auto& file : files_) {
    out.push_back(Checkpoint{file->device(), file->inode(), file->fingerprint(), file->acked_offset(), file->path()});
  }
  return out;
}

std::uint64_t FileSet::unacknowledged_bytes() const {
  std::uint64_t total = 0;
  for (const auto& file : files_) total += file->unread_bytes();
  return total;
}

}  // namespace cw::source
