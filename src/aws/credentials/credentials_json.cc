#include "aws/credentials/credentials_json.h"

#include <simdjson.h>

#include "aws/credentials/provider.h"
#include "aws/iso8601.h"

namespace cw::aws {
namespace {

std::string string_field(simdjson::dom::object& object, std::string_view key) {
  std::string_view value;
  if (object[key].get_string().get(value) == simdjson::SUCCESS) return std::string(value);
  return {};
}

}  // namespace

Credentials parse_credentials_json(std::string_view text, const JsonCredentialFields& fields,
                                   const std::string& what) {
  simdjson::dom::parser parser;
  simdjson::dom::object object;
  const simdjson::padded_string padded(text);
  if (parser.parse(padded).get_object().get(object) != simdjson::SUCCESS) {
    throw CredentialsError(what + ": the answer is not a JSON object");
  }
  if (fields.require_version_1) {
    int64_t version = 0;
    if (object["Version"].get_int64().get(version) != simdjson::SUCCESS || version != 1) {
      throw CredentialsError(what + ": the output must have \"Version\": 1");
    }
  }
  Credentials credentials;
  credentials.access_key_id = string_field(object, "AccessKeyId");
  credentials.secret_access_key = string_field(object, "SecretAccessKey");
  credentials.session_token = string_field(object, fields.token_key);
  if (credentials.access_key_id.empty() || credentials.secret_access_key.empty()) {
    const std::string error = json_error_summary(text);
    throw CredentialsError(what + ": " + (error.empty() ? std::string("no AccessKeyId/SecretAccessKey in the answer")
                                                        : error));
  }
  const std::string expiration = string_field(object, "Expiration");
  if (!expiration.empty()) {
    credentials.expiration = parse_iso8601(expiration);
    if (!credentials.expiration) {
      throw CredentialsError(what + ": Expiration '" + expiration.substr(0, 40) + "' is not an ISO 8601 time");
    }
  } else if (fields.require_expiration) {
    throw CredentialsError(what + ": the answer has no Expiration");
  }
  return credentials;
}

std::string json_error_summary(std::string_view text) {
  simdjson::dom::parser parser;
  simdjson::dom::object object;
  const simdjson::padded_string padded(text);
  if (parser.parse(padded).get_object().get(object) != simdjson::SUCCESS) return {};
  std::string code = string_field(object, "code");
  if (code.empty()) code = string_field(object, "Code");
  std::string message = string_field(object, "message");
  if (message.empty()) message = string_field(object, "Message");
  if (code == "Success") code.clear();
  if (message.size() > 200) message = message.substr(0, 200) + "...";
  if (code.empty()) return message;
  return message.empty() ? code : code + ": " + message;
}

}  // namespace cw::aws
