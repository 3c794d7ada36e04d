#pragma once
// NameTemplate: a log group or log stream name with placeholders, checked
// whole at start and filled in for each destination.
//
//   {prefix}            LOG_STREAM_PREFIX
//   {hostname}          the host's name (a Swarm task's, a pod's)
//   {env:NAME}          an environment variable, read at start
//   {ecs_cluster} {ecs_task_id} {ecs_family} {ecs_container}
//                       the ECS task's, from its metadata endpoint at start
//   {date}              YYYYMMDD, the local date when the line is read
//   {file} {file_stem} {dir}
//                       the log file's name, that name without its last
//                       extension, its folder relative to LOG_PATH ("." at the top)
//   {field:NAME}        the line's top-level string field NAME
// {env:NAME:-DEFAULT} and {field:NAME:-DEFAULT} stand for DEFAULT when the
// value is absent, not a string, or empty; {env:NAME} of an unset variable
// without a default is an error at start (a missing downward-API variable
// should not silently merge every pod into one stream).
//
// What a placeholder puts in is made valid: a character the name may not
// hold becomes '_' (a group allows only [A-Za-z0-9._/#-]; a stream anything
// but ':', '*' and control characters). A name is cut at 512 bytes, and one
// left empty is "_". What the template says literally must be valid as
// written: an unknown or malformed placeholder, a character the name may not
// hold, or a group beginning with "aws/" is a NameTemplateError.

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace cw::cloudwatch {

class NameTemplateError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class NameKind { kGroup, kStream };

// What the placeholders fixed at start stand for.
struct StartValues {
  std::string prefix;
  std::string hostname;
  std::function<std::optional<std::string>(std::string_view name)> env;
  // {ecs_*} by name ("ecs_cluster", ...); nullopt, with the reason in `why`,
  // when the task metadata could not be had. Called only for a template that
  // uses them.
  std::function<std::optional<std::string>(std::string_view name, std::string& why)> ecs;
};

// What the placeholders filled in per destination stand for.
struct NameContext {
  std::string_view file;       // the file's name
  std::string_view file_stem;  // without its last extension
  std::string_view dir;        // relative to LOG_PATH, "." at the top
  std::string_view date;       // YYYYMMDD
  // By the index NameTemplate::parse gave the field's name; nullopt: absent
  // or not a string.
  std::span<const std::optional<std::string_view>> fields;
};

class NameTemplate {
 public:
  // `setting` names the template in errors (LOG_GROUP, LOG_STREAM_NAME).
  // The names of {field:...} placeholders are appended to `fields` unless
  // they are there already; their index there is what NameContext::fields
  // is read by.
  static NameTemplate parse(std::string_view text, NameKind kind, std::string_view setting,
                            std::vector<std::string>& fields);

  bool uses_ecs() const;
  // Puts in the values fixed at start. Throws NameTemplateError for an unset
  // {env:...} without a default, or an {ecs_*} that could not be had.
  void resolve(const StartValues& values);

  bool uses_file() const { return uses_file_; }      // {file}, {file_stem} or {dir}
  bool uses_fields() const { return uses_fields_; }  // {field:...}
  const std::string& text() const { return text_; }

  // Precondition: resolve() was called.
  std::string render(const NameContext& context) const;
  void render(const NameContext& context, std::string& out) const;

 private:
  enum class Part { kLiteral, kPrefix, kHostname, kEnv, kEcs, kDate, kFile, kFileStem, kDir, kField };
  struct Piece {
    Part part;
    std::string text{};    // the literal, or the variable's, field's or ECS value's name
    std::string fallback{};  // after ":-"
    bool has_fallback = false;
    std::size_t field = 0;  // index into the fields of NameContext
  };
  NameTemplate(std::string text, NameKind kind, std::string setting)
      : text_(std::move(text)), kind_(kind), setting_(std::move(setting)) {}
  Piece parse_placeholder(std::string_view inside, std::vector<std::string>& fields) const;
  void check_literal(std::string_view literal) const;
  void append_value(std::string_view value, std::string& out) const;

  std::string text_;
  NameKind kind_;
  std::string setting_;
  std::vector<Piece> pieces_;
  bool uses_file_ = false;
  bool uses_fields_ = false;
};

// Whether `c` may stand in a name of this kind as it is.
bool allowed_in_name(NameKind kind, unsigned char c);

// The name's pieces for a file at `relative_path` (under LOG_PATH).
struct FileNameParts {
  std::string_view file;
  std::string_view file_stem;
  std::string_view dir;
};
FileNameParts file_name_parts(std::string_view relative_path);

// YYYYMMDD of `now` in the local time zone.
std::string local_date(std::chrono::system_clock::time_point now);

}  // namespace cw::cloudwatch
