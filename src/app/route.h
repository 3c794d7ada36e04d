#pragma once
// Route: where the lines of a source's files go (the group and stream name
// templates) and how a group the sidecar creates is set up.

#include <string>
#include <vector>

#include "app/source_config.h"
#include "cloudwatch/name_template.h"
#include "cloudwatch/request_body.h"

namespace cw::app {

struct Route {
  cloudwatch::NameTemplate group;
  cloudwatch::NameTemplate stream;
  // The names of the {field:...} placeholders of both, by their index in
  // NameContext::fields.
  std::vector<std::string> fields;
  cloudwatch::GroupOptions group_options;

  bool uses_fields() const { return !fields.empty(); }
};

// The route of a source, with the values fixed at start put in. Throws
// cloudwatch::NameTemplateError.
Route make_route(const SourceConfig& source, const cloudwatch::StartValues& values);

// The placeholders a file's path gives, for the names of `relative` (to
// LOG_PATH) on the local date `date`.
struct FileNames {
  std::string file, file_stem, dir;
  // Views of these names: not of a temporary's.
  cloudwatch::NameContext context(std::string_view date) const& { return {file, file_stem, dir, date, {}}; }
  cloudwatch::NameContext context(std::string_view date) const&& = delete;
};
FileNames file_names(std::string_view relative);

}  // namespace cw::app
