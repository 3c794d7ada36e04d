#pragma once
// The whole of a small file (settings, secrets, state) as text.

#include <optional>
#include <string>

namespace cw {

// nullopt when the file cannot be opened or read; errno then says why.
std::optional<std::string> read_file(const std::string& path);

}  // namespace cw
