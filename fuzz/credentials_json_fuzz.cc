// The credential JSON of IMDS, the container endpoint and credential_process
// takes any bytes: credentials, or a CredentialsError that does not quote it.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "aws/credentials/credentials_json.h"
#include "aws/credentials/provider.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  for (const cw::aws::JsonCredentialFields fields :
       {cw::aws::JsonCredentialFields{}, cw::aws::JsonCredentialFields{"SessionToken", true, false}}) {
    try {
      (void)cw::aws::parse_credentials_json(text, fields, "fuzz");
    } catch (const cw::aws::CredentialsError& e) {
      // The message never quotes a document that holds a secret.
      if (text.find("SecretAccessKey") != std::string_view::npos &&
          std::string_view(e.what()).find(text) != std::string_view::npos) {
        std::abort();
      }
    }
  }
  (void)cw::aws::json_error_summary(text);
  return 0;
}
