#include "app/route.h"

namespace cw::app {

Route make_route(const SourceConfig& source, const cloudwatch::StartValues& values) {
  // Errors name the setting as the operator wrote it.
  const bool from_file = source.line > 0;
  const std::string group_setting = from_file ? "source '" + source.name + "' log_group" : "LOG_GROUP";
  const std::string stream_setting = from_file ? "source '" + source.name + "' log_stream_name" : "LOG_STREAM_NAME";
  std::vector<std::string> fields;
  Route route{cloudwatch::NameTemplate::parse(source.log_group, cloudwatch::NameKind::kGroup, group_setting, fields),
              cloudwatch::NameTemplate::parse(source.stream_template, cloudwatch::NameKind::kStream, stream_setting,
                                              fields),
              {},
              {source.retention_days, source.group_tags, source.kms_key_id, source.group_class}};
  route.fields = std::move(fields);
  route.group.resolve(values);
  route.stream.resolve(values);
  return route;
}

FileNames file_names(std::string_view relative) {
  const cloudwatch::FileNameParts parts = cloudwatch::file_name_parts(relative);
  return {std::string(parts.file), std::string(parts.file_stem), std::string(parts.dir)};
}

}  // namespace cw::app
