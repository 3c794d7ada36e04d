// Cross-checks the signer against botocore on realistic CloudWatch Logs
// PutLogEvents requests: the official suite only uses service "service" and
// tiny bodies, botocore is what the AWS CLI and moto's clients sign with.

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "aws/sigv4.h"

namespace cw::aws {
namespace {

constexpr const char* kAmzDate = "20240229T235959Z";
constexpr const char* kRegion = "us-east-1";
constexpr const char* kService = "logs";

// A JSON body with non-ASCII text, escapes and a tab, as the sidecar sends.
constexpr const char* kBody =
    R"({"logGroupName":"/app/ünïcødé","logStreamName":"host-1/日本語",)"
    R"("logEvents":[{"timestamp":1709251199000,"message":"héllo wörld ✓ 😀 \"quoted\"\tend"},)"
    R"({"timestamp":1709251199001,"message":"second line"}]})";

struct BotocoreCase {
  const char* name;
  const char* scheme;
  const char* host;
  const char* path;
  const char* query;
  const char* token;  // empty: long-term keys, no x-amz-security-token
};

// Removes the file when the test ends, pass or fail.
class TempFile {
 public:
  explicit TempFile(const std::string& content) {
    std::string pattern = (std::filesystem::temp_directory_path() / "cw-sigv4-XXXXXX").string();
    const int fd = mkstemp(pattern.data());
    if (fd < 0) throw std::runtime_error("mkstemp failed");
    close(fd);
    path_ = pattern;
    std::ofstream(path_, std::ios::binary) << content;
  }
  ~TempFile() { std::filesystem::remove(path_); }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::string shell_quote(const std::string& arg) {
  std::string out = "'";
  for (char c : arg) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out.push_back(c);
    }
  }
  return out + "'";
}

struct CommandOutput {
  int exit_code = -1;
  std::string out;
};

CommandOutput run(const std::string& command) {
  CommandOutput result;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return result;
  char buffer[4096];
  std::size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) result.out.append(buffer, n);
  const int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

class BotocoreCrossCheck : public ::testing::TestWithParam<BotocoreCase> {};

TEST_P(BotocoreCrossCheck, AuthorizationMatchesBotocore) {
  const BotocoreCase& c = GetParam();
  Credentials credentials;
  credentials.access_key_id = "AKIAIOSFODNN7EXAMPLE";
  credentials.secret_access_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
  credentials.session_token = c.token;

  SignableRequest request;
  request.method = "POST";
  request.path = c.path;
  request.query = c.query;
  request.payload_sha256_hex = sha256_hex(kBody);
  request.headers = {
      {"Content-Type", "application/x-amz-json-1.1"},
      {"Host", c.host},
      {"X-Amz-Date", kAmzDate},
      {"X-Amz-Target", "Logs_20140328.PutLogEvents"},
  };
  if (!credentials.session_token.empty()) {
    request.headers.push_back({"X-Amz-Security-Token", credentials.session_token});
  }
  Signer signer;
  const SigningResult ours = signer.sign(request, credentials, kRegion, kService, kAmzDate);

  // botocore gets the very same header set: it signs every header it is
  // handed (but user-agent and a few others we never send).
  std::string header_lines;
  for (const Header& h : request.headers) header_lines += h.name + ": " + h.value + "\n";
  const TempFile headers_file(header_lines);
  const TempFile body_file(kBody);
  std::string url = std::string(c.scheme) + "://" + c.host + c.path;
  if (*c.query != '\0') url += std::string("?") + c.query;

  std::string command = shell_quote(CW_PYTHON) + " " + shell_quote(CW_BOTOCORE_SIGN_SCRIPT);
  const std::vector<std::pair<std::string, std::string>> args = {
      {"--method", request.method},
      {"--url", url},
      {"--region", kRegion},
      {"--service", kService},
      {"--amz-date", kAmzDate},
      {"--access-key", credentials.access_key_id},
      {"--secret-key", credentials.secret_access_key},
      {"--token", credentials.session_token},
      {"--headers", headers_file.path()},
      {"--body", body_file.path()},
  };
  for (const auto& [flag, value] : args) command += " " + flag + " " + shell_quote(value);

  const CommandOutput botocore = run(command);
  if (botocore.exit_code == 3) GTEST_SKIP() << "botocore is not installed for " << CW_PYTHON;
  if (botocore.exit_code == 127) GTEST_SKIP() << "python interpreter not found: " << CW_PYTHON;
  ASSERT_EQ(botocore.exit_code, 0) << "botocore_sign.py failed:\n" << botocore.out;

  const std::size_t newline = botocore.out.find('\n');
  ASSERT_NE(newline, std::string::npos) << botocore.out;
  const std::string authorization = botocore.out.substr(0, newline);
  std::string canonical = botocore.out.substr(newline + 1);
  if (!canonical.empty() && canonical.back() == '\n') canonical.pop_back();

  EXPECT_EQ(ours.canonical_request, canonical);
  EXPECT_EQ(ours.authorization, authorization);
}

const BotocoreCase kCases[] = {
    {"AwsEndpointLongTermKeys", "https", "logs.us-east-1.amazonaws.com", "/", "", ""},
    {"LocalstackWithSessionToken", "http", "127.0.0.1:4566", "/", "",
     "FwoGZXIvYXdzEJr//////////wEaDKm+example/session+token=="},
    {"EncodedPathAndQuery", "https", "logs.us-east-1.amazonaws.com", "/some%20path/a%2Fb/./c",
     "b=2&a=x%2Fy&a=1", ""},
};

std::string case_name(const ::testing::TestParamInfo<BotocoreCase>& param) {
  return param.param.name;
}

INSTANTIATE_TEST_SUITE_P(PutLogEvents, BotocoreCrossCheck, ::testing::ValuesIn(kCases), case_name);

}  // namespace
}  // namespace cw::aws
