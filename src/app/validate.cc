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

int run_validate(const Config& config, const Route& route, std::FILE* out) {
  namespace fs = std::filesystem;
  const source::GlobSet globs(config.include, config.exclude);
  const std::string date = cloudwatch::local_date(std::chrono::system_clock::now());
  std::vector<std::string> files;
  std::error_code error;
  const fs::path root(config.log_path);
  for (fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, error), end;
       !error && it != end; it.increment(error)) {
    if (it->path() == fs::path(config.state_dir)) {
      it.disable_recursion_pending();
      continue;
    }
    std::error_code type_error;
    if (!it->is_regular_file(type_error)) continue;
    const std::string relative = it->path().lexically_relative(root).string();
    if (globs.matches(relative)) files.push_back(relative);
  }
  std::sort(files.begin(), files.end());
  std::fprintf(out, "LOG_PATH %s: %zu file(s) match INCLUDE/EXCLUDE now\n", config.log_path.c_str(), files.size());
  for (const std::string& file : files) {
    const cloudwatch::FileNameParts parts = cloudwatch::file_name_parts(file);
    const cloudwatch::NameContext context{parts.file, parts.file_stem, parts.dir, date, {}};
    std::fprintf(out, "%s  source default  group %s  stream %s\n", file.c_str(), shown(route.group, context).c_str(),
                 shown(route.stream, context).c_str());
  }
  if (error) std::fprintf(out, "cannot list all of LOG_PATH: %s\n", error.message().c_str());
  return 0;
}

}  // namespace cw::app
