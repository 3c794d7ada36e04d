#pragma once
// Reads a dotenv file the way python-dotenv does for the common cases:
// KEY=VALUE lines, optional "export ", '#' comments, single quotes (literal),
// double quotes (with \n, \t, \" and \\ escapes), unquoted values with inline
// " #" comments stripped.

#include <map>
#include <string>
#include <string_view>

namespace cw::app {

std::map<std::string, std::string> parse_dotenv(std::string_view text);

}  // namespace cw::app
