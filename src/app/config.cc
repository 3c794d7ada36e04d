#include "app/config.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <map>
#include <optional>

#include "app/config_file.h"
#include "app/dotenv.h"
#include "app/listen_address.h"
#include "aws/imds_client.h"
#include "aws/shared_config.h"
#include "cloudwatch/name_template.h"
#include "common/message_limit.h"
#include "common/read_file.h"
#include "transform/line_filter.h"
#include "transform/multiline.h"
#include "transform/redactor.h"

namespace cw::app {
namespace {

struct Setting {
  std::string_view flag;  // without "--"
  std::array<std::string_view, 2> vars;  // environment variables, first wins
  std::string_view default_text;         // for --help
  std::string_view help;
  bool is_switch = false;
};

constexpr std::array kSettings = {
    Setting{"log-path", {"LOG_PATH", ""}, "current directory", "Folder the application writes its log files into."},
    Setting{"log-extension", {"LOG_EXTENSION", ""}, "log", "Files LOG_PATH/*.<ext> are shipped."},
    Setting{"log-group", {"LOG_GROUP", ""}, "python_logs_example",
            "CloudWatch log group (created when missing); a template with the placeholders of LOG_STREAM_NAME. "
            "Allowed: letters, digits and . - _ / #; a placeholder's other characters become '_'."},
    Setting{"log-stream-prefix", {"LOG_STREAM_PREFIX", ""}, "default",
            "Stream name is <prefix>_<YYYYMMDD>, local date of the clock (created when missing)."},
    Setting{"region", {"AWS_REGION", "AWS_DEFAULT_REGION"}, "the profile's region, else EC2 instance metadata",
            "AWS region; never guessed: without one the sidecar stops."},
    Setting{"endpoint-url", {"AWS_ENDPOINT_URL_CLOUDWATCH_LOGS", "AWS_ENDPOINT_URL"}, "https://logs.<region>.amazonaws.com",
            "CloudWatch Logs endpoint, e.g. http://127.0.0.1:5000 for a local emulator."},
    Setting{"use-fips-endpoint", {"AWS_USE_FIPS_ENDPOINT", ""}, "the profile's use_fips_endpoint, else false",
            "Use the FIPS endpoints of CloudWatch Logs and STS (logs-fips.<region>...)."},
    Setting{"use-dualstack-endpoint", {"AWS_USE_DUALSTACK_ENDPOINT", ""},
            "the profile's use_dualstack_endpoint, else false", "Use the dual-stack (IPv6) endpoints (logs.<region>.api.aws)."},
    Setting{"check", {"", ""}, "off",
            "Resolve region, endpoint and credentials, create the group and stream, send one probe event, report "
            "what works and what permission is missing; exit 0 when all works, else 1.", true},
    Setting{"check-no-probe", {"", ""}, "off", "With --check: send no probe event.", true},
    Setting{"validate", {"", ""}, "off",
            "Check the whole configuration (flags, environment, dotenv file, CONFIG_FILE) and print, for each log "
            "file present now, the source, group and stream its lines go to (a name with {field:...} or {ecs_*} as its template); no "
            "network call, nothing written. Exit 0, or 2 with the error.", true},
    Setting{"profile", {"AWS_PROFILE_NAME", "AWS_PROFILE"}, "default",
            "Profile of the shared AWS files. AWS_PROFILE_NAME or the flag use the profile alone; AWS_PROFILE comes after "
            "the AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN environment keys."},
    Setting{"state-dir", {"STATE_DIR", ""}, "<LOG_PATH>/.cw-sidecar",
            "Where checkpoints are kept; on the shared volume so they survive a restart."},
    Setting{"state-lock-wait-s", {"STATE_LOCK_WAIT_S", ""}, "forever",
            "One sidecar owns a STATE_DIR at a time (an flock on <STATE_DIR>/lock). Another one started on it, as in a "
            "start-first rolling update, waits this long for the owner to stop, then exits 1; it then starts from "
            "the owner's checkpoints. 0: do not wait. While waiting, /healthz answers 200 'waiting for the state lock'."},
    Setting{"checkpoint-sync-ms", {"CHECKPOINT_SYNC_MS", ""}, "1000",
            "How often the checkpoints are forced to disk (fsync) while lines are acknowledged. A crash of the sidecar "
            "repeats only the batches in flight either way; a crash of the machine may repeat up to this much, never "
            "lose. 0: after every batch."},
    Setting{"checkpoint-unsaved-max-mb", {"CHECKPOINT_UNSAVED_MAX_MB", ""}, "16",
            "While checkpoints cannot be written (STATE_DIR full, read-only or removed: /healthz says so, and is "
            "503 after HEALTH_STUCK_AFTER_S; the writes are retried), reading stops once this many MiB were "
            "acknowledged since the last write or read since the writes began to fail: a crash in that state "
            "sends about this much again. --once then ends with exit 1."},
    Setting{"exclude-fields", {"EXCLUDE_FIELDS", ""}, "@timestamp,logger",
            "Comma-separated top-level fields left out of the message."},
    Setting{"timestamp-field", {"TIMESTAMP_FIELD", ""}, "@timestamp",
            "Field holding the event time: ISO 8601 (no offset = local zone) or epoch seconds/milliseconds."},
    Setting{"config-file", {"CONFIG_FILE", ""}, "none (one source from these settings)",
            "YAML file of sources: each has include/exclude globs and its own group, stream, group settings, "
            "timestamp field, excluded fields, window policy, message cap, filters and multiline_start; a key left "
            "out takes the value of these settings. ${VAR} and ${VAR:-default} expand in it. A file belongs to the "
            "first source that matches it; one no source matches is not read."},
    Setting{"multiline-start", {"MULTILINE_START", ""}, "none (every line is an event)",
            "Regex (RE2) of the first line of a text event: a line that is not a JSON object and does not match is "
            "joined with '\\n' to the event before (a traceback's lines)."},
    Setting{"multiline-flush-ms", {"MULTILINE_FLUSH_MS", ""}, "1000",
            "A text event is shipped once no line was added to it for this long."},
    Setting{"environment", {"ENVIRONMENT", ""}, "local", "Selects the dotenv file env/<ENVIRONMENT>/.env."},
    Setting{"env-file", {"ENV_FILE", ""}, "env/<ENVIRONMENT>/.env",
            "Dotenv file; the real environment wins over it. A missing default file is ignored."},
    Setting{"once", {"ONCE", ""}, "false",
            "Ship what the files hold now, then exit 0 (as one run of the Python cw.py).", true},
    Setting{"poll-interval-ms", {"POLL_INTERVAL_MS", ""}, "500", "How often files are checked for new lines."},
    Setting{"max-message-bytes", {"MAX_MESSAGE_BYTES", ""}, "1048550",
            "Longest message; longer lines are cut into pieces (262118 for the old 256 KB limit)."},
    Setting{"log-level", {"LOG_LEVEL", ""}, "info", "Own log lines on stderr: debug, info, warn, error."},
    Setting{"connect-timeout-ms", {"CONNECT_TIMEOUT_MS", ""}, "3000", "TCP/TLS connect timeout."},
    Setting{"request-timeout-ms", {"REQUEST_TIMEOUT_MS", ""}, "30000", "Whole-request timeout."},
    Setting{"ca-bundle", {"AWS_CA_BUNDLE", ""}, "system store", "PEM file of CAs to verify the endpoint with."},
    Setting{"include", {"INCLUDE", ""}, "*.<LOG_EXTENSION>",
            "Comma-separated globs of files to ship, relative to LOG_PATH; '**' spans folders (e.g. **/*.log)."},
    Setting{"exclude", {"EXCLUDE", ""}, "none", "Comma-separated globs of files not to ship (e.g. *.gz,debug/**)."},
    Setting{"watch-mode", {"WATCH_MODE", ""}, "auto",
            "auto: inotify, or polling on NFS/EFS/CIFS/FUSE (detected); inotify; poll."},
    Setting{"partial-line-flush-ms", {"PARTIAL_LINE_FLUSH_MS", ""}, "0 (wait for the newline)",
            "Ship a last line without newline after it has been unchanged this long."},
    Setting{"rotated-max-age-s", {"ROTATED_MAX_AGE_S", ""}, "0 (read to the end)",
            "Give up a rotated or deleted file not fully read after this long; what is left is counted and logged."},
    Setting{"max-open-files", {"MAX_OPEN_FILES", ""}, "the descriptor limit less 48 + 4 per MAX_IN_FLIGHT",
            "Most log files held open at once; the others are tracked by identity and offset and opened in turns, "
            "those with lines to read first. The soft descriptor limit is raised to the hard one at start."},
    Setting{"close-inactive-s", {"CLOSE_INACTIVE_S", ""}, "300",
            "A file read to its end and unchanged this long gives its descriptor back; it is reopened when it "
            "grows. 0: never."},
    Setting{"log-stream-name", {"LOG_STREAM_NAME", ""}, "{prefix}_{date}",
            "Stream name template: {prefix}, {date} (YYYYMMDD, local date when the line is read), {hostname}, "
            "{file} (the log file's name: one stream per file), {file_stem} (api.log: api), {dir} (its folder under "
            "LOG_PATH, '.' at the top), {env:NAME} (e.g. a pod's POD_NAME), {field:NAME} (the line's top-level string "
            "field), {ecs_cluster}, {ecs_task_id}, {ecs_family}, {ecs_container} (from the ECS task metadata). "
            "{env:NAME:-default} and {field:NAME:-default} when unset or empty. ':' and '*' in values become '_'; "
            "names are cut at 512 bytes. An unknown placeholder is an error."},
    Setting{"batch-memory-mb", {"BATCH_MEMORY_MB", ""}, "4",
            "Most MiB of events held in batches being filled, across all streams; when reached, the fullest batch "
            "is sent. One stream always gets full (1 MiB) batches; many streams busy at once share this."},
    Setting{"max-in-flight", {"MAX_IN_FLIGHT", ""}, "1",
            "Most PutLogEvents requests at once (each on its own connection); halved on throttling. "
            "Each holds a batch of up to 1 MiB in memory; one at a time, while the next batch fills, "
            "ships 10 MB/s at a 100 ms round trip. Raise it for more."},
    Setting{"batch-linger-ms", {"BATCH_LINGER_MS", ""}, "200",
            "Longest a partly filled batch waits for more lines before it is sent."},
    Setting{"shutdown-grace-ms", {"SHUTDOWN_GRACE_MS", ""}, "5000",
            "After SIGTERM/SIGINT: time to send what was read. The rest stays on disk for the next start."},
    Setting{"backoff-base-ms", {"BACKOFF_BASE_MS", ""}, "200", "First retry delay (full jitter, doubling)."},
    Setting{"backoff-cap-ms", {"BACKOFF_CAP_MS", ""}, "20000", "Longest retry delay."},
    Setting{"summary-interval-s", {"SUMMARY_INTERVAL_S", ""}, "300", "How often the counters are logged."},
    Setting{"out-of-window", {"OUT_OF_WINDOW", ""}, "restamp",
            "Events older than 14 days (or the retention) or over 2 h ahead: restamp (read time, original kept as "
            "@original_timestamp), send (the service rejects them), set-aside (dead-letter file)."},
    Setting{"dead-letter-file", {"DEAD_LETTER_FILE", ""}, "<STATE_DIR>/dead-letter.jsonl",
            "Events CloudWatch will not store, with the reason; 'off' to disable."},
    Setting{"retention-days", {"RETENTION_DAYS", ""}, "never expire",
            "Retention set when the sidecar creates the group: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, "
            "545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653."},
    Setting{"log-group-tags", {"LOG_GROUP_TAGS", ""}, "none", "Tags for a group the sidecar creates: k=v,k2=v2."},
    Setting{"kms-key-id", {"KMS_KEY_ID", ""}, "none", "KMS key ARN for a group the sidecar creates."},
    Setting{"log-group-class", {"LOG_GROUP_CLASS", ""}, "STANDARD",
            "Class of a group the sidecar creates: STANDARD or INFREQUENT_ACCESS."},
    Setting{"log-format", {"LOG_FORMAT", ""}, "plain",
            "Own log lines: plain (time LEVEL message) or json ({\"time\",\"level\",\"msg\"} per line)."},
    Setting{"metrics-address", {"METRICS_ADDRESS", ""}, "off",
            "host:port of the HTTP listener serving /metrics (Prometheus) and /healthz, e.g. 127.0.0.1:9880 or "
            "0.0.0.0:9880; off when unset."},
    Setting{"health-stuck-after-s", {"HEALTH_STUCK_AFTER_S", ""}, "300",
            "/healthz answers 503 once every request has failed for this long, or the oldest unacknowledged batch "
            "is this old."},
    Setting{"healthcheck", {"", ""}, "off",
            "Ask the running sidecar's /healthz at METRICS_ADDRESS (for a container HEALTHCHECK); exit 0 healthy, "
            "1 unhealthy, unreachable or metrics off.", true},
};

const Setting* find_setting(std::string_view flag) {
  for (const auto& s : kSettings) {
    if (s.flag == flag) return &s;
  }
  return nullptr;
}

bool is_directory(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

bool exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

long long parse_positive(std::string_view name, const std::string& text, std::string_view unit) {
  long long value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value <= 0) {
    throw ConfigError(std::string(name) + " must be a positive number of " + std::string(unit) + ", got '" + text +
                      "'");
  }
  return value;
}

std::chrono::milliseconds parse_ms(std::string_view name, const std::string& text) {
  return std::chrono::milliseconds(parse_positive(name, text, "milliseconds"));
}

bool parse_bool(std::string_view name, const std::string& text) {
  if (text == "1" || text == "true" || text == "yes" || text == "on") return true;
  if (text == "0" || text == "false" || text == "no" || text == "off" || text.empty()) return false;
  throw ConfigError(std::string(name) + " must be true or false, got '" + text + "'");
}

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    const auto first = item.find_first_not_of(' ');
    if (first == std::string::npos) continue;
    out.push_back(item.substr(first, item.find_last_not_of(' ') - first + 1));
  }
  return out;
}

// A name template, checked as written (its values are put in at start).
void check_template(const std::string& text, cloudwatch::NameKind kind, std::string_view setting) {
  std::vector<std::string> fields;
  try {
    cloudwatch::NameTemplate::parse(text, kind, setting, fields);
  } catch (const cloudwatch::NameTemplateError& e) {
    throw ConfigError(e.what());
  }
}

void validate_stream_prefix(const std::string& prefix) {
  if (prefix.empty()) throw ConfigError("LOG_STREAM_PREFIX must not be empty");
  if (prefix.size() + 9 > 512) throw ConfigError("LOG_STREAM_PREFIX is too long (stream names have at most 512 characters)");
  if (prefix.find_first_of(":*") != std::string::npos) {
    throw ConfigError("LOG_STREAM_PREFIX '" + prefix + "' must not contain ':' or '*'");
  }
}

std::string read_text_file(const std::string& path) {
  std::optional<std::string> text = read_file(path);
  if (!text) throw ConfigError("cannot read dotenv file " + path);
  return std::move(*text);
}

using Flags = std::map<std::string, std::string, std::less<>>;

// Flags as given: "--name value", "--name=value", a switch alone. nullopt
// when the first one asks for --help or --version (`command` says which).
std::optional<Flags> parse_flags(int argc, const char* const* argv, Command& command) {
  Flags flags;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h" || arg == "--version") {
      command = arg == "--version" ? Command::kVersion : Command::kHelp;
      return std::nullopt;
    }
    if (!arg.starts_with("--")) throw ConfigError("unexpected argument '" + std::string(arg) + "' (see --help)");
    arg.remove_prefix(2);
    std::string value;
    const auto eq = arg.find('=');
    const std::string_view name = arg.substr(0, eq);
    const Setting* setting = find_setting(name);
    if (setting == nullptr) throw ConfigError("unknown flag --" + std::string(name) + " (see --help)");
    if (eq != std::string_view::npos) {
      value = std::string(arg.substr(eq + 1));
    } else if (setting->is_switch) {
      value = "true";
    } else {
      if (i + 1 >= argc) throw ConfigError("flag --" + std::string(name) + " needs a value");
      value = argv[++i];
    }
    flags[std::string(name)] = value;
  }
  return flags;
}

// A setting's value: its flag, else its environment variables in order (the
// dotenv file under the real environment), else unset.
class Values {
 public:
  Values(const Flags& flags, const aws::Environment& env) : flags_(flags), env_(env) {}
  // A source of CONFIG_FILE over them: its settings first.
  Values(const Values& under, const Flags& source) : flags_(under.flags_), env_(under.env_), source_(&source) {}

  std::optional<std::string> get(std::string_view flag) const {
    if (source_ != nullptr) {
      if (auto it = source_->find(flag); it != source_->end()) return it->second;
    }
    if (auto it = flags_.find(flag); it != flags_.end()) return it->second;
    for (std::string_view var : find_setting(flag)->vars) {
      if (var.empty()) continue;
      if (auto v = env_.get(var)) return v;
    }
    return std::nullopt;
  }
  // For a setting whose --help default is its value.
  std::string get_or_default(std::string_view flag) const {
    return get(flag).value_or(std::string(find_setting(flag)->default_text));
  }
  bool given(std::string_view flag) const { return flags_.contains(flag); }

 private:
  const Flags& flags_;
  const aws::Environment& env_;
  const Flags* source_ = nullptr;
};

// Where the logs and the state are.
void read_paths(const Values& v, Config& out) {
  char cwd[4096];
  out.log_path = v.get("log-path").value_or(::getcwd(cwd, sizeof cwd) ? std::string(cwd) : std::string("."));
  while (out.log_path.size() > 1 && out.log_path.back() == '/') out.log_path.pop_back();
  if (exists(out.log_path) && !is_directory(out.log_path)) {
    throw ConfigError("LOG_PATH " + out.log_path + " is not a directory");
  }
  out.log_extension = v.get_or_default("log-extension");
  if (out.log_extension.starts_with(".")) out.log_extension.erase(0, 1);
  if (out.log_extension.empty() || out.log_extension.find('/') != std::string::npos) {
    throw ConfigError("LOG_EXTENSION must be a file name extension such as 'log'");
  }
  out.state_dir = v.get("state-dir").value_or(out.log_path + "/.cw-sidecar");
  if (exists(out.state_dir) && !is_directory(out.state_dir)) {
    throw ConfigError("STATE_DIR " + out.state_dir + " is not a directory");
  }
  out.dead_letter_file = v.get("dead-letter-file").value_or(out.state_dir + "/dead-letter.jsonl");
  if (out.dead_letter_file == "off") out.dead_letter_file.clear();
  out.log_stream_prefix = v.get_or_default("log-stream-prefix");
  validate_stream_prefix(out.log_stream_prefix);
}

// Region, endpoint, profile, the connection.
void read_aws(const Values& v, Config& out) {
  out.profile_explicit = v.given("profile") || out.env.get("AWS_PROFILE_NAME").has_value();
  out.profile = v.get("profile").value_or("");
  const std::string profile_for_region = out.profile.empty() ? "default" : out.profile;
  const aws::SharedConfig shared = aws::SharedConfig::load(out.env);
  if (auto region = v.get("region")) {
    out.region = *region;
  } else if (auto from_profile = shared.get(profile_for_region, "region")) {
    out.region = *from_profile;
  } else if (out.validate) {
    out.region = "";  // instance metadata is not asked: --validate makes no network call
  } else if (std::string why; auto from_imds = aws::imds_region(out.env, why)) {
    out.region = *from_imds;  // last, as the SDKs: only when nothing else named one
  } else {
    throw ConfigError("no AWS region: set AWS_REGION (or AWS_DEFAULT_REGION, --region, or region in profile '" +
                      profile_for_region + "'); " + why);
  }
  out.endpoint_flags.use_fips = parse_bool(
      "AWS_USE_FIPS_ENDPOINT",
      v.get("use-fips-endpoint").value_or(shared.get(profile_for_region, "use_fips_endpoint").value_or("false")));
  out.endpoint_flags.use_dual_stack = parse_bool(
      "AWS_USE_DUALSTACK_ENDPOINT", v.get("use-dualstack-endpoint")
                                        .value_or(shared.get(profile_for_region, "use_dualstack_endpoint").value_or("false")));
  out.check = parse_bool("--check", v.get_or_default("check"));
  out.check_probe = !parse_bool("--check-no-probe", v.get_or_default("check-no-probe"));
  if (!out.check_probe && !out.check) throw ConfigError("--check-no-probe goes with --check");
  out.endpoint_url = v.get("endpoint-url").value_or("");
  out.connect_timeout = parse_ms("CONNECT_TIMEOUT_MS", v.get_or_default("connect-timeout-ms"));
  out.request_timeout = parse_ms("REQUEST_TIMEOUT_MS", v.get_or_default("request-timeout-ms"));
  out.ca_bundle = v.get("ca-bundle").value_or("");
}

// The settings a CONFIG_FILE source may give (as flags are spelled).
const std::vector<std::string_view> kPerSource = {
    "log-group",       "log-stream-name", "retention-days", "log-group-tags",   "kms-key-id",
    "log-group-class", "timestamp-field", "exclude-fields", "out-of-window",    "max-message-bytes",
    "multiline-start"};

// Group and stream, and how a missing group is created.
void read_destination(const Values& v, SourceConfig& out) {
  out.log_group = v.get_or_default("log-group");
  check_template(out.log_group, cloudwatch::NameKind::kGroup, "LOG_GROUP");
  out.stream_template = v.get_or_default("log-stream-name");
  check_template(out.stream_template, cloudwatch::NameKind::kStream, "LOG_STREAM_NAME");
  if (auto days = v.get("retention-days")) {
    out.retention_days = static_cast<int>(parse_positive("RETENTION_DAYS", *days, "days"));
    static constexpr int kAllowed[] = {1,   3,   5,   7,   14,   30,   60,   90,   120,  150,  180,
                                       365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653};
    if (std::find(std::begin(kAllowed), std::end(kAllowed), out.retention_days) == std::end(kAllowed)) {
      throw ConfigError("RETENTION_DAYS " + *days + " is not one CloudWatch allows (1, 3, 5, 7, 14, 30, 60, 90, ...)");
    }
  }
  for (const std::string& tag : split_list(v.get("log-group-tags").value_or(""))) {
    const auto eq = tag.find('=');
    if (eq == std::string::npos || eq == 0) throw ConfigError("LOG_GROUP_TAGS entries must be key=value, got '" + tag + "'");
    out.group_tags.emplace_back(tag.substr(0, eq), tag.substr(eq + 1));
  }
  if (out.group_tags.size() > 50) throw ConfigError("LOG_GROUP_TAGS has more than 50 tags");
  out.kms_key_id = v.get("kms-key-id").value_or("");
  out.group_class = v.get("log-group-class").value_or("");
  if (!out.group_class.empty() && out.group_class != "STANDARD" && out.group_class != "INFREQUENT_ACCESS") {
    throw ConfigError("LOG_GROUP_CLASS must be STANDARD or INFREQUENT_ACCESS");
  }
}

// How a line becomes an event.
void read_events(const Values& v, SourceConfig& out) {
  out.exclude_fields = split_list(v.get_or_default("exclude-fields"));
  out.timestamp_field = v.get_or_default("timestamp-field");
  if (out.timestamp_field.empty()) throw ConfigError("TIMESTAMP_FIELD must not be empty");
  const long long max_message =
      parse_positive("MAX_MESSAGE_BYTES", v.get_or_default("max-message-bytes"), "bytes");
  if (max_message < 64 || static_cast<std::size_t>(max_message) > kMaxMessageBytes) {
    throw ConfigError("MAX_MESSAGE_BYTES must be between 64 and " + std::to_string(kMaxMessageBytes));
  }
  out.max_message_bytes = static_cast<std::size_t>(max_message);
  if (const std::string policy = v.get_or_default("out-of-window");
      !transform::parse_window_policy(policy, out.window_policy)) {
    throw ConfigError("OUT_OF_WINDOW must be restamp, send or set-aside, got '" + policy + "'");
  }
  out.multiline_start = v.get("multiline-start").value_or("");
  try {
    if (!out.multiline_start.empty()) transform::Multiline check(out.multiline_start);
  } catch (const transform::FilterError& e) {
    throw ConfigError(std::string("MULTILINE_START: ") + e.what());
  }
}

// One source: its files, where they go, how lines become events.
SourceConfig read_source(const Values& v, const std::string& log_extension) {
  SourceConfig out;
  out.include = split_list(v.get("include").value_or("*." + log_extension));
  if (out.include.empty()) throw ConfigError("INCLUDE must name at least one pattern");
  out.exclude = split_list(v.get("exclude").value_or(""));
  read_destination(v, out);
  read_events(v, out);
  return out;
}

// CONFIG_FILE's sources, over the environment's settings.
std::vector<SourceConfig> read_sources(const Values& v, Config& config) {
  config.config_file = v.get("config-file").value_or("");
  if (config.config_file.empty()) return {read_source(v, config.log_extension)};
  const VariableLookup environment = [&config](std::string_view name) { return config.env.get(name); };
  std::vector<SourceConfig> sources;
  for (const WrittenSource& written : read_config_file(config.config_file, kPerSource, environment)) {
    const std::string where = "CONFIG_FILE " + config.config_file + " source '" + written.name + "' (line " +
                              std::to_string(written.line) + "): ";
    try {
      SourceConfig source = read_source(Values(v, written.settings), config.log_extension);
      source.name = written.name;
      source.line = written.line;
      source.filters = written.filters;
      transform::LineFilter check_filter(source.filters);
      transform::Redactor check_redactor(source.filters);
      sources.push_back(std::move(source));
    } catch (const transform::FilterError& e) {
      throw ConfigError(where + "filters (line " + std::to_string(written.filters_line) + "): " + e.what());
    } catch (const ConfigError& e) {
      throw ConfigError(where + e.what());
    }
  }
  return sources;
}

// How the files are followed.
void read_files(const Values& v, Config& out) {
  out.once = parse_bool("ONCE", v.get_or_default("once"));
  out.poll_interval = parse_ms("POLL_INTERVAL_MS", v.get_or_default("poll-interval-ms"));
  out.multiline_flush = parse_ms("MULTILINE_FLUSH_MS", v.get_or_default("multiline-flush-ms"));
  if (const std::string mode = v.get_or_default("watch-mode"); !source::parse_watch_mode(mode, out.watch_mode)) {
    throw ConfigError("WATCH_MODE must be auto, inotify or poll, got '" + mode + "'");
  }
  if (auto flush = v.get("partial-line-flush-ms"); flush && *flush != "0") {
    out.partial_line_flush = parse_ms("PARTIAL_LINE_FLUSH_MS", *flush);
  }
  if (const std::string sync = v.get_or_default("checkpoint-sync-ms"); sync != "0") {
    out.checkpoint_sync = parse_ms("CHECKPOINT_SYNC_MS", sync);
  } else {
    out.checkpoint_sync = std::chrono::milliseconds(0);
  }
  const long long unsaved_mib =
      parse_positive("CHECKPOINT_UNSAVED_MAX_MB", v.get_or_default("checkpoint-unsaved-max-mb"), "MiB");
  if (unsaved_mib > (1LL << 20)) throw ConfigError("CHECKPOINT_UNSAVED_MAX_MB must be at most 1048576 (1 TiB)");
  out.checkpoint_unsaved_max_bytes = static_cast<std::uint64_t>(unsaved_mib) << 20;
  if (auto wait = v.get("state-lock-wait-s"); wait && *wait != "forever") {
    out.state_lock_wait =
        std::chrono::seconds(*wait == "0" ? 0 : parse_positive("STATE_LOCK_WAIT_S", *wait, "seconds"));
  }
  if (auto budget = v.get("max-open-files")) {
    out.max_open_files = static_cast<std::uint64_t>(parse_positive("MAX_OPEN_FILES", *budget, "files"));
  }
  const std::string idle = v.get_or_default("close-inactive-s");
  out.close_inactive = std::chrono::seconds(idle == "0" ? 0 : parse_positive("CLOSE_INACTIVE_S", idle, "seconds"));
  if (auto age = v.get("rotated-max-age-s"); age && *age != "0") {
    out.rotated_max_age = std::chrono::seconds(parse_positive("ROTATED_MAX_AGE_S", *age, "seconds"));
  }
}

// How requests are sent and retried.
void read_delivery(const Values& v, Config& out) {
  out.max_in_flight = static_cast<int>(parse_positive("MAX_IN_FLIGHT", v.get_or_default("max-in-flight"), "requests"));
  if (out.max_in_flight > 64) throw ConfigError("MAX_IN_FLIGHT must be at most 64");
  out.linger = parse_ms("BATCH_LINGER_MS", v.get_or_default("batch-linger-ms"));
  const long long budget_mib = parse_positive("BATCH_MEMORY_MB", v.get_or_default("batch-memory-mb"), "MiB");
  if (budget_mib > 4096) throw ConfigError("BATCH_MEMORY_MB must be at most 4096");
  out.batch_budget_bytes = static_cast<std::size_t>(budget_mib) << 20;
  out.grace = parse_ms("SHUTDOWN_GRACE_MS", v.get_or_default("shutdown-grace-ms"));
  out.backoff_base = parse_ms("BACKOFF_BASE_MS", v.get_or_default("backoff-base-ms"));
  out.backoff_cap = parse_ms("BACKOFF_CAP_MS", v.get_or_default("backoff-cap-ms"));
}

// Own logs, summaries and health.
void read_observability(const Values& v, Config& out) {
  const std::string level = v.get_or_default("log-level");
  if (!parse_log_level(level, out.log_level)) {
    throw ConfigError("LOG_LEVEL must be debug, info, warn or error, got '" + level + "'");
  }
  out.summary_interval =
      std::chrono::seconds(parse_positive("SUMMARY_INTERVAL_S", v.get_or_default("summary-interval-s"), "seconds"));
  const std::string format = v.get_or_default("log-format");
  if (!parse_log_format(format, out.log_format)) throw ConfigError("LOG_FORMAT must be plain or json, got '" + format + "'");
  out.health_stuck_after = std::chrono::seconds(
      parse_positive("HEALTH_STUCK_AFTER_S", v.get_or_default("health-stuck-after-s"), "seconds"));
}

}  // namespace

std::string help_text() {
  std::string out =
      "cw-sidecar: ships JSON-lines log files to Amazon CloudWatch Logs.\n\n"
      "Usage: cw-sidecar [--flag value | --flag=value]...\n\n"
      "Each line of LOG_PATH/*.<LOG_EXTENSION> becomes one event: the time from TIMESTAMP_FIELD, the message is the\n"
      "JSON object without EXCLUDE_FIELDS. Lines that are not JSON objects are sent as they are, stamped with the\n"
      "time they were read. Positions are checkpointed in STATE_DIR only after CloudWatch accepted the lines, so a\n"
      "restart neither loses nor repeats lines.\n\n"
      "Settings (flag, then environment variable; precedence: flag > environment > dotenv file > default):\n";
  for (const auto& s : kSettings) {
    out += "  --" + std::string(s.flag) + (s.is_switch ? "" : " VALUE") + "\n      ";
    out += s.vars[0].empty() ? std::string("flag only") : std::string(s.vars[0]);
    if (!s.vars[1].empty()) out += ", then " + std::string(s.vars[1]);
    out += " (default: " + std::string(s.default_text) + ")\n      " + std::string(s.help) + "\n";
  }
  out +=
      "\nCredentials, first source configured wins (as the AWS SDKs): AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,\n"
      "AWS_SESSION_TOKEN (each also as <NAME>_FILE, a Docker secret); AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN;\n"
      "the profile in AWS_SHARED_CREDENTIALS_FILE / AWS_CONFIG_FILE (keys, role_arn, credential_process);\n"
      "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI / _FULL_URI; EC2 instance metadata (AWS_EC2_METADATA_DISABLED).\n"
      "STS: AWS_ENDPOINT_URL_STS. Temporary credentials are refreshed ahead of their expiry.\n"
      "Proxies: HTTPS_PROXY and NO_PROXY.\n\n"
      "Exit codes: 0 done (or stopped by SIGTERM/SIGINT), 1 the service refused the credentials or permissions,\n"
      "2 bad configuration.\n"
      "  --help     this text\n  --version  the version\n";
  return out;
}

Command parse_command_line(int argc, const char* const* argv, aws::Environment process_env, Config& out) {
  Command command = Command::kRun;
  const std::optional<Flags> flags = parse_flags(argc, argv, command);
  if (!flags) return command;

  // The dotenv file is chosen by flag or real environment only.
  const Values early(*flags, process_env);
  out.environment = early.get_or_default("environment");
  const std::optional<std::string> named_env_file = early.get("env-file");
  out.env_file = named_env_file.value_or("env/" + out.environment + "/.env");
  if (named_env_file || exists(out.env_file)) {
    process_env.add_fallback(parse_dotenv(read_text_file(out.env_file),
                                          [&process_env](std::string_view name) { return process_env.get(name); }));
  }
  out.env = std::move(process_env);
  const Values v(*flags, out.env);

  // --healthcheck needs the listener's address only: no region lookup, no file checks.
  const std::string metrics = v.get_or_default("metrics-address");
  if (!metrics.empty() && metrics != "off") {
    out.metrics_address = parse_listen_address(metrics);
    if (!out.metrics_address) {
      throw ConfigError("METRICS_ADDRESS must be host:port (e.g. 127.0.0.1:9880, [::1]:9880), got '" + metrics + "'");
    }
  }
  if (parse_bool("--healthcheck", v.get_or_default("healthcheck"))) return Command::kHealthcheck;

  out.validate = parse_bool("--validate", v.get_or_default("validate"));
  read_paths(v, out);
  out.sources = read_sources(v, out);  // after the paths: INCLUDE defaults to *.<LOG_EXTENSION>
  read_aws(v, out);                    // after the checks that need no network (the region may come from IMDS)
  read_files(v, out);
  read_delivery(v, out);
  read_observability(v, out);
  return out.validate ? Command::kValidate : Command::kRun;
}

}  // namespace cw::app
