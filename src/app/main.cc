// cw-sidecar: wiring and exit codes. 0 done, 1 refused by the service, 2 bad configuration.

#include <cstdio>
#include <exception>
#include <string>

#include "app/config.h"
#include "app/pipeline.h"
#include "app/shutdown.h"
#include "aws/credential_chain.h"
#include "aws/endpoint.h"
#include "cloudwatch/batch.h"
#include "cloudwatch/delivery.h"
#include "cloudwatch/logs_client.h"
#include "common/logger.h"
#include "source/checkpoint_store.h"
#include "source/file_set.h"
#include "transform/line_transformer.h"

#ifndef CW_VERSION
#define CW_VERSION "dev"
#endif

namespace {

int config_error(const std::string& message) {
  std::fprintf(stderr, "cw-sidecar: config error: %s\n", message.c_str());
  return 2;
}

int run(cw::app::Config& config, cw::app::Shutdown& shutdown) {
  using namespace cw;
  const Logger log(config.log_level);

  aws::Endpoint endpoint;
  try {
    endpoint = aws::resolve_logs_endpoint(config.region, config.endpoint_url);
  } catch (const std::invalid_argument& e) {
    return config_error(e.what());
  }
  std::unique_ptr<aws::CredentialsProvider> credentials;
  std::optional<source::CheckpointStore> checkpoints;
  try {
    credentials = aws::make_credentials_provider(config.env, {config.profile, config.profile_explicit});
    checkpoints.emplace(config.state_dir);
  } catch (const std::exception& e) {
    return config_error(e.what());
  }
  log.info("cw-sidecar " CW_VERSION ": " + config.log_path + "/*." + config.log_extension + " -> " + config.log_group +
           "/" + config.log_stream_prefix + "_<date> at " + endpoint.url + " (" + config.region + "), credentials " +
           credentials->get().describe() + ", state in " + config.state_dir);

  source::FileSet files({config.log_path, config.log_extension, config.max_message_bytes}, *checkpoints, log);
  transform::LineTransformer transformer({config.timestamp_field, config.exclude_fields, config.max_message_bytes});
  cloudwatch::LogsClient client(endpoint, *credentials,
                                http::Options{config.connect_timeout, config.request_timeout, config.ca_bundle,
                                              "cw-sidecar/" CW_VERSION});
  cloudwatch::Delivery delivery(client, {config.log_group, config.log_stream_prefix}, shutdown, log);
  cloudwatch::Limits limits;
  limits.max_message_bytes = config.max_message_bytes;
  cloudwatch::Batch batch(limits);
  app::Pipeline pipeline({config.once, config.poll_interval}, files, *checkpoints, transformer, delivery, batch,
                         shutdown, log);
  try {
    pipeline.run();
  } catch (const cloudwatch::FatalDeliveryError& e) {
    log.error(e.what());
    log.info("stopped: " + pipeline.summary());
    return 1;
  }
  log.info(std::string(shutdown.requested() ? "stopped by signal: " : "done: ") + pipeline.summary());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  cw::app::Shutdown shutdown;  // first: blocks SIGTERM/SIGINT before any thread exists
  cw::app::Config config;
  try {
    switch (cw::app::parse_command_line(argc, argv, cw::aws::Environment::from_process(), config)) {
      case cw::app::Command::kHelp: std::fputs(cw::app::help_text().c_str(), stdout); return 0;
      case cw::app::Command::kVersion: std::puts("cw-sidecar " CW_VERSION); return 0;
      case cw::app::Command::kRun: break;
    }
  } catch (const cw::app::ConfigError& e) {
    return config_error(e.what());
  }
  try {
    return run(config, shutdown);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "cw-sidecar: fatal: %s\n", e.what());
    return 1;
  }
}
