#include "app/source.h"

namespace cw::app {

Source::Source(const SourceConfig& config, Route source_route, SourceCounters& source_counters, Counters& all_counters)
    : route(std::move(source_route)),
      events({{config.timestamp_field, config.exclude_fields, config.max_message_bytes},
              config.window_policy,
              transform::TimeWindow::for_retention_days(config.retention_days)},
             all_counters),
      filter(config.filters),
      redactor(config.filters),
      counters(source_counters),
      globs(config.include, config.exclude) {
  if (!config.multiline_start.empty()) multiline.emplace(config.multiline_start);
  if (route.uses_fields()) fields = std::make_unique<transform::TopLevelFields>(route.fields);
}

Sources::Sources(const std::vector<SourceConfig>& configs, const cloudwatch::StartValues& values, Counters& counters) {
  for (const SourceConfig& source : configs) {
    SourceCounters& source_counters = counters.sources.emplace_back(source.name);
    sources_.push_back(std::make_unique<Source>(source, make_route(source, values), source_counters, counters));
  }
}

Source& Sources::of(std::string_view relative) {
  for (int cut = 0; cut <= 2; ++cut) {
    for (const auto& source : sources_) {
      if (source->globs.matches(relative)) return *source;
    }
    const auto dot = relative.rfind('.');
    const auto slash = relative.rfind('/');
    if (dot == std::string_view::npos || (slash != std::string_view::npos && dot < slash)) break;
    relative = relative.substr(0, dot);
  }
  return *sources_.front();
}

}  // namespace cw::app
