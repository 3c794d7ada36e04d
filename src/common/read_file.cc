#include "common/read_file.h"

#include <cerrno>
#include <fstream>
#include <sstream>

namespace cw {

std::optional<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    const int error = errno;
    in.close();
    errno = error;
    return std::nullopt;
  }
  return std::move(text).str();
}

}  // namespace cw
