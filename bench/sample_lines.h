#pragma once
// Realistic JSON log lines in the demo app's shape (~220 bytes each, with
// unicode, escapes and a nested object), generated deterministically.

#include <cstddef>
#include <string>

namespace cw::bench {

// `count` lines, each ending in '\n'.
std::string make_sample_lines(std::size_t count);

}  // namespace cw::bench
