#include "aws/credentials/env_secret.h"

#include <cerrno>
#include <cstring>
#include <optional>

#include "aws/credentials/provider.h"
#include "common/read_file.h"

namespace cw::aws {

std::string read_secret_file(const std::string& path, std::string_view what) {
  std::optional<std::string> text = read_file(path);
  if (!text) throw CredentialsError(std::string(what) + " " + path + " cannot be read: " + std::strerror(errno));
  std::string value = std::move(*text);
  while (!value.empty() && (value.back() == '\n' || value.back() == '\r' || value.back() == ' ' ||
                            value.back() == '\t')) {
    value.pop_back();
  }
  return value;
}

std::optional<std::string> env_or_file(const Environment& env, std::string_view name) {
  const std::string file_var = std::string(name) + "_FILE";
  auto direct = env.get(name);
  auto path = env.get(file_var);
  if (direct && path) {
    throw CredentialsError("both " + std::string(name) + " and " + file_var + " are set; keep one");
  }
  if (!path) return direct;
  std::string value = read_secret_file(*path, file_var);
  if (value.empty()) throw CredentialsError(file_var + " " + *path + " is empty");
  return value;
}

}  // namespace cw::aws
