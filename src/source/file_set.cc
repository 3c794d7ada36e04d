#include "source/file_set.h"

#include <dirent.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>
#include <unordered_set>

namespace cw::source {
namespace {

constexpr int kMaxDepth = 16;

bool same_file(const TailedFile& file, std::uint64_t device, std::uint64_t inode) {
  return file.device() == device && file.inode() == inode;
}

std::int64_t mtime_ns(const struct stat& st) {
  return static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
}

bool out_of_descriptors_error(int error) { return error == EMFILE || error == ENFILE || error == ENOMEM; }

std::string descriptor_limit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return "unknown";
  return std::to_string(limit.rlim_cur);
}

}  // namespace

FileSet::FileSet(FileSetOptions options, const CheckpointStore& checkpoints, FileWatcher& watcher,
                 Counters& counters, const Logger& log, const MonotonicClock& clock)
    : options_(std::move(options)),
      globs_(options_.sources),
      store_(checkpoints),
      watcher_(watcher),
      counters_(counters),
      log_(log),
      clock_(clock) {}

bool FileSet::list_dir(const std::string& dir, const std::string& relative, int depth, std::vector<Found>& out,
                       std::vector<Folder>& folders) {
  DIR* handle = ::opendir(dir.c_str());
  if (handle == nullptr) {
    if (!out_of_descriptors_error(errno)) return true;  // vanished or unreadable: nothing there to follow
    out_of_descriptors("reading folder " + dir + ": " + std::strerror(errno));
    return false;
  }
  watcher_.watch(dir);
  // Its time is read before its names: a change while they are read shows
  // as a changed time at the next safety check.
  struct stat folder_st {};
  if (::fstat(::dirfd(handle), &folder_st) != 0) folder_st = {};
  folders.push_back(Folder{dir, folder_st.st_dev, folder_st.st_ino, mtime_ns(folder_st)});
  bool complete = true;
  while (const dirent* entry = ::readdir(handle)) {
    const std::string_view name(entry->d_name);
    if (name.front() == '.') continue;  // hidden files, and the sidecar's own state folder
    const std::string path = dir + "/" + std::string(name);
    const std::string rel = relative.empty() ? std::string(name) : relative + "/" + std::string(name);
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) continue;
    if (S_ISREG(st.st_mode)) {
      out.push_back(Found{path, globs_.matches(rel), st.st_dev, st.st_ino, static_cast<std::uint64_t>(st.st_size)});
    } else if (S_ISDIR(st.st_mode) && globs_.recursive() && depth < kMaxDepth) {
      complete = list_dir(path, rel, depth + 1, out, folders) && complete;
    }
  }
  ::closedir(handle);
  return complete;
}

bool FileSet::list_files(std::vector<Found>& out) {
  std::vector<Folder> folders;
  stamped_at_ = clock_.now();
  const bool complete = list_dir(options_.directory, "", 0, out, folders);
  std::vector<std::string> dirs;
  dirs.reserve(folders.size());
  for (const Folder& folder : folders) dirs.push_back(folder.path);
  if (complete) watcher_.retain(dirs);
  counters_.folders_polled.store(std::count_if(dirs.begin(), dirs.end(),
                                               [&](const std::string& dir) { return !watcher_.watching(dir); }),
                                 std::memory_order_relaxed);
  folders_ = std::move(folders);
  names_checked_ = false;
  std::sort(out.begin(), out.end(), [](const Found& a, const Found& b) { return a.path < b.path; });
  return complete;
}

bool FileSet::rescan() {
  summary_stale_ = true;
  struct stat st {};
  if (::stat(options_.directory.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    if (!reported_missing_) {
      log_.info("waiting for log folder " + options_.directory + " to appear");
      reported_missing_ = true;
    }
    for (auto& file : files_) {
      if (!file->detached) {
        file->detached = true;
        file->detached_at = clock_.now();
      }
    }
    return false;
  }
  if (reported_missing_) log_.info("log folder " + options_.directory + " is there");
  reported_missing_ = false;
  std::vector<Found> all;
  const bool complete = list_files(all);
  if (first_scan_ && complete) {
    resume_rotated(all);
    first_scan_ = false;
  }
  ByIdentity listed;
  listed.reserve(all.size());
  for (const Found& f : all) {
    const auto [at, added] = listed.try_emplace(Identity{f.device, f.inode}, &f);
    if (!added && f.shipped && !at->second->shipped) at->second = &f;
  }
  detach_missing(listed, complete);
  follow_closed(listed, complete);
  std::unordered_set<Identity, IdentityHash> tracked;
  tracked.reserve(files_.size() + closed_.size());
  for (const auto& file : files_) tracked.insert(Identity{file->device(), file->inode()});
  for (const Closed& c : closed_) tracked.insert(Identity{c.at.device, c.at.inode});
  for (const Found& f : all) {
    if (!f.shipped) {
      // Rotated copies of followed files are tracked: only strangers are told of.
      if (options_.report_unmatched && !tracked.contains(Identity{f.device, f.inode})) report_unmatched(f.path);
      continue;
    }
    if (!tracked.insert(Identity{f.device, f.inode}).second) continue;
    // The checkpoint's offset is checked against its fingerprint on open.
    const auto cp = store_.find(f.device, f.inode);
    track(f, cp ? *cp : Checkpoint{f.device, f.inode, {}, 0, f.path}, false);
  }
  close_inactive();
  take_turns(all);
  index_paths();
  summary_stale_ = true;
  counters_.files_tracked.store(static_cast<std::int64_t>(files_.size() + closed_.size()),
                                std::memory_order_relaxed);
  return true;
}

void FileSet::report_unmatched(const std::string& path) {
  // Bounded: a folder of archives must not grow this without end.
  constexpr std::size_t kMostReported = 1000;
  if (unmatched_reported_.size() >= kMostReported || !unmatched_reported_.insert(path).second) return;
  log_.info("file " + path + " matches no source: not read" +
            (unmatched_reported_.size() == kMostReported ? " (no more such files are reported)" : ""));
}

void FileSet::detach_missing(const ByIdentity& listed, bool complete) {
  for (auto& file : files_) {
    if (file->detached) continue;
    const auto here = listed.find(Identity{file->device(), file->inode()});
    if (here != listed.end() && here->second->shipped) {
      // Renamed to another name that is also shipped: the same file, read on.
      if (here->second->path != file->path()) file->renamed(here->second->path);
      if (here->second->size != file->known_size()) {
        file->saw_size(here->second->size);
        file->due = true;
      }
      continue;
    }
    if (!complete) continue;  // not listed for lack of descriptors: says nothing about the file
    file->detached = true;
    file->detached_at = clock_.now();
    log_.info("file " + file->path() + " was rotated or deleted; reading it to its end");
  }
}

void FileSet::follow_closed(const ByIdentity& listed, bool complete) {
  std::erase_if(closed_, [&](Closed& c) {
    const auto found = listed.find(Identity{c.at.device, c.at.inode});
    if (found != listed.end()) {
      const Found* here = found->second;
      c.size = here->size;
      c.at.path = here->path;
      if (!c.rotated && !here->shipped) {
        // Rotated while closed: the writer may still add to it until it
        // reopens its path, so it is read to its end like any rotated file.
        c.rotated = true;
        log_.info("file " + c.at.path + " was rotated while closed; reading it to its end");
      }
      return false;
    }
    if (!complete) return false;
    if (c.size > c.at.offset) {
      const std::uint64_t abandoned = c.size - c.at.offset;
      counters_.bytes_abandoned.fetch_add(abandoned, std::memory_order_relaxed);
      log_.warn("file " + c.at.path + " was deleted before it got a descriptor, with " + std::to_string(abandoned) +
                " bytes unread (raise MAX_OPEN_FILES)");
    }
    return true;
  });
}

void FileSet::track(const Found& found, const Checkpoint& at, bool detached) {
  if (has_descriptor_to_spare()) {
    const Opened opened = open_file(found, at.offset, &at.fingerprint, detached);
    if (opened == Opened::kYes) {
      const std::uint64_t from = files_.back()->read_offset();
      log_.info(std::string(detached ? "reading rotated file " : "following ") + found.path +
                (from > 0 ? " from offset " + std::to_string(from) : std::string()));
    }
    if (opened != Opened::kNoDescriptor) return;  // kFailed: vanished or unreadable, the next scan retries
  } else if (!warned_budget_) {
    warned_budget_ = true;
    log_.warn("more log files than MAX_OPEN_FILES=" + std::to_string(options_.max_open_files) +
              ": the others are opened in turns, when they have lines to read");
  }
  closed_.push_back(Closed{at, found.size, detached});
  closed_.back().at.path = found.path;
  log_.debug("tracking " + found.path + " until a descriptor is free");
}

FileSet::Opened FileSet::open_file(const Found& found, std::uint64_t offset, const Fingerprint* expect,
                                   bool detached, std::uint64_t id, std::optional<std::uint64_t> acked) {
  try {
    auto file = std::make_unique<TailedFile>(id != 0 ? id : next_id_++, found.path, options_.max_line_bytes,
                                             options_.flush_partial_after, clock_);
    if (offset > 0 && expect != nullptr && !file->starts_with(*expect)) offset = 0;
    file->seek(offset);
    if (acked && *acked < file->read_offset()) file->set_acked_offset(*acked);
    file->detached = detached;
    file->detached_at = clock_.now();
    files_.push_back(std::move(file));
    summary_stale_ = true;
    return Opened::kYes;
  } catch (const OpenError& e) {
    if (out_of_descriptors_error(e.error())) {
      out_of_descriptors(e.what());
      return Opened::kNoDescriptor;
    }
    log_.warn(e.what());  // vanished between listing and open, or unreadable: the next scan retries
  } catch (const std::exception& e) {
    log_.warn(e.what());
  }
  return Opened::kFailed;
}

void FileSet::out_of_descriptors(const std::string& what) {
  waiting_with_data_ = true;
  if (warned_out_of_descriptors_) return;
  warned_out_of_descriptors_ = true;
  log_.warn("out of file descriptors (" + what + "; the limit is " + descriptor_limit() +
            " open files): retrying; lower MAX_OPEN_FILES or raise the limit (ulimit -n)");
}

bool FileSet::known(std::uint64_t device, std::uint64_t inode) const {
  return std::any_of(files_.begin(), files_.end(), [&](const auto& file) { return same_file(*file, device, inode); }) ||
         std::any_of(closed_.begin(), closed_.end(),
                     [&](const Closed& c) { return c.at.device == device && c.at.inode == inode; });
}

bool FileSet::caught_up(TailedFile& file) const {
  // Nothing read ahead of the acknowledgements (so nothing in flight refers
  // to it by id), and nothing on disk past what was read.
  return !file.detached && file.acked_offset() == file.read_offset() && file.size_on_disk() == file.read_offset();
}

void FileSet::close(std::size_t index) {
  TailedFile& file = *files_[index];
  closed_.push_back(Closed{
      Checkpoint{file.device(), file.inode(), file.fingerprint(), file.acked_offset(), file.path()},
      file.read_offset(), false});
  files_.erase(files_.begin() + static_cast<std::ptrdiff_t>(index));
  summary_stale_ = true;
}

std::size_t FileSet::close_inactive() {
  if (options_.close_inactive.count() <= 0) return 0;
  const auto now = clock_.now();
  const auto quiet_since = summary().quiet_since;
  if (quiet_since == MonotonicClock::time_point::max() || now - quiet_since < options_.close_inactive) return 0;
  std::size_t closed = 0;
  for (std::size_t i = files_.size(); i-- > 0;) {
    TailedFile& file = *files_[i];
    if (now - file.last_change() >= options_.close_inactive && caught_up(file)) {
      log_.debug("closed " + file.path() + ": inactive for " + std::to_string(options_.close_inactive.count()) +
                 " s (CLOSE_INACTIVE_S)");
      close(i);
      ++closed;
    }
  }
  return closed;
}

std::size_t FileSet::descriptors_to_spare() const {
  if (options_.max_open_files == 0) return std::numeric_limits<std::size_t>::max();
  return files_.size() < options_.max_open_files ? options_.max_open_files - files_.size() : 0;
}

void FileSet::close_caught_up(std::size_t count) {
  std::vector<std::pair<MonotonicClock::time_point, std::uint64_t>> quiet;  // last change, id
  for (const auto& file : files_) {
    if (caught_up(*file)) quiet.emplace_back(file->last_change(), file->id());
  }
  count = std::min(count, quiet.size());
  if (count == 0) return;
  std::partial_sort(quiet.begin(), quiet.begin() + static_cast<std::ptrdiff_t>(count), quiet.end());
  std::unordered_set<std::uint64_t> ids;
  for (std::size_t k = 0; k < count; ++k) ids.insert(quiet[k].second);
  for (std::size_t i = files_.size(); i-- > 0;) {
    if (ids.count(files_[i]->id()) > 0) close(i);
  }
}

void FileSet::take_turns(const std::vector<Found>& all) {
  waiting_with_data_ = false;
  // Grown, shorter than where it stood (truncated in place while closed), or
  // rotated: it has lines to read. Taken in the order they were closed.
  std::vector<Closed> wanting;
  std::erase_if(closed_, [&](const Closed& c) {
    if (!c.rotated && c.size == c.at.offset) return false;
    wanting.push_back(c);
    return true;
  });
  if (wanting.empty()) return;
  if (descriptors_to_spare() < wanting.size()) close_caught_up(wanting.size() - descriptors_to_spare());
  std::size_t next = 0;
  for (; next < wanting.size() && has_descriptor_to_spare(); ++next) {
    const Closed& c = wanting[next];
    const Opened opened = open_file(Found{c.at.path, !c.rotated, c.at.device, c.at.inode, c.size}, c.at.offset,
                                    &c.at.fingerprint, c.rotated);
    if (opened == Opened::kNoDescriptor) break;
    if (opened == Opened::kFailed) {
      closed_.push_back(c);  // unreadable for now; dropped at the next scan if it is gone
      continue;
    }
    if (!same_file(*files_.back(), c.at.device, c.at.inode)) {
      // Another file took the path since the scan: this one is found by its
      // inode at the next scan, or was deleted.
      files_.pop_back();
      closed_.push_back(c);
      continue;
    }
    log_.debug("reopened " + c.at.path + " at offset " + std::to_string(files_.back()->read_offset()));
    if (c.at.offset > 0 && files_.back()->read_offset() == 0) {
      // Truncated or rewritten while closed: the rest may be in a copy.
      if (const Found* copy = read_copy(c.at, all)) {
        log_.info("file " + c.at.path + " was truncated in place while closed; reading the rest of its copy " +
                  copy->path);
      }
    }
  }
  if (next < wanting.size()) waiting_with_data_ = true;
  closed_.insert(closed_.end(), wanting.begin() + static_cast<std::ptrdiff_t>(next), wanting.end());
}

void FileSet::index_paths() {
  by_path_.clear();
  by_path_.reserve(files_.size() + closed_.size());
  for (const auto& file : files_) {
    if (!file->detached) by_path_.insert_or_assign(file->path(), AtPath{file.get(), file->inode()});
  }
  for (const Closed& c : closed_) {
    if (!c.rotated) by_path_.insert_or_assign(c.at.path, AtPath{nullptr, c.at.inode});
  }
}

bool FileSet::mark_changed(const std::vector<std::string>& paths) {
  bool closed_changed = false;
  for (const std::string& path : paths) {
    const auto at = by_path_.find(path);
    if (at == by_path_.end()) continue;
    if (at->second.open != nullptr) {
      at->second.open->due = true;
      summary_stale_ = true;
    } else {
      closed_changed = true;
    }
  }
  return closed_changed;
}

const FileSet::Summary& FileSet::summary() const {
  if (!summary_stale_) return summary_;
  Summary s;
  for (const auto& entry : files_) {
    const TailedFile& file = *entry;
    s.reading = s.reading || file.due || file.detached;
    s.detached = s.detached || file.detached;
    s.timed = s.timed || file.detached || (file.has_partial() && options_.flush_partial_after.count() > 0);
    if (file.known_size() > file.acked_offset()) s.backlog += file.known_size() - file.acked_offset();
    // caught_up() without its stat: close_inactive() checks that one.
    if (!file.detached && file.acked_offset() == file.read_offset() && file.known_size() == file.read_offset()) {
      s.quiet_since = std::min(s.quiet_since, file.last_change());
    }
  }
  for (const Closed& c : closed_) {
    if (c.size > c.at.offset) s.backlog += c.size - c.at.offset;
  }
  summary_ = s;
  summary_stale_ = false;
  return summary_;
}

bool FileSet::safety_check() {
  if (close_inactive() > 0) index_paths();
  const auto now = clock_.now();
  bool moved = false;
  for (Folder& folder : folders_) {
    struct stat st {};
    if (::stat(folder.path.c_str(), &st) != 0 || st.st_dev != folder.device || st.st_ino != folder.inode) return true;
    if (mtime_ns(st) != folder.mtime_ns) {
      folder.mtime_ns = mtime_ns(st);
      moved = true;
    }
  }
  if (moved) {
    stamped_at_ = now;
    names_checked_ = false;
  }
  if (names_checked_) return false;
  std::size_t matched = 0;
  if (!names_match(options_.directory, "", 0, matched) || matched != by_path_.size()) return true;
  // A second is many ticks of any file system's clock: from here on, a
  // change shows in the folders' times.
  names_checked_ = now - stamped_at_ >= std::chrono::seconds(1);
  return false;
}

bool FileSet::names_match(const std::string& dir, const std::string& relative, int depth,
                          std::size_t& matched) const {
  DIR* handle = ::opendir(dir.c_str());
  if (handle == nullptr) return false;
  bool same = true;
  while (const dirent* entry = ::readdir(handle)) {
    const std::string_view name(entry->d_name);
    if (name.front() == '.') continue;
    const std::string rel = relative.empty() ? std::string(name) : relative + "/" + std::string(name);
    if (entry->d_type == DT_DIR) {
      if (globs_.recursive() && depth < kMaxDepth) {
        const std::string sub = dir + "/" + std::string(name);
        // A folder the listing did not see, empty or not, is neither watched
        // nor stat'ed by later checks: it takes a rescan.
        same = std::any_of(folders_.begin(), folders_.end(), [&](const Folder& f) { return f.path == sub; }) &&
               names_match(sub, rel, depth + 1, matched);
        if (!same) break;
      }
      continue;
    }
    if (!globs_.matches(rel)) continue;
    // A symbolic link (or a filesystem without d_type) cannot be checked
    // without a stat: it takes a rescan, as a file not tracked does.
    const auto at = by_path_.find(dir + "/" + std::string(name));
    if (entry->d_type != DT_REG || at == by_path_.end() || at->second.inode != entry->d_ino) {
      same = false;
      break;
    }
    ++matched;
  }
  ::closedir(handle);
  return same;
}

void FileSet::resume_rotated(const std::vector<Found>& all) {
  for (const Checkpoint& cp : store_.all()) {
    bool content_there = false;
    for (const Found& f : all) {
      if (f.device != cp.device || f.inode != cp.inode) continue;
      content_there = f.size >= cp.offset && starts_with(f.path, cp.fingerprint);
      // Known by inode and first bytes under a name the patterns do not match:
      // rotated while the sidecar was down. Its rest is read. (Another file
      // on a reused inode is not resumed.)
      if (content_there && !f.shipped && f.size > cp.offset && !known(f.device, f.inode)) {
        track(f, cp, true);
      }
    }
    if (content_there || cp.offset == 0) continue;
    // Truncated in place while the sidecar was down (copytruncate).
    if (const Found* copy = read_copy(cp, all)) {
      log_.info("file " + cp.path + " was truncated in place while stopped; reading the rest of its copy " +
                copy->path);
    }
  }
}

bool FileSet::starts_with(const std::string& path, const Fingerprint& fp) const {
  try {
    return TailedFile(0, path, options_.max_line_bytes).starts_with(fp);
  } catch (const std::exception&) {
    return false;  // vanished meanwhile
  }
}

const FileSet::Found* FileSet::find_copy(const Fingerprint& fp, std::uint64_t past, const std::vector<Found>& all,
                                         bool rotated_names_only) const {
  if (fp.length == 0) return nullptr;
  for (const Found& f : all) {
    if ((rotated_names_only && f.shipped) || f.size <= past || known(f.device, f.inode)) continue;
    if (starts_with(f.path, fp)) return &f;
  }
  return nullptr;
}

const FileSet::Found* FileSet::read_copy(const Checkpoint& cp, const std::vector<Found>& all) {
  const Found* copy = find_copy(cp.fingerprint, cp.offset, all, true);
  if (copy == nullptr) return nullptr;
  Checkpoint from = cp;
  from.device = copy->device;
  from.inode = copy->inode;
  track(*copy, from, true);
  return copy;
}

void FileSet::handle_replaced(TailedFile& file) {
  const std::uint64_t read_to = file.read_offset();
  const std::uint64_t acked = file.acked_offset();
  const std::uint64_t old_id = file.id();
  const Fingerprint old_fp = file.fingerprint();
  const std::string path = file.path();  // `file` may move once files_ grows
  // Lines read from the old content may still be in flight, and come back
  // acknowledged by file id and offset. The copy holds the same bytes, so it
  // takes over the id (and where acknowledgements stand); the file itself goes
  // on under a new id, so those acknowledgements cannot move its new content.
  file.restart(next_id_++);
  summary_stale_ = true;
  std::vector<Found> all;
  list_files(all);
  if (const Found* copy = find_copy(old_fp, acked, all, false)) {
    log_.info("file " + path + " was truncated in place; reading the rest of its copy " + copy->path);
    if (open_file(*copy, std::min(read_to, copy->size), nullptr, true, old_id, acked) == Opened::kNoDescriptor) {
      // Read again from what was acknowledged: lines in flight may come twice, none is lost.
      closed_.push_back(Closed{Checkpoint{copy->device, copy->inode, old_fp, acked, copy->path}, copy->size, true});
      summary_stale_ = true;
    }
  }
  log_.warn("file " + path + " was truncated or rewritten; reading it again from the start");
}

TailedFile* FileSet::find(std::uint64_t id) const {
  for (const auto& file : files_) {
    if (file->id() == id) return file.get();
  }
  return nullptr;
}

std::uint64_t FileSet::acknowledge(std::uint64_t id, std::uint64_t offset) {
  TailedFile* file = find(id);
  if (file == nullptr || offset <= file->acked_offset()) return 0;
  const std::uint64_t moved = offset - file->acked_offset();
  file->set_acked_offset(offset);
  summary_stale_ = true;
  return moved;
}

void FileSet::release_finished() {
  if (!summary().detached) return;
  const auto now = clock_.now();
  const std::size_t released = std::erase_if(files_, [&](const std::unique_ptr<TailedFile>& file) {
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
  if (released > 0) {
    index_paths();
    summary_stale_ = true;
  }
}

std::vector<Checkpoint> FileSet::checkpoints() const {
  std::vector<Checkpoint> out;
  out.reserve(files_.size() + closed_.size());
  for (const auto& file : files_) {
    out.push_back(Checkpoint{file->device(), file->inode(), file->fingerprint(), file->acked_offset(), file->path()});
  }
  for (const Closed& c : closed_) out.push_back(c.at);
  // Until a scan listed every folder, a file not yet seen may still be there.
  if (first_scan_) {
    for (const Checkpoint& cp : store_.all()) {
      if (!known(cp.device, cp.inode)) out.push_back(cp);
    }
  }
  return out;
}

std::uint64_t FileSet::backlog_bytes() const { return summary().backlog; }

}  // namespace cw::source
