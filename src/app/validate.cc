#include "app/validate.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

#include "cloudwatch/name_template.h"
#include "source/glob.h"

namespace cw::app {
namespace {

std::string shown(const cloudwatch::NameTemplate& name, const cloudwatch::NameContext& context) {
  return name.uses_fields() || name.uses_ecs() ? name.text() + " (template)" : name.render(context);
}

}  // namespace

cloudwatch::StartValues validate_start_values(cloudwatch::StartValues values) {
  values.ecs = [](std::string_view name, std::string&) { return std::optional<std::string>(std::string(name)); };
  return values;
}

int run_validate(const Config& config, Sources& sources, std::FILE* out) {
  namespace fs = std::filesystem;
  std::vector<source::GlobSet> globs;
  for (const SourceConfig& source : config.sources) globs.emplace_back(source.include, source.exclude);
  const source::AnyGlobSet any(globs);
  const std::string date = cloudwatch::local_date(std::chrono::system_clock::now());
  std::vector<std::string> files, unmatched;
  std::error_code error;
  const fs::path root(config.log_path);
  for (fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, error), end;
       !error && it != end; it.increment(error)) {
    // As the sidecar follows them: hidden names (its state folder) are not.
    if (it->path().filename().string().starts_with(".")) {
      it.disable_recursion_pending();
      continue;
    }
    std::error_code type_error;
    if (!it->is_regular_file(type_error)) continue;
    std::string relative = it->path().lexically_relative(root).string();
    (any.matches(relative) ? files : unmatched).push_back(std::move(relative));
  }
  std::sort(files.begin(), files.end());
  std::sort(unmatched.begin(), unmatched.end());
  std::fprintf(out, "LOG_PATH %s: %zu file(s) match a source now\n", config.log_path.c_str(), files.size());
  std::vector<char> used(sources.size(), 0);
  for (const std::string& file : files) {
    const Source& source = sources.of(file);
    for (std::size_t i = 0; i < sources.size(); ++i) {
      if (&sources[i] == &source) used[i] = 1;
    }
    const FileNames names = file_names(file);
    const cloudwatch::NameContext context = names.context(date);
    std::fprintf(out, "%s  source %s  group %s  stream %s\n", file.c_str(), source.counters.name.c_str(),
                 shown(source.route.group, context).c_str(), shown(source.route.stream, context).c_str());
  }
  if (!config.config_file.empty()) {
    for (const std::string& file : unmatched) std::fprintf(out, "%s  matches no source: not read\n", file.c_str());
    for (std::size_t i = 0; i < sources.size(); ++i) {
      if (used[i] == 0) {
        std::fprintf(out, "warning: source %s (CONFIG_FILE line %d) matches no file now\n",
                     config.sources[i].name.c_str(), config.sources[i].line);
      }
    }
  }
  if (error) std::fprintf(out, "cannot list all of LOG_PATH: %s\n", error.message().c_str());
  return 0;
}

}  // namespace cw::app
