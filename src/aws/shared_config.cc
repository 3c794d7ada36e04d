#include "aws/shared_config.h"

#include <optional>

#include "common/read_file.h"
#include "common/text.h"

namespace cw::aws {
namespace {

std::string home_path(const Environment& env, std::string_view relative) {
  return env.get_or("HOME", "") + "/" + std::string(relative);
}

}  // namespace

IniSections parse_ini(std::string_view text) {
  IniSections sections;
  std::string current;
  bool in_section = false;
  while (!text.empty()) {
    const auto nl = text.find('\n');
    std::string_view raw = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    const bool indented = !raw.empty() && (raw.front() == ' ' || raw.front() == '\t');
    std::string_view line = trim(raw);
    if (line.empty() || line.front() == '#' || line.front() == ';' || indented) continue;
    if (line.front() == '[' && line.back() == ']') {
      current = std::string(trim(line.substr(1, line.size() - 2)));
      sections[current];
      in_section = true;
      continue;
    }
    const auto eq = line.find('=');
    if (!in_section || eq == std::string_view::npos) continue;
    sections[current][std::string(trim(line.substr(0, eq)))] = std::string(trim(line.substr(eq + 1)));
  }
  return sections;
}

SharedConfig SharedConfig::load(const Environment& env) {
  SharedConfig config;
  config.credentials_path_ = env.get_or("AWS_SHARED_CREDENTIALS_FILE", home_path(env, ".aws/credentials"));
  config.config_path_ = env.get_or("AWS_CONFIG_FILE", home_path(env, ".aws/config"));
  if (auto text = read_file(config.credentials_path_)) config.credentials_ = parse_ini(*text);
  if (auto text = read_file(config.config_path_)) {
    for (auto& [name, values] : parse_ini(*text)) {
      std::string_view profile = name;
      if (profile.starts_with("profile ")) profile = trim(profile.substr(8));
      else if (profile != "default") continue;  // sso-session, services and other section kinds
      config.config_[std::string(profile)] = std::move(values);
    }
  }
  return config;
}

std::optional<std::string> SharedConfig::get(std::string_view profile, std::string_view key) const {
  for (const IniSections* file : {&credentials_, &config_}) {
    const auto section = file->find(profile);
    if (section == file->end()) continue;
    const auto value = section->second.find(std::string(key));
    if (value != section->second.end() && !value->second.empty()) return value->second;
  }
  return std::nullopt;
}

bool SharedConfig::has_profile(std::string_view profile) const {
  return credentials_.contains(profile) || config_.contains(profile);
}

}  // namespace cw::aws
