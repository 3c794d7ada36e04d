#pragma once
// StsClient: the two STS calls credential sources need, in STS's query
// protocol (form-encoded POST, XML answer). AssumeRole is signed with the
// source credentials; AssumeRoleWithWebIdentity is unsigned (the token is the
// proof). The endpoint is AWS_ENDPOINT_URL_STS, else AWS_ENDPOINT_URL, else the
// region's endpoint from STS's rule set (regional, as the SDKs default to).
// Each call uses its own HTTP connection: calls are rare (refreshes) and a
// client may be used from the refresh thread and a sender alike.

#include <string>

#include "aws/credentials/credentials.h"
#include "aws/endpoint.h"
#include "aws/endpoint_rules.h"
#include "aws/environment.h"
#include "http/client.h"

namespace cw::aws {

struct StsOptions {
  std::string region;        // empty: the global endpoint (sts.amazonaws.com, us-east-1)
  std::string endpoint_url;  // override; empty: from the rule set
  EndpointFlags flags;
  http::Options http;

  // region, flags and http as given; endpoint_url from AWS_ENDPOINT_URL_STS or AWS_ENDPOINT_URL.
  static StsOptions from_environment(const Environment& env, std::string region, EndpointFlags flags,
                                     http::Options http);
};

struct AssumeRoleRequest {
  std::string role_arn;
  std::string session_name;
  std::string external_id;   // optional
  int duration_seconds = 0;  // 0: the role's default (1 hour)
};

class StsClient {
 public:
  explicit StsClient(StsOptions options);  // throws std::invalid_argument for a bad endpoint

  const Endpoint& endpoint() const { return endpoint_; }

  // Both throw CredentialsError with one line: operation, role, endpoint, the
  // service's error code and message or the transport error. Never a secret.
  Credentials assume_role(const Credentials& source, const AssumeRoleRequest& request) const;
  Credentials assume_role_with_web_identity(const AssumeRoleRequest& request, const std::string& token) const;

 private:
  Credentials call(const std::string& operation, const std::string& body, const Credentials* signer,
                   const std::string& role_arn) const;

  StsOptions options_;
  Endpoint endpoint_;
};

// RFC 3986 percent-encoding of everything but unreserved characters, as the
// query protocol and SigV4 expect.
std::string form_encode(std::string_view value);

}  // namespace cw::aws
