#pragma once
// Reads one case of the official SigV4 test suite (shared/sigv4-test-suite/v4):
// request.txt, context.json and the expected header-signing outputs.

#include <filesystem>
#include <string>
#include <vector>

#include "aws/sigv4.h"

namespace cw::aws::test_vectors {

struct VectorCase {
  std::string name;  // path relative to the suite root, e.g. "get-vanilla"
  std::filesystem::path dir;
};

// What request.txt describes, before the signer's additions (date, token).
struct VectorRequest {
  std::string method;
  std::string path;
  std::string query;
  std::vector<Header> headers;
  std::string body;
};

struct VectorContext {
  std::string access_key_id;
  std::string secret_access_key;
  std::string token;  // empty when the case uses long-term keys
  std::string region;
  std::string service;
  std::string timestamp;  // ISO 8601, "2015-08-30T12:36:00Z"
  bool normalize = true;
  bool sign_body = false;
  bool omit_session_token = false;
};

// Root of the v4 suite: $CW_SHARED_DIR if set, else the path baked in by CMake.
std::filesystem::path suite_root();

// Every directory under the suite root (recursively) that has a request.txt
// and expected header-signing output; sorted by name for a stable test order.
std::vector<VectorCase> discover_cases();

std::string read_file(const std::filesystem::path& path);
// The file's content without the single trailing newline an editor may add.
std::string read_expected(const std::filesystem::path& path);

VectorRequest parse_request(const std::string& text);
VectorContext load_context(const std::filesystem::path& path);

// "2015-08-30T12:36:00Z" -> "20150830T123600Z".
std::string amz_date_from_iso8601(const std::string& timestamp);

// Value of the Authorization header in header-signed-request.txt; empty if absent.
std::string authorization_from_signed_request(const std::string& text);

}  // namespace cw::aws::test_vectors
