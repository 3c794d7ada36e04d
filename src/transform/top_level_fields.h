#pragma once
// TopLevelFields: the string values of some top-level fields of a JSON object
// line, which the names of its destination may depend on ({field:NAME}).
// Only templates that use such fields cost this second look at the line.
// Not thread-safe; one per reading thread (it owns a parser).

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace cw::transform {

class TopLevelFields {
 public:
  explicit TopLevelFields(std::vector<std::string> names);
  ~TopLevelFields();
  TopLevelFields(const TopLevelFields&) = delete;
  TopLevelFields& operator=(const TopLevelFields&) = delete;

  // By the index of the name given; nullopt for a field that is absent or not
  // a string, and for each of them when the line is not a JSON object. Of
  // duplicate fields the last one wins. Views stay valid until the next call.
  std::span<const std::optional<std::string_view>> read(std::string_view line);

 private:
  struct Parser;  // keeps simdjson out of this header
  std::vector<std::string> names_;
  std::unique_ptr<Parser> parser_;
  std::vector<std::string> values_;
  std::vector<std::optional<std::string_view>> found_;
  std::vector<char> seen_;  // per name: its last occurrence was a string
};

}  // namespace cw::transform
