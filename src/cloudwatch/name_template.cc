#include "cloudwatch/name_template.h"

#include <algorithm>
#include <ctime>

namespace cw::cloudwatch {
namespace {

constexpr std::size_t kMaxName = 512;
constexpr std::string_view kFallbackMark = ":-";
constexpr std::string_view kKnown =
    "{prefix}, {hostname}, {date}, {file}, {file_stem}, {dir}, {env:NAME}, {field:NAME}, {ecs_cluster}, "
    "{ecs_task_id}, {ecs_family}, {ecs_container}";

bool is_env_name(std::string_view name) {
  if (name.empty() || (name.front() >= '0' && name.front() <= '9')) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

// Cuts `name` to at most kMaxName bytes, not inside a UTF-8 sequence.
void cut_to_limit(std::string& name) {
  if (name.size() <= kMaxName) return;
  std::size_t end = kMaxName;
  while (end > 0 && (static_cast<unsigned char>(name[end]) & 0xC0) == 0x80) --end;
  name.resize(end);
}

}  // namespace

bool allowed_in_name(NameKind kind, unsigned char c) {
  if (kind == NameKind::kStream) return c != ':' && c != '*' && c >= 0x20 && c != 0x7F;
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
         c == '_' || c == '/' || c == '#';
}

NameTemplate NameTemplate::parse(std::string_view text, NameKind kind, std::string_view setting,
                                 std::vector<std::string>& fields) {
  NameTemplate t{std::string(text), kind, std::string(setting)};
  if (text.empty()) throw NameTemplateError(t.setting_ + " must not be empty");
  std::string_view rest = text;
  while (!rest.empty()) {
    const auto open = rest.find('{');
    const std::string_view literal = rest.substr(0, open);
    if (!literal.empty()) {
      t.check_literal(literal);
      t.pieces_.push_back(Piece{Part::kLiteral, std::string(literal)});
    }
    if (open == std::string_view::npos) break;
    rest.remove_prefix(open + 1);
    const auto close = rest.find('}');
    const auto next_open = rest.find('{');
    if (close == std::string_view::npos || next_open < close) {
      throw NameTemplateError(t.setting_ + " '" + t.text_ + "': a '{' is not closed by '}'");
    }
    Piece piece = t.parse_placeholder(rest.substr(0, close), fields);
    t.uses_file_ |= piece.part == Part::kFile || piece.part == Part::kFileStem || piece.part == Part::kDir;
    t.uses_fields_ |= piece.part == Part::kField;
    t.pieces_.push_back(std::move(piece));
    rest.remove_prefix(close + 1);
  }
  std::size_t literal_bytes = 0;
  for (const Piece& piece : t.pieces_) literal_bytes += piece.part == Part::kLiteral ? piece.text.size() : 0;
  if (literal_bytes > kMaxName) {
    throw NameTemplateError(t.setting_ + " is too long: a name has at most 512 characters");
  }
  if (kind == NameKind::kGroup && text.starts_with("aws/")) {
    throw NameTemplateError(t.setting_ + " must not start with 'aws/' (reserved by AWS)");
  }
  return t;
}

NameTemplate::Piece NameTemplate::parse_placeholder(std::string_view inside, std::vector<std::string>& fields) const {
  static constexpr std::pair<std::string_view, Part> kPlain[] = {
      {"prefix", Part::kPrefix}, {"hostname", Part::kHostname}, {"date", Part::kDate},
      {"file", Part::kFile},     {"file_stem", Part::kFileStem}, {"dir", Part::kDir}};
  for (const auto& [name, part] : kPlain) {
    if (inside == name) return Piece{part, ""};
  }
  for (std::string_view ecs : {"ecs_cluster", "ecs_task_id", "ecs_family", "ecs_container"}) {
    if (inside == ecs) return Piece{Part::kEcs, std::string(ecs)};
  }
  const auto colon = inside.find(':');
  const std::string_view kind = inside.substr(0, colon);
  if (colon == std::string_view::npos || (kind != "env" && kind != "field")) {
    throw NameTemplateError(setting_ + " '" + text_ + "': unknown placeholder {" + std::string(inside) +
                            "}; known are " + std::string(kKnown));
  }
  std::string_view name = inside.substr(colon + 1);
  Piece piece{kind == "env" ? Part::kEnv : Part::kField, ""};
  if (const auto mark = name.find(kFallbackMark); mark != std::string_view::npos) {
    piece.fallback = std::string(name.substr(mark + kFallbackMark.size()));
    piece.has_fallback = true;
    name = name.substr(0, mark);
    check_literal(piece.fallback);
  }
  if (name.empty() || (piece.part == Part::kEnv && !is_env_name(name))) {
    throw NameTemplateError(setting_ + " '" + text_ + "': {" + std::string(inside) + "} needs a " +
                            (piece.part == Part::kEnv ? "variable" : "field") + " name, as in {" +
                            std::string(kind) + ":NAME} or {" + std::string(kind) + ":NAME:-default}");
  }
  piece.text = std::string(name);
  if (piece.part == Part::kField) {
    const auto known = std::find(fields.begin(), fields.end(), piece.text);
    piece.field = static_cast<std::size_t>(known - fields.begin());
    if (known == fields.end()) fields.push_back(piece.text);
  }
  return piece;
}

void NameTemplate::check_literal(std::string_view literal) const {
  for (const char c : literal) {
    if (c == '}') throw NameTemplateError(setting_ + " '" + text_ + "': a '}' without its '{'");
    if (allowed_in_name(kind_, static_cast<unsigned char>(c))) continue;
    throw NameTemplateError(setting_ + " '" + text_ + "' has '" + std::string(1, c) + "'; " +
                            (kind_ == NameKind::kGroup ? "a log group allows letters, digits and . - _ / #"
                                                       : "a log stream allows anything but ':', '*' and control "
                                                         "characters"));
  }
}

bool NameTemplate::uses_ecs() const {
  return std::any_of(pieces_.begin(), pieces_.end(), [](const Piece& p) { return p.part == Part::kEcs; });
}

void NameTemplate::resolve(const StartValues& values) {
  for (Piece& piece : pieces_) {
    std::string value;
    switch (piece.part) {
      case Part::kPrefix: value = values.prefix; break;
      case Part::kHostname: value = values.hostname; break;
      case Part::kEnv: {
        const auto found = values.env ? values.env(piece.text) : std::nullopt;
        if (found && !found->empty()) {
          value = *found;
        } else if (piece.has_fallback) {
          value = piece.fallback;
        } else {
          throw NameTemplateError(setting_ + " '" + text_ + "' uses {env:" + piece.text + "}, which is not set; "
                                  "set it or give a default: {env:" + piece.text + ":-default}");
        }
        break;
      }
      case Part::kEcs: {
        std::string why = "the ECS task metadata is not known";
        const auto found = values.ecs ? values.ecs(piece.text, why) : std::nullopt;
        if (!found) throw NameTemplateError(setting_ + " '" + text_ + "' uses {" + piece.text + "}, but " + why);
        value = *found;
        break;
      }
      default: continue;  // filled in per destination
    }
    piece.part = Part::kLiteral;
    piece.text.clear();
    append_value(value, piece.text);
  }
}

void NameTemplate::append_value(std::string_view value, std::string& out) const {
  for (const char c : value) {
    const auto byte = static_cast<unsigned char>(c);
    // A group allows ASCII only: a character of several bytes becomes one '_'.
    if (kind_ == NameKind::kGroup && (byte & 0xC0) == 0x80) continue;
    out.push_back(allowed_in_name(kind_, byte) ? c : '_');
  }
}

std::string NameTemplate::render(const NameContext& context) const {
  std::string out;
  render(context, out);
  return out;
}

void NameTemplate::render(const NameContext& context, std::string& out) const {
  out.clear();
  for (const Piece& piece : pieces_) {
    switch (piece.part) {
      case Part::kLiteral: out += piece.text; break;
      case Part::kDate: out += context.date; break;
      case Part::kFile: append_value(context.file, out); break;
      case Part::kFileStem: append_value(context.file_stem, out); break;
      case Part::kDir: append_value(context.dir, out); break;
      case Part::kField: {
        const std::optional<std::string_view> value =
            piece.field < context.fields.size() ? context.fields[piece.field] : std::nullopt;
        if (value && !value->empty()) {
          append_value(*value, out);
        } else {
          out += piece.fallback;
        }
        break;
      }
      case Part::kPrefix:
      case Part::kHostname:
      case Part::kEnv:
      case Part::kEcs: break;  // resolved into literals at start
    }
  }
  cut_to_limit(out);
  if (out.empty()) out = "_";
}

FileNameParts file_name_parts(std::string_view relative_path) {
  const auto slash = relative_path.rfind('/');
  FileNameParts parts;
  parts.file = slash == std::string_view::npos ? relative_path : relative_path.substr(slash + 1);
  parts.dir = slash == std::string_view::npos || slash == 0 ? std::string_view(".") : relative_path.substr(0, slash);
  const auto dot = parts.file.rfind('.');
  parts.file_stem = dot == std::string_view::npos || dot == 0 ? parts.file : parts.file.substr(0, dot);
  return parts;
}

std::string local_date(std::chrono::system_clock::time_point now) {
  const std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  localtime_r(&t, &tm);
  char date[16];
  const std::size_t n = std::strftime(date, sizeof date, "%Y%m%d", &tm);
  return std::string(date, n);
}

}  // namespace cw::cloudwatch
