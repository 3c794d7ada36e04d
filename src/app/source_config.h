#pragma once
// SourceConfig: the settings that may differ between sources of files. The
// environment (and flags, and the dotenv file) gives one, "default"; a
// CONFIG_FILE gives a list, each key of a source taking the environment's
// value when it is left out. A file belongs to the first source whose
// include globs match it and exclude globs do not.

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "transform/filter_rule.h"
#include "transform/time_window.h"

namespace cw::app {

struct SourceConfig {
  std::string name = "default";
  int line = 0;  // where CONFIG_FILE defines it; 0: from the environment

  std::vector<std::string> include;  // globs relative to LOG_PATH
  std::vector<std::string> exclude;

  std::string log_group;        // a name template
  std::string stream_template;  // a name template
  int retention_days = 0;       // of a group the sidecar creates; 0: never expire
  std::vector<std::pair<std::string, std::string>> group_tags;
  std::string kms_key_id;
  std::string group_class;

  std::string timestamp_field;
  std::vector<std::string> exclude_fields;
  transform::WindowPolicy window_policy = transform::WindowPolicy::kRestamp;
  std::size_t max_message_bytes = 0;

  std::vector<transform::FilterRule> filters;
  std::string multiline_start;  // "": every line is an event
};

}  // namespace cw::app
