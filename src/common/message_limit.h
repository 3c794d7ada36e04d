#pragma once
// The longest message of a CloudWatch Logs event: 1 MiB less the 26 bytes
// the service counts for each event. The reader cuts lines, the transformer
// marks messages and the configuration bounds MAX_MESSAGE_BYTES by it.

#include <cstddef>

namespace cw {

inline constexpr std::size_t kMaxMessageBytes = 1'048'576 - 26;

}  // namespace cw
