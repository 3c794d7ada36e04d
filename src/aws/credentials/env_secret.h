#pragma once
// Docker secrets: the convention of official Docker images that a variable
// NAME may instead be given as NAME_FILE, the path of a file holding the value
// (e.g. AWS_SECRET_ACCESS_KEY_FILE=/run/secrets/aws_secret). Secrets then never
// appear in `docker inspect` or the process environment.

#include <optional>
#include <string>
#include <string_view>

#include "aws/environment.h"

namespace cw::aws {

// The value of `name`, or the content of the file `<name>_FILE` names, with
// trailing whitespace (the file's newline) removed; nullopt when neither is set.
// Throws CredentialsError when both are set, or the file cannot be read or is
// empty. Messages name the variable and path, never the value.
std::optional<std::string> env_or_file(const Environment& env, std::string_view name);

// The whole file, trailing whitespace removed; throws CredentialsError naming
// `what` and the path when it cannot be read.
std::string read_secret_file(const std::string& path, std::string_view what);

}  // namespace cw::aws
