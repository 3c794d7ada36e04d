// Redaction keeps a JSON line the JSON it was, whatever the pattern: the
// input's first line is a pattern, the rest the log line.
#include <simdjson.h>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "transform/redactor.h"

namespace {

bool valid_json(std::string_view text) {
  static simdjson::dom::parser parser;
  return parser.parse(text.data(), text.size(), true).error() == simdjson::SUCCESS;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto newline = input.find('\n');
  if (newline == std::string_view::npos) return 0;
  cw::transform::FilterRule rule;
  rule.kind = cw::transform::FilterRule::Kind::kRedact;
  rule.regex = std::string(input.substr(0, newline));
  rule.builtin = {"aws_access_key_id", "aws_secret_access_key", "bearer_token", "email", "card_number"};
  std::optional<cw::transform::Redactor> redactor;
  try {
    redactor.emplace(std::vector<cw::transform::FilterRule>{rule});
  } catch (const cw::transform::FilterError&) {
    rule.regex.clear();
    redactor.emplace(std::vector<cw::transform::FilterRule>{rule});
  }
  const std::string_view line = input.substr(newline + 1);
  std::string out;
  if (redactor->redact(line, out) && line.find_first_not_of(" \t") != std::string_view::npos &&
      line[line.find_first_not_of(" \t")] == '{' && valid_json(line) && !valid_json(out)) {
    std::abort();  // a valid JSON line made invalid
  }
  return 0;
}
