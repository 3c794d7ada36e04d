#pragma once
// Environment: the variables the sidecar and the AWS SDK conventions read.
// The process environment wins over the dotenv file, as python-dotenv does
// (load_dotenv never overrides a variable that is already set).

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace cw::aws {

class Environment {
 public:
  Environment() = default;
  static Environment from_process();  // a snapshot of environ

  // Adds `values` underneath: only names not already present are taken.
  void add_fallback(const std::map<std::string, std::string>& values);
  void set(std::string name, std::string value) { vars_[std::move(name)] = std::move(value); }

  // The value, or nullopt when unset or empty (the SDKs treat both alike).
  std::optional<std::string> get(std::string_view name) const;
  std::string get_or(std::string_view name, std::string_view fallback) const;

 private:
  std::map<std::string, std::string, std::less<>> vars_;
};

}  // namespace cw::aws
