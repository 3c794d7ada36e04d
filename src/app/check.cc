#include "app/check.h"

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>

#include "aws/credentials/chain.h"
#include "aws/iso8601.h"
#include "cloudwatch/logs_client.h"
#include "cloudwatch/request_body.h"
#include "common/clock.h"

namespace cw::app {
namespace {

void report(std::string_view status, const std::string& line) {
  std::printf("%-5s %s\n", std::string(status).c_str(), line.c_str());
  std::fflush(stdout);
}

std::string failure(const cloudwatch::ApiError& error, std::string_view permission) {
  std::string line = error.describe();
  if (error.type.find("AccessDenied") != std::string::npos) {
    line += " (missing permission " + std::string(permission) + ")";
  }
  return line;
}

}  // namespace

int run_check(const Config& config, const aws::Endpoint& endpoint, const aws::ProviderOptions& options,
              const std::string& group, const std::string& stream) {
  report("ok", "region " + config.region);
  report("ok", "endpoint " + endpoint.url + " (signing region " + endpoint.region + ")");
  std::unique_ptr<aws::CredentialsProvider> credentials;
  try {
    credentials = aws::make_credentials_provider(config.env, {config.profile, config.profile_explicit}, options);
  } catch (const aws::CredentialsError& e) {
    report("FAIL", std::string("credentials: ") + e.what());
    return 1;
  }
  const aws::Credentials current = credentials->get();
  report("ok", "credentials " + current.describe() +
                   (current.expiration ? ", expire " + aws::format_iso8601(*current.expiration) : std::string()));

  cloudwatch::LogsClient client(endpoint, *credentials, options.http);
  bool ok = true;
  std::vector<std::string> denied_creates;
  auto create = [&](std::string_view operation, const std::string& body, const std::string& what,
                    std::string_view permission) {
    const cloudwatch::CallResult result = client.call(operation, body);
    if (result.ok) {
      report("ok", what + " created");
    } else if (result.error.action == cloudwatch::ErrorAction::kAlreadyDone) {
      report("ok", what + " exists");
    } else if (result.error.type.find("AccessDenied") != std::string::npos) {
      denied_creates.push_back(std::string(operation) + ": " + failure(result.error, permission));
    } else {
      report("FAIL", std::string(operation) + " " + what + ": " + failure(result.error, permission));
      ok = false;
    }
  };
  create("CreateLogGroup", cloudwatch::names_body(group), "log group " + group,
         "logs:CreateLogGroup");
  create("CreateLogStream", cloudwatch::names_body(group, stream), "log stream " + stream,
         "logs:CreateLogStream");

  bool delivered = false;
  if (config.check_probe) {
    const std::int64_t now_ms = epoch_ms();
    const std::string body = cloudwatch::put_events_head(group, stream) +
                             cloudwatch::event_json(now_ms, R"({"message":"cw-sidecar --check probe"})") +
                             std::string(cloudwatch::kPutEventsTail);
    const cloudwatch::CallResult result = client.call("PutLogEvents", body);
    if (result.ok) {
      report("ok", "PutLogEvents: probe event stored in " + group + "/" + stream);
      delivered = true;
    } else {
      report("FAIL", "PutLogEvents: " + failure(result.error, "logs:PutLogEvents"));
      ok = false;
    }
  }
  // A denied create matters only when the resource may be missing: the sidecar
  // creates groups and streams only when PutLogEvents says they are.
  for (const auto& line : denied_creates) {
    report(delivered ? "warn" : "FAIL", line + (delivered ? "; fine while it exists" : ""));
    if (!delivered) ok = false;
  }
  report(ok ? "ok" : "FAIL", ok ? "the sidecar can deliver" : "the sidecar cannot deliver yet: see above");
  return ok ? 0 : 1;
}

}  // namespace cw::app
