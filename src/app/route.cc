#include "app/route.h"

namespace cw::app {

Route make_route(const Config& config, const cloudwatch::StartValues& values) {
  std::vector<std::string> fields;
  Route route{cloudwatch::NameTemplate::parse(config.log_group, cloudwatch::NameKind::kGroup, "LOG_GROUP", fields),
              cloudwatch::NameTemplate::parse(config.stream_template, cloudwatch::NameKind::kStream,
                                              "LOG_STREAM_NAME", fields),
              {},
              {config.retention_days, config.group_tags, config.kms_key_id, config.group_class}};
  route.fields = std::move(fields);
  route.group.resolve(values);
  route.stream.resolve(values);
  return route;
}

}  // namespace cw::app
