#pragma once
// Source: one SourceConfig made ready for the reading thread: its route, its
// EventMaker (timestamp field, excluded fields, window policy, message cap),
// its filters and multiline rule, and its counters. Sources::of says which
// source a file belongs to. Not thread-safe: the reading thread's.

#include <cstddef>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "app/config.h"
#include "app/route.h"
#include "common/counters.h"
#include "source/glob.h"
#include "transform/event_maker.h"
#include "transform/line_filter.h"
#include "transform/multiline.h"
#include "transform/redactor.h"
#include "transform/top_level_fields.h"

namespace cw::app {

struct Source {
  Source(const SourceConfig& config, Route source_route, SourceCounters& source_counters, Counters& all_counters);

  Route route;
  transform::EventMaker events;
  transform::LineFilter filter;
  transform::Redactor redactor;
  std::optional<transform::Multiline> multiline;
  std::unique_ptr<transform::TopLevelFields> fields;  // when the route uses {field:...}
  SourceCounters& counters;
  source::GlobSet globs;
};

class Sources {
 public:
  // Adds each source's counters to `counters`. Throws
  // cloudwatch::NameTemplateError (a template's start values) and
  // transform::FilterError.
  Sources(const std::vector<SourceConfig>& configs, const cloudwatch::StartValues& values, Counters& counters);

  // The source of a file at `relative` (to LOG_PATH): the first that matches.
  // A rotated file may have a name no source matches (api.log.1, found so
  // after a restart): its name less up to two last extensions is tried
  // before it goes to the first source.
  Source& of(std::string_view relative);
  std::size_t size() const { return sources_.size(); }
  Source& operator[](std::size_t i) { return *sources_[i]; }

 private:
  std::vector<std::unique_ptr<Source>> sources_;
};

}  // namespace cw::app
