#pragma once
// Which file systems are shared with other hosts (NFS, EFS, CIFS/SMB, FUSE,
// Ceph, 9p, ...): there inotify misses other hosts' writes (file_watcher.h)
// and a lock is only as good as the server's locking (state_lock.h).

#include <string>

namespace cw::source {

// Name of the network/FUSE filesystem `path` is on, or "" for a local one
// (or when `path` cannot be looked at).
std::string remote_filesystem_name(const std::string& path);

}  // namespace cw::source
