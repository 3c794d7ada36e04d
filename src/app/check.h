#pragma once
// --check: answers "will the sidecar work here?" without shipping anything but
// (optionally) one probe event. It resolves credentials, then creates the log
// group and today's stream when allowed and sends one probe event, printing
// one line per step to stdout ("ok", "warn" or "FAIL" and why, naming the
// missing permission). Nothing secret is printed.

#include <string>

#include "app/config.h"
#include "aws/credentials/credential_source.h"
#include "aws/endpoint.h"
#include "common/logger.h"

namespace cw::app {

// 0 when the sidecar can deliver, 1 otherwise.
// `group` and `stream`: where the sidecar would write to now.
int run_check(const Config& config, const aws::Endpoint& endpoint, const aws::ProviderOptions& options,
              const std::string& group, const std::string& stream);

}  // namespace cw::app
