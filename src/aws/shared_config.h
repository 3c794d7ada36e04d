#pragma once
// The shared AWS files: ~/.aws/credentials (sections "[name]") and ~/.aws/config
// (sections "[profile name]", "[default]"), paths overridable by
// AWS_SHARED_CREDENTIALS_FILE and AWS_CONFIG_FILE. A key in the credentials
// file wins over the same key in the config file, as in the SDKs.

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "aws/environment.h"

namespace cw::aws {

using IniSections = std::map<std::string, std::map<std::string, std::string>, std::less<>>;

// Parses INI text: "[section]", "key = value", comments with '#' or ';'.
// Indented lines continue the previous key (nested settings) and are skipped.
IniSections parse_ini(std::string_view text);

class SharedConfig {
 public:
  static SharedConfig load(const Environment& env);

  std::optional<std::string> get(std::string_view profile, std::string_view key) const;
  bool has_profile(std::string_view profile) const;
  const std::string& credentials_path() const { return credentials_path_; }
  const std::string& config_path() const { return config_path_; }

 private:
  IniSections credentials_;  // by profile name
  IniSections config_;       // by profile name ("profile " prefix removed)
  std::string credentials_path_;
  std::string config_path_;
};

}  // namespace cw::aws
