#include "source/checkpoint_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace cw::source {
namespace {

constexpr std::string_view kHeader = "cw-sidecar checkpoints v1";

[[noreturn]] void fail(const std::string& what, const std::string& path) {
  throw std::runtime_error(what + " " + path + ": " + std::strerror(errno));
}

void make_dirs(const std::string& dir) {
  std::string partial;
  std::size_t pos = 0;
  while (pos != std::string::npos) {
    pos = dir.find('/', pos + 1);
    partial = dir.substr(0, pos);
    if (partial.empty()) continue;
    if (::mkdir(partial.c_str(), 0755) != 0 && errno != EEXIST) fail("cannot create state folder", partial);
  }
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) fail("state folder is not a directory:", dir);
}

std::string escape_path(const std::string& path) {
  std::string out;
  for (char c : path) {
    if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string unescape_path(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size()) {
      out += text[i + 1] == 'n' ? '\n' : text[i + 1];
      ++i;
    } else {
      out += text[i];
    }
  }
  return out;
}

void write_all(int fd, const std::string& data, const std::string& path) {
  std::size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail("cannot write", path);
    }
    done += static_cast<std::size_t>(n);
  }
}

}  // namespace

Fingerprint fingerprint_of(int fd, std::uint32_t length) {
  if (length == 0) length = kFingerprintBytes;
  char buffer[kFingerprintBytes];
  const ssize_t n = ::pread(fd, buffer, length, 0);
  Fingerprint fp;
  if (n <= 0) return fp;
  fp.length = static_cast<std::uint32_t>(n);
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (ssize_t i = 0; i < n; ++i) {
    hash ^= static_cast<unsigned char>(buffer[i]);
    hash *= 0x100000001b3ULL;
  }
  fp.hash = hash;
  return fp;
}

CheckpointStore::CheckpointStore(std::string state_dir)
    : dir_(std::move(state_dir)), path_(dir_ + "/checkpoints") {
  make_dirs(dir_);
  std::ifstream in(path_);
  if (!in) return;  // first start
  std::string line;
  if (!std::getline(in, line) || line != kHeader) {
    throw std::runtime_error("unrecognised checkpoint file " + path_ + " (expected '" + std::string(kHeader) + "')");
  }
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    Checkpoint cp;
    if (!(fields >> cp.device >> cp.inode >> cp.fingerprint.length >> std::hex >> cp.fingerprint.hash >> std::dec >>
          cp.offset)) {
      continue;  // a damaged line costs a re-read of that file, not the whole state
    }
    std::string rest;
    std::getline(fields, rest);
    if (!rest.empty() && rest.front() == ' ') rest.erase(0, 1);
    cp.path = unescape_path(rest);
    checkpoints_.push_back(std::move(cp));
  }
}

std::optional<Checkpoint> CheckpointStore::find(std::uint64_t device, std::uint64_t inode) const {
  for (const auto& cp : checkpoints_) {
    if (cp.device == device && cp.inode == inode) return cp;
  }
  return std::nullopt;
}

void CheckpointStore::save(std::vector<Checkpoint> checkpoints) {
  std::ostringstream out;
  out << kHeader << '\n';
  for (const auto& cp : checkpoints) {
    out << cp.device << ' ' << cp.inode << ' ' << cp.fingerprint.length << ' ' << std::hex << cp.fingerprint.hash
        << std::dec << ' ' << cp.offset << ' ' << escape_path(cp.path) << '\n';
  }
  const std::string tmp = path_ + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) fail("cannot create", tmp);
  try {
    write_all(fd, out.str(), tmp);
    if (::fsync(fd) != 0) fail("cannot fsync", tmp);
  } catch (...) {
    ::close(fd);
    throw;
  }
  ::close(fd);
  if (::rename(tmp.c_str(), path_.c_str()) != 0) fail("cannot rename into", path_);
  const int dir_fd = ::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd >= 0) {
    ::fsync(dir_fd);  // makes the rename durable; some filesystems refuse, which is harmless
    ::close(dir_fd);
  }
  checkpoints_ = std::move(checkpoints);
}

}  // namespace cw::source
