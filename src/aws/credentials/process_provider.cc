#include "aws/credentials/process_provider.h"

#include <sys/wait.h>

#include <cstdio>

#include "aws/credentials/provider.h"
#include "aws/credentials/credentials_json.h"

namespace cw::aws {
namespace {

std::string program_of(const std::string& command) {
  const auto start = command.find_first_not_of(" \t");
  if (start == std::string::npos) return {};
  if (command[start] == '"' || command[start] == '\'') {
    const auto end = command.find(command[start], start + 1);
    return command.substr(start + 1, end == std::string::npos ? std::string::npos : end - start - 1);
  }
  return command.substr(start, command.find_first_of(" \t", start) - start);
}

}  // namespace

CredentialSource process_source(const std::string& command, const std::string& profile) {
  CredentialSource source;
  source.name = "credential_process " + program_of(command) + " of profile " + profile;
  source.fetch = [command, name = source.name]() {
    std::FILE* pipe = ::popen(command.c_str(), "r");
    if (pipe == nullptr) throw CredentialsError(name + ": cannot start it");
    std::string output;
    char buffer[4096];
    std::size_t n = 0;
    while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) {
      output.append(buffer, n);
      if (output.size() > (1u << 20)) break;  // no credential document is this big
    }
    const int status = ::pclose(pipe);
    if (status == -1 || !WIFEXITED(status)) throw CredentialsError(name + ": did not exit normally");
    if (WEXITSTATUS(status) != 0) {
      throw CredentialsError(name + ": exited with status " + std::to_string(WEXITSTATUS(status)) +
                             (WEXITSTATUS(status) == 127 ? " (command not found)" : ""));
    }
    JsonCredentialFields fields;
    fields.token_key = "SessionToken";
    fields.require_version_1 = true;
    fields.require_expiration = false;
    Credentials credentials = parse_credentials_json(output, fields, name);
    credentials.source = name;
    return credentials;
  };
  return source;
}

}  // namespace cw::aws
