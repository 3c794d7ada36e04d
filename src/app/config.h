#pragma once
// Config: every setting of the sidecar, from flags, the environment, the dotenv
// file env/<ENVIRONMENT>/.env and defaults, in that order of precedence. All
// validation happens here, before any network call: a bad setting is one
// ConfigError line and exit code 2. For a run, parse_command_line sets every
// field: a default that is a value is written once, in the settings table in
// config.cc that --help prints; the others (LOG_PATH's current folder,
// STATE_DIR under it, ...) are worked out there from other settings.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "app/listen_address.h"
#include "app/source_config.h"
#include "aws/endpoint_rules.h"
#include "aws/environment.h"
#include "common/logger.h"
#include "source/file_watcher.h"

namespace cw::app {

class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct Config {
  std::string log_path;
  std::string log_extension;
  std::string log_stream_prefix;
  std::string region;
  std::string endpoint_url;
  aws::EndpointFlags endpoint_flags;  // FIPS / dual-stack, for CloudWatch Logs and STS
  std::string profile;
  bool profile_explicit = false;  // --profile or AWS_PROFILE_NAME: the profile alone
  std::string state_dir;
  std::optional<std::chrono::seconds> state_lock_wait;  // STATE_LOCK_WAIT_S; nullopt: for ever
  std::chrono::milliseconds checkpoint_sync{};  // 0: every checkpoint save is fsynced
  std::uint64_t checkpoint_unsaved_max_bytes{};  // CHECKPOINT_UNSAVED_MAX_MB
  std::string environment;
  std::string env_file;
  bool once = false;
  bool check = false;        // --check: report what works, then exit
  bool check_probe = true;   // --check sends one probe event unless --check-no-probe
  bool validate = false;     // --validate: print the routes of the files present, then exit
  std::chrono::milliseconds poll_interval{};
  LogLevel log_level = LogLevel::kInfo;
  std::chrono::milliseconds connect_timeout{};
  std::chrono::milliseconds request_timeout{};
  std::string ca_bundle;

  // What is shipped where: CONFIG_FILE's sources, or the one of the
  // environment. Never empty.
  std::string config_file;
  std::vector<SourceConfig> sources;
  std::chrono::milliseconds multiline_flush{};  // MULTILINE_FLUSH_MS

  // Files.
  source::WatchMode watch_mode = source::WatchMode::kAuto;
  std::chrono::milliseconds partial_line_flush{0};
  std::chrono::seconds rotated_max_age{0};
  std::optional<std::uint64_t> max_open_files;  // MAX_OPEN_FILES; nullopt: from the descriptor limit
  std::chrono::seconds close_inactive{};  // CLOSE_INACTIVE_S; 0: never

  // Delivery.
  std::size_t batch_budget_bytes = 0;  // BATCH_MEMORY_MB
  int max_in_flight = 0;
  std::chrono::milliseconds linger{};
  std::chrono::milliseconds grace{};
  std::chrono::milliseconds backoff_base{};
  std::chrono::milliseconds backoff_cap{};
  std::chrono::milliseconds summary_interval{};
  std::string dead_letter_file;  // "" = off

  // Observability.
  LogFormat log_format = LogFormat::kPlain;
  std::optional<ListenAddress> metrics_address;  // METRICS_ADDRESS; nullopt: no listener
  std::chrono::seconds health_stuck_after{};

  aws::Environment env;  // process environment over the dotenv file: credentials read it
};

enum class Command { kRun, kHelp, kVersion, kHealthcheck, kValidate };

// Throws ConfigError. `process_env` is the process environment snapshot.
Command parse_command_line(int argc, const char* const* argv, aws::Environment process_env, Config& out);

std::string help_text();

}  // namespace cw::app
