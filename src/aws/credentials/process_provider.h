#pragma once
// credential_process: a profile's command whose standard output is
// {"Version": 1, "AccessKeyId", "SecretAccessKey", "SessionToken"?, "Expiration"?}.
// It runs through /bin/sh (the SDKs split the line like a shell would), its
// standard error goes to ours. Credentials without Expiration never refresh.
// Messages name only the program (the first word): the rest of the line, and
// certainly the output, may hold secrets.

#include <string>

#include "aws/credentials/credential_source.h"

namespace cw::aws {

CredentialSource process_source(const std::string& command, const std::string& profile);

}  // namespace cw::aws
