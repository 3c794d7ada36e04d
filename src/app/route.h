#pragma once
// Route: where the lines of a file go (the group and stream name templates)
// and how a group the sidecar creates is set up.

#include <string>
#include <vector>

#include "app/config.h"
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

// The route of the settings, with the values fixed at start put in. Throws
// cloudwatch::NameTemplateError.
Route make_route(const Config& config, const cloudwatch::StartValues& values);

}  // namespace cw::app
