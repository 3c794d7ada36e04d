#pragma once
// CONFIG_FILE: sources of files, in YAML (libyaml-cpp), the format the
// CloudWatch agent's and Fluent Bit's operators write:
//
//   sources:
//     - name: access
//       include: [access/*.log]
//       log_group: /app/access
//       retention_days: 7
//       filters:
//         - drop: {field: level, values: [DEBUG, TRACE]}
//
// This file only reads it: each source's settings as written (lists joined
// with ',', a map of tags as k=v,...), ${VAR} and ${VAR:-default} expanded,
// and its filters. What the values mean is checked where the environment's
// are (config.cc). Throws ConfigError naming the file and the line.

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/expand_vars.h"
#include "transform/filter_rule.h"

namespace cw::app {

struct WrittenSource {
  int line = 0;  // 1-based
  std::string name;
  // By setting name as its flag is spelled (log-group for log_group).
  std::map<std::string, std::string, std::less<>> settings;
  std::vector<transform::FilterRule> filters;
  int filters_line = 0;
};

// `per_source`: the setting names (flag spelling) a source may have besides
// name, include, exclude and filters.
std::vector<WrittenSource> read_config_file(const std::string& path, const std::vector<std::string_view>& per_source,
                                            const VariableLookup& environment);
// The same for the file's text; `path` names it in messages.
std::vector<WrittenSource> parse_config_file(std::string_view text, const std::string& path,
                                             const std::vector<std::string_view>& per_source,
                                             const VariableLookup& environment);

}  // namespace cw::app
