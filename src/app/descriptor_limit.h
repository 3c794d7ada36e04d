#pragma once
// The process's descriptor limit, and how many of its descriptors log files
// may hold.
//
// Many hosts and ECS tasks still start processes with a soft RLIMIT_NOFILE of
// 1024 under a much higher hard limit; raising the soft limit to the hard one
// is what an unprivileged process may do. Log files then get what is left
// after a reserve for everything that must never fail for lack of a
// descriptor: the senders' connections, the state files, the metrics
// listener and its clients, inotify, the dead-letter file.

#include <cstdint>
#include <string>

namespace cw::app {

struct DescriptorLimit {
  std::uint64_t before = 0;  // the soft limit the process was started with
  std::uint64_t now = 0;     // the soft limit after raising it
  std::string error;         // why it could not be raised (empty when it was, or needed not be)
};

// Raises the soft RLIMIT_NOFILE to the hard limit.
DescriptorLimit raise_descriptor_limit();

// Descriptors reserved beside log files with `max_in_flight` senders.
std::uint64_t descriptor_reserve(int max_in_flight);
// The default of MAX_OPEN_FILES under `limit`: at least 1.
std::uint64_t default_max_open_files(std::uint64_t limit, int max_in_flight);

}  // namespace cw::app
