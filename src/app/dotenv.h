#pragma once
// Reads a dotenv file the way python-dotenv does for the common cases:
// KEY=VALUE lines, optional "export ", '#' comments, single quotes (literal),
// double quotes (with \n, \t, \" and \\ escapes), unquoted values with inline
// " #" comments stripped. ${NAME} and ${NAME:-DEFAULT} expand in unquoted
// and double-quoted values (single quotes keep them literally): the process
// environment first (`environment`), then the keys defined above in the file,
// as python-dotenv's load_dotenv does without override.

#include <map>
#include <string>
#include <string_view>

#include "common/expand_vars.h"

namespace cw::app {

std::map<std::string, std::string> parse_dotenv(std::string_view text, const VariableLookup& environment = {});

}  // namespace cw::app
