#pragma once
// A credential source of the chain: its name for messages and how to fetch
// from it. Each *_provider.h has a detect function that returns the source
// when its configuration is present, or nullopt and a one-line reason why it
// was not considered ("AWS_WEB_IDENTITY_TOKEN_FILE not set").

#include <chrono>
#include <functional>
#include <string>

#include "aws/credentials/provider.h"
#include "aws/endpoint_rules.h"
#include "http/client.h"

namespace cw {
class Logger;
}

namespace cw::aws {

using CredentialsFetch = std::function<Credentials()>;  // throws CredentialsError

struct CredentialSource {
  std::string name;        // "web identity (arn:aws:iam::1:role/x)": no secrets
  CredentialsFetch fetch;  // throws CredentialsError with one line
};

// How the sources that call a service reach it.
struct ProviderOptions {
  std::string region;          // STS's regional endpoint; empty: the global one
  EndpointFlags sts_flags;     // FIPS / dual-stack for STS
  http::Options http;          // CA bundle, user agent, timeouts for STS and the container endpoint
  const Logger* log = nullptr; // refresh failures are logged here (never a secret)
  // Temporary credentials are refreshed this long before they expire, or at
  // half their remaining lifetime when that comes first.
  std::chrono::seconds refresh_lead{600};
};

}  // namespace cw::aws
