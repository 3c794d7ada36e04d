// cw-sidecar: wiring and exit codes. 0 done, 1 refused by the service, 2 bad configuration.

#include <malloc.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "app/check.h"
#include "app/config.h"
#include "app/descriptor_limit.h"
#include "app/gnutls_init.h"
#include "app/healthcheck.h"
#include "app/metrics_server.h"
#include "app/pipeline.h"
#include "app/source.h"
#include "app/validate.h"
#include "aws/ecs_task_metadata.h"
#include "app/shutdown.h"
#include "app/state_owner.h"
#include "aws/credentials/chain.h"
#include "aws/endpoint.h"
#include "aws/iso8601.h"
#include "cloudwatch/dead_letter.h"
#include "cloudwatch/delivery.h"
#include "cloudwatch/logs_client.h"
#include "cloudwatch/sender_pool.h"
#include "cloudwatch/throttle_governor.h"
#include "cloudwatch/trouble_log.h"
#include "common/counters.h"
#include "common/logger.h"
#include "source/checkpoint_store.h"
#include "source/file_set.h"
#include "source/file_watcher.h"
#include "source/state_lock.h"

#ifndef CW_VERSION
#define CW_VERSION "dev"
#endif

namespace {

using namespace cw;

int config_error(const std::string& message) {
  std::fprintf(stderr, "cw-sidecar: config error: %s\n", message.c_str());
  return 2;
}

std::string hostname() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0) return "unknown-host";
  return name;
}

app::PipelineOptions pipeline_options(const app::Config& config) {
  app::PipelineOptions options;
  options.once = config.once;
  options.poll_interval = config.poll_interval;
  // Inactive files are closed at safety checks: often enough for CLOSE_INACTIVE_S.
  if (config.close_inactive.count() > 0) {
    options.safety_check_interval =
        std::min<std::chrono::milliseconds>(options.safety_check_interval, config.close_inactive);
  }
  options.linger = config.linger;
  options.grace = config.grace;
  options.summary_interval = config.summary_interval;
  options.log_path = config.log_path;
  options.batch_budget_bytes = config.batch_budget_bytes;
  options.multiline_flush = config.multiline_flush;
  options.max_unsaved_bytes = config.checkpoint_unsaved_max_bytes;
  return options;
}

std::string joined(const std::vector<std::string>& globs) {
  std::string out;
  for (const auto& glob : globs) out += (out.empty() ? "" : ",") + glob;
  return out;
}

// Raises the descriptor limit and says what it allows: MAX_OPEN_FILES, or
// the budget derived from the limit.
std::uint64_t open_files_budget(const app::Config& config, const Logger& log) {
  const app::DescriptorLimit descriptors = app::raise_descriptor_limit();
  const std::uint64_t max_open_files =
      config.max_open_files.value_or(app::default_max_open_files(descriptors.now, config.max_in_flight));
  log.info("descriptor limit " + std::to_string(descriptors.now) +
           (descriptors.now != descriptors.before ? " (raised from " + std::to_string(descriptors.before) + ")" : "") +
           "; up to " + std::to_string(max_open_files) + " log files open at once (MAX_OPEN_FILES)");
  if (!descriptors.error.empty()) log.warn("cannot raise the descriptor limit: " + descriptors.error);
  if (max_open_files + app::descriptor_reserve(config.max_in_flight) > descriptors.now) {
    log.warn("MAX_OPEN_FILES=" + std::to_string(max_open_files) + " leaves fewer than " +
             std::to_string(app::descriptor_reserve(config.max_in_flight)) + " of the " +
             std::to_string(descriptors.now) + " descriptors for connections and state files");
  }
  return max_open_files;
}

// What the name templates' placeholders fixed at start stand for.
cloudwatch::StartValues start_values(const app::Config& config) {
  cloudwatch::StartValues values;
  values.prefix = config.log_stream_prefix;
  values.hostname = hostname();
  values.env = [&config](std::string_view name) { return config.env.get(name); };
  // Read at the first {ecs_*} only: off ECS, nothing is asked.
  values.ecs = [&config, task = std::optional<std::optional<aws::EcsTask>>(), task_why = std::string()](
                   std::string_view name, std::string& why) mutable -> std::optional<std::string> {
    if (!task) task = aws::read_ecs_task(config.env, {}, task_why);
    why = task_why;
    if (!*task) return std::nullopt;
    if (name == "ecs_cluster") return (*task)->cluster;
    if (name == "ecs_task_id") return (*task)->task_id;
    if (name == "ecs_family") return (*task)->family;
    return (*task)->container;
  };
  return values;
}

int run(const app::Config& config, app::Shutdown& shutdown) {
  const Logger log(config.log_level, 2, config.log_format);

  aws::Endpoint endpoint;
  std::unique_ptr<aws::CredentialsProvider> credentials;
  const aws::ProviderOptions credential_options{
      config.region, config.endpoint_flags,
      http::Options{config.connect_timeout, config.request_timeout, config.ca_bundle, "cw-sidecar/" CW_VERSION}, &log};
  Counters counters;
  std::optional<app::Sources> sources;
  try {
    sources.emplace(config.sources, start_values(config), counters);
    endpoint = aws::resolve_logs_endpoint(config.region, config.endpoint_url, config.endpoint_flags);
    if (config.check) {
      // Where a file check.<ext> at the top of LOG_PATH would go now.
      const std::string file = "check." + config.log_extension;
      const app::Route& route = sources->of(file).route;
      const std::string date = cloudwatch::local_date(std::chrono::system_clock::now());
      const app::FileNames names = app::file_names(file);
      const cloudwatch::NameContext context = names.context(date);
      return app::run_check(config, endpoint, credential_options, route.group.render(context),
                            route.stream.render(context));
    }
    credentials = aws::make_credentials_provider(config.env, {config.profile, config.profile_explicit},
                                                 credential_options);
  } catch (const std::exception& e) {
    return config_error(e.what());
  }
  const std::uint64_t max_open_files = open_files_budget(config, log);

  // After the counters and the credentials it reads, so that it stops first.
  std::optional<app::MetricsServer> metrics;
  if (config.metrics_address) {
    auto refresh = [&counters, provider = credentials.get()] {
      const auto expiry = provider->expiration();
      counters.credentials_expiry_ms.store(
          expiry ? std::chrono::duration_cast<std::chrono::milliseconds>(expiry->time_since_epoch()).count() : 0,
          std::memory_order_relaxed);
    };
    try {
      metrics.emplace(app::MetricsServerOptions{*config.metrics_address, config.health_stuck_after, CW_VERSION, refresh},
                      counters, log);
    } catch (const std::exception& e) {
      return config_error(e.what());
    }
    log.info("metrics and health on " + config.metrics_address->host + ":" + std::to_string(metrics->port()) +
             " (/metrics, /healthz)");
  }
  // One owner per state dir, before any checkpoint is read. The lock is
  // declared before everything that writes checkpoints, so it is released last.
  std::optional<source::StateLock> state_lock;
  std::optional<source::CheckpointStore> checkpoints;
  try {
    std::filesystem::create_directories(config.state_dir);
    state_lock.emplace(config.state_dir);
  } catch (const std::exception& e) {
    return config_error("STATE_DIR " + config.state_dir + ": " + e.what());
  }
  try {
    const source::LockHolder me{static_cast<long>(::getpid()), hostname(),
                                aws::format_iso8601(std::chrono::system_clock::now())};
    if (!app::own_state_dir(*state_lock, {config.state_lock_wait, me}, shutdown.wake_fd(), counters, log)) {
      log.info("stopped by signal while waiting for the state lock");
      return 0;
    }
  } catch (const app::StateLockTimeout& e) {
    log.error(e.what());
    return 1;
  }
  try {
    checkpoints.emplace(config.state_dir, config.checkpoint_sync);
  } catch (const std::exception& e) {
    return config_error(e.what());
  }
  log.info("cw-sidecar " CW_VERSION ": " + config.log_path + " at " + endpoint.url + " (" + config.region +
           "), credentials " + credentials->get().describe() + ", state in " + config.state_dir);
  source::FileSetOptions file_options{config.log_path, {}, false, 0, config.partial_line_flush, config.rotated_max_age};
  for (const app::SourceConfig& source : config.sources) {
    log.info("source " + source.name + ": " + joined(source.include) +
             (source.exclude.empty() ? "" : " except " + joined(source.exclude)) + " -> " + source.log_group +
             " / " + source.stream_template);
    file_options.sources.emplace_back(source.include, source.exclude);
    // Lines are read in pieces of the largest cap; a source with a smaller
    // one cuts them again.
    file_options.max_line_bytes = std::max(file_options.max_line_bytes, source.max_message_bytes);
  }
  file_options.report_unmatched = !config.config_file.empty();
  file_options.max_open_files = max_open_files;
  file_options.close_inactive = config.close_inactive;
  source::FileWatcher watcher(config.watch_mode, log);
  source::FileSet files(file_options, *checkpoints, watcher, counters, log);
  cloudwatch::DeadLetter dead_letter(config.dead_letter_file, log, counters);
  cloudwatch::TroubleLog trouble(log, counters);
  cloudwatch::ThrottleGovernor governor(config.max_in_flight);
  const cloudwatch::DeliveryOptions delivery_options{config.backoff_base, config.backoff_cap};
  const http::Options http_options{config.connect_timeout, config.request_timeout, config.ca_bundle,
                                   "cw-sidecar/" CW_VERSION, &shutdown.abort_flag()};
  Wake completed;
  cloudwatch::SenderPool senders(
      config.max_in_flight, cloudwatch::Limits{},
      [&] { return std::make_unique<cloudwatch::LogsClient>(endpoint, *credentials, http_options); },
      cloudwatch::DeliveryContext{delivery_options, governor, shutdown.sender_pause(), counters, dead_letter, trouble,
                                  log},
      completed);

  const app::PipelineOptions options = pipeline_options(config);
  app::Pipeline pipeline(options, {files, watcher, *checkpoints, *sources, senders, completed, dead_letter, shutdown,
                                   counters, log});
  try {
    pipeline.run();
  } catch (const cloudwatch::FatalDeliveryError& e) {
    shutdown.abort();  // the other senders stop retrying; checkpoints stay as acknowledged
    log.error(e.what());
    log.info("stopped: " + counters.summary());
    return 1;
  }
  log.info(std::string(shutdown.requested() ? "stopped by signal: " : "done: ") + counters.summary());
  return checkpoints->failure().empty() ? 0 : 1;  // the last positions are not on disk: said above
}

}  // namespace

int main(int argc, char** argv) {
  app::restart_without_gnutls_init(argv);
  // glibc gives every thread that allocates an arena of its own; the senders
  // allocate little, so two arenas keep the resident set small.
  ::mallopt(M_ARENA_MAX, 2);
  // Batches of 1 MiB are made and freed as destinations open and close. A
  // fixed threshold keeps them in their own mappings, returned on free;
  // glibc's sliding one would move them into the heap after the first free,
  // where the pages they touched stay resident.
  ::mallopt(M_MMAP_THRESHOLD, 256 << 10);
  app::Shutdown shutdown;  // first: blocks SIGTERM/SIGINT before any thread exists
  app::Config config;
  try {
    switch (app::parse_command_line(argc, argv, aws::Environment::from_process(), config)) {
      case app::Command::kHelp: std::fputs(app::help_text().c_str(), stdout); return 0;
      case app::Command::kVersion: std::puts("cw-sidecar " CW_VERSION); return 0;
      case app::Command::kHealthcheck: {
        const app::HealthcheckResult result = app::run_healthcheck(config.metrics_address);
        std::puts(result.message.c_str());
        return result.exit_code;
      }
      case app::Command::kValidate: {
        Counters counters;
        app::Sources sources(config.sources, app::validate_start_values(start_values(config)), counters);
        return app::run_validate(config, sources, stdout);
      }
      case app::Command::kRun: break;
    }
  } catch (const cloudwatch::NameTemplateError& e) {
    return config_error(e.what());
  } catch (const transform::FilterError& e) {
    return config_error(e.what());
  } catch (const app::ConfigError& e) {
    // Docker reserves exit code 2 of a health check: a bad setting is "unhealthy".
    for (int i = 1; i < argc; ++i) {
      if (std::string_view(argv[i]).starts_with("--healthcheck")) {
        std::printf("unhealthy: config error: %s\n", e.what());
        return 1;
      }
    }
    return config_error(e.what());
  }
  try {
    return run(config, shutdown);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "cw-sidecar: fatal: %s\n", e.what());
    return 1;
  }
}
