#pragma once
// --validate: the routes of the log files present now, printed one per line
// ("<file>  source <name>  group <g>  stream <s>"), with no network call and
// nothing written. A name that depends on each line ({field:...}) or on the
// ECS task (not asked: that would be a network call) is printed as its
// template. With CONFIG_FILE, files no source matches are listed as not
// read, and a source that matches no file gets a warning.

#include <cstdio>

#include "app/config.h"
#include "app/source.h"

namespace cw::app {

// The values fixed at start, for --validate: {ecs_*} stand for themselves.
cloudwatch::StartValues validate_start_values(cloudwatch::StartValues values);

// Exit code 0; the lines go to `out`.
int run_validate(const Config& config, Sources& sources, std::FILE* out);

}  // namespace cw::app
