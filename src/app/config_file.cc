#include "app/config_file.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <optional>

#include "app/config.h"
#include "common/read_file.h"

namespace cw::app {
namespace {

class Reader {
 public:
  Reader(std::string path, const VariableLookup& environment) : path_(std::move(path)), environment_(environment) {}

  [[noreturn]] void fail(const YAML::Node& at, const std::string& message) const {
    throw ConfigError("CONFIG_FILE " + path_ + " line " + std::to_string(line_of(at)) + ": " + message);
  }
  static int line_of(const YAML::Node& node) { return node.Mark().line + 1; }

  // A scalar, expanded.
  std::string text(const YAML::Node& node, std::string_view key) const {
    if (!node.IsScalar()) fail(node, std::string(key) + " must be a single value");
    return expand_vars(node.Scalar(), environment_);
  }
  // A list, or one value holding a comma-separated list.
  std::vector<std::string> list(const YAML::Node& node, std::string_view key) const {
    std::vector<std::string> items;
    if (node.IsSequence()) {
      for (const YAML::Node& item : node) items.push_back(text(item, key));
    } else if (node.IsScalar()) {
      std::string_view all = node.Scalar();
      const std::string expanded = expand_vars(all, environment_);
      all = expanded;
      while (!all.empty()) {
        const auto comma = all.find(',');
        std::string_view item = all.substr(0, comma);
        while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
        while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
        if (!item.empty()) items.emplace_back(item);
        all = comma == std::string_view::npos ? std::string_view() : all.substr(comma + 1);
      }
    } else {
      fail(node, std::string(key) + " must be a list or a comma-separated value");
    }
    return items;
  }
  static std::string joined(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& item : items) out += (out.empty() ? "" : ",") + item;
    return out;
  }

  transform::FilterRule filter(const YAML::Node& node) const {
    if (!node.IsMap() || node.size() != 1) {
      fail(node, "a filter is one of drop, keep_only, sample or redact, e.g. '- drop: {field: level, values: [DEBUG]}'");
    }
    const std::string kind = node.begin()->first.Scalar();
    const YAML::Node body = node.begin()->second;
    transform::FilterRule rule;
    if (kind == "drop") {
      rule.kind = transform::FilterRule::Kind::kDrop;
    } else if (kind == "keep_only") {
      rule.kind = transform::FilterRule::Kind::kKeepOnly;
    } else if (kind == "sample") {
      rule.kind = transform::FilterRule::Kind::kSample;
    } else if (kind == "redact") {
      rule.kind = transform::FilterRule::Kind::kRedact;
    } else {
      fail(node.begin()->first, "unknown filter '" + kind + "' (drop, keep_only, sample, redact)");
    }
    if (!body.IsMap()) fail(node, kind + " takes a map, e.g. {field: level, values: [DEBUG]}");
    const bool redact = rule.kind == transform::FilterRule::Kind::kRedact;
    bool every = false;
    for (const auto& entry : body) {
      const std::string key = entry.first.Scalar();
      if (key == "regex") {
        rule.regex = text(entry.second, key);
      } else if (key == "field" && !redact) {
        rule.field = text(entry.second, key);
      } else if (key == "values" && !redact) {
        rule.values = list(entry.second, key);
      } else if (key == "every" && rule.kind == transform::FilterRule::Kind::kSample) {
        const std::string n = text(entry.second, key);
        unsigned value = 0;
        const auto [end, ec] = std::from_chars(n.data(), n.data() + n.size(), value);
        if (ec != std::errc() || end != n.data() + n.size() || value == 0) {
          fail(entry.second, "every must be a positive whole number, got '" + n + "'");
        }
        rule.every = value;
        every = true;
      } else if (key == "builtin" && redact) {
        rule.builtin = list(entry.second, key);
      } else if (key == "mask" && redact) {
        rule.mask = text(entry.second, key);
      } else {
        fail(entry.first, "unknown key '" + key + "' in " + kind +
                              (redact ? " (builtin, regex, mask)"
                                      : rule.kind == transform::FilterRule::Kind::kSample ? " (every, field, values, regex)"
                                                                                           : " (field, values, regex)"));
      }
    }
    if (rule.kind == transform::FilterRule::Kind::kSample && !every) fail(body, "sample needs every: N (keeps 1 in N)");
    if (redact && rule.builtin.empty() && rule.regex.empty()) fail(body, "redact needs builtin or regex");
    if (!redact && rule.kind != transform::FilterRule::Kind::kSample && rule.values.empty() && rule.regex.empty()) {
      fail(body, kind + " needs values or regex");
    }
    return rule;
  }

  WrittenSource source(const YAML::Node& node, const std::vector<std::string_view>& per_source) const {
    if (!node.IsMap()) fail(node, "a source is a map (name, include, log_group, ...)");
    WrittenSource out;
    out.line = line_of(node);
    for (const auto& entry : node) {
      if (!entry.first.IsScalar()) fail(entry.first, "a key must be a name");
      const std::string key = entry.first.Scalar();
      std::string flag = key;
      std::replace(flag.begin(), flag.end(), '_', '-');
      if (key == "name") {
        out.name = text(entry.second, key);
      } else if (key == "filters") {
        if (!entry.second.IsSequence()) fail(entry.second, "filters is a list");
        for (const YAML::Node& item : entry.second) out.filters.push_back(filter(item));
        out.filters_line = line_of(entry.first);
      } else if (key == "include" || key == "exclude" || key == "exclude_fields") {
        out.settings[flag] = joined(list(entry.second, key));
      } else if (key == "log_group_tags") {
        std::string tags;
        if (entry.second.IsMap()) {
          for (const auto& tag : entry.second) {
            tags += (tags.empty() ? "" : ",") + text(tag.first, key) + "=" + text(tag.second, key);
          }
        } else {
          tags = joined(list(entry.second, key));
        }
        out.settings[flag] = tags;
      } else if (key.find('-') == std::string::npos &&
                 std::find(per_source.begin(), per_source.end(), flag) != per_source.end()) {
        out.settings[flag] = text(entry.second, key);
      } else {
        std::string known = "name, include, exclude, filters";
        for (std::string_view name : per_source) {
          std::string spelled(name);
          std::replace(spelled.begin(), spelled.end(), '-', '_');
          known += ", " + spelled;
        }
        fail(entry.first, "unknown key '" + key + "' in a source (" + known + ")");
      }
    }
    if (!out.settings.contains("include")) fail(node, "a source needs include (globs under LOG_PATH)");
    return out;
  }

 private:
  std::string path_;
  const VariableLookup& environment_;
};

}  // namespace

std::vector<WrittenSource> read_config_file(const std::string& path, const std::vector<std::string_view>& per_source,
                                            const VariableLookup& environment) {
  const std::optional<std::string> text = read_file(path);
  if (!text) throw ConfigError("cannot read CONFIG_FILE " + path);
  return parse_config_file(*text, path, per_source, environment);
}

std::vector<WrittenSource> parse_config_file(std::string_view text, const std::string& path,
                                             const std::vector<std::string_view>& per_source,
                                             const VariableLookup& environment) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    throw ConfigError("CONFIG_FILE " + path + " line " + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
  const Reader reader(path, environment);
  if (!root.IsMap()) throw ConfigError("CONFIG_FILE " + path + ": expected 'sources:' with a list of sources");
  std::vector<WrittenSource> sources;
  for (const auto& entry : root) {
    const std::string key = entry.first.IsScalar() ? entry.first.Scalar() : std::string();
    if (key != "sources") reader.fail(entry.first, "unknown key '" + key + "' (the file has 'sources:')");
    if (!entry.second.IsSequence() || entry.second.size() == 0) {
      reader.fail(entry.second, "sources is a list of at least one source");
    }
    for (const YAML::Node& node : entry.second) sources.push_back(reader.source(node, per_source));
  }
  if (sources.empty()) throw ConfigError("CONFIG_FILE " + path + ": no 'sources:'");
  for (std::size_t i = 0; i < sources.size(); ++i) {
    if (sources[i].name.empty()) sources[i].name = "source" + std::to_string(i + 1);
    for (std::size_t j = 0; j < i; ++j) {
      if (sources[j].name == sources[i].name) {
        throw ConfigError("CONFIG_FILE " + path + " line " + std::to_string(sources[i].line) + ": a second source named '" +
                          sources[i].name + "'");
      }
    }
  }
  return sources;
}

}  // namespace cw::app
