#include "source/remote_fs.h"

#include <sys/vfs.h>

namespace cw::source {
namespace {

struct RemoteFs {
  unsigned long magic;
  const char* name;
};

// From statfs(2): filesystems whose changes can come from another host.
constexpr RemoteFs kRemote[] = {
    {0x6969, "NFS"},       {0x517B, "SMB"},    {0xFF534D42, "CIFS"}, {0xFE534D42, "SMB2"},
    {0x65735546, "FUSE"},  {0x00C36400, "Ceph"}, {0x01021997, "9p"},   {0x5346414F, "AFS"},
    {0x73757245, "Coda"},  {0x47504653, "GPFS"}, {0x0BD00BD0, "Lustre"},
};

}  // namespace

std::string remote_filesystem_name(const std::string& path) {
  struct statfs fs {};
  if (::statfs(path.c_str(), &fs) != 0) return {};
  for (const RemoteFs& remote : kRemote) {
    if (static_cast<unsigned long>(fs.f_type) == remote.magic) return remote.name;
  }
  return {};
}

}  // namespace cw::source
