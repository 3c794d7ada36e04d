#pragma once
// The JSON documents credential sources answer with: the container endpoint
// and IMDS ({"AccessKeyId", "SecretAccessKey", "Token", "Expiration"}) and
// credential_process ({"Version": 1, ..., "SessionToken", "Expiration"}).

#include <string>
#include <string_view>

#include "aws/credentials/credentials.h"

namespace cw::aws {

struct JsonCredentialFields {
  std::string_view token_key = "Token";  // "SessionToken" for credential_process
  bool require_version_1 = false;        // credential_process's "Version": 1
  bool require_expiration = true;        // temporary credentials always expire
};

// Throws CredentialsError("<what>: ...") for a document that is not JSON or
// lacks a field; the message never contains the document (it holds secrets).
Credentials parse_credentials_json(std::string_view text, const JsonCredentialFields& fields, const std::string& what);

// `"code": "message"` of an error document ({"code","message"} or
// {"Code","Message"}), or "" when there is none: for one-line errors.
std::string json_error_summary(std::string_view text);

}  // namespace cw::aws
