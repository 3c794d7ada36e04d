#include "sigv4_vector.h"

#include <simdjson.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace cw::aws::test_vectors {

namespace fs = std::filesystem;

fs::path suite_root() {
  const char* env = std::getenv("CW_SHARED_DIR");
  const fs::path shared = (env != nullptr && *env != '\0') ? fs::path(env) : fs::path(CW_SHARED_DIR);
  return shared / "sigv4-test-suite" / "v4";
}

std::vector<VectorCase> discover_cases() {
  std::vector<VectorCase> cases;
  const fs::path root = suite_root();
  std::error_code ec;
  if (!fs::is_directory(root, ec)) return cases;
  for (const auto& entry : fs::recursive_directory_iterator(root, ec)) {
    if (!entry.is_directory()) continue;
    const fs::path dir = entry.path();
    // Directories holding only presigned-URL (query-*) files are not ours.
    if (!fs::exists(dir / "request.txt") || !fs::exists(dir / "header-canonical-request.txt")) {
      continue;
    }
    cases.push_back({fs::relative(dir, root).generic_string(), dir});
  }
  std::sort(cases.begin(), cases.end(),
            [](const VectorCase& a, const VectorCase& b) { return a.name < b.name; });
  return cases;
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + path.string());
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

std::string read_expected(const fs::path& path) {
  std::string text = read_file(path);
  if (!text.empty() && text.back() == '\n') text.pop_back();
  return text;
}

VectorRequest parse_request(const std::string& text) {
  VectorRequest request;
  std::size_t pos = text.find('\n');
  const std::string request_line = text.substr(0, pos);
  // The target may itself contain spaces ("/example space/"), so the method
  // ends at the first space and the target at the last one.
  const std::size_t first_space = request_line.find(' ');
  const std::size_t last_space = request_line.rfind(' ');
  if (first_space == std::string::npos || last_space <= first_space) {
    throw std::runtime_error("bad request line: " + request_line);
  }
  request.method = request_line.substr(0, first_space);
  const std::string target = request_line.substr(first_space + 1, last_space - first_space - 1);
  const std::size_t question = target.find('?');
  request.path = target.substr(0, question);
  if (question != std::string::npos) request.query = target.substr(question + 1);

  while (pos != std::string::npos) {
    const std::size_t start = pos + 1;
    pos = text.find('\n', start);
    const std::string line = text.substr(start, pos == std::string::npos ? pos : pos - start);
    if (line.empty()) {
      if (pos != std::string::npos) request.body = text.substr(pos + 1);
      break;
    }
    if (line.front() == ' ' || line.front() == '\t') {
      // A folded continuation line: hand the signer the raw line break, since
      // folding it into the value is the signer's job.
      if (request.headers.empty()) throw std::runtime_error("continuation before any header");
      request.headers.back().value.append("\n").append(line);
      continue;
    }
    const std::size_t colon = line.find(':');
    if (colon == std::string::npos) throw std::runtime_error("bad header line: " + line);
    request.headers.push_back({line.substr(0, colon), line.substr(colon + 1)});
  }
  return request;
}

VectorContext load_context(const fs::path& path) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.load(path.string()).get(doc) != simdjson::SUCCESS) {
    throw std::runtime_error("cannot parse " + path.string());
  }
  auto required = [&](simdjson::dom::element parent, const char* key) {
    std::string_view value;
    if (parent[key].get(value) != simdjson::SUCCESS) {
      throw std::runtime_error(std::string("missing string '") + key + "' in " + path.string());
    }
    return std::string(value);
  };
  auto flag = [&](const char* key, bool fallback) {
    bool value = fallback;
    return doc[key].get(value) == simdjson::SUCCESS ? value : fallback;
  };
  simdjson::dom::element credentials;
  if (doc["credentials"].get(credentials) != simdjson::SUCCESS) {
    throw std::runtime_error("missing 'credentials' in " + path.string());
  }
  VectorContext context;
  context.access_key_id = required(credentials, "access_key_id");
  context.secret_access_key = required(credentials, "secret_access_key");
  std::string_view token;
  if (credentials["token"].get(token) == simdjson::SUCCESS) context.token = std::string(token);
  context.region = required(doc, "region");
  context.service = required(doc, "service");
  context.timestamp = required(doc, "timestamp");
  context.normalize = flag("normalize", true);
  context.sign_body = flag("sign_body", false);
  context.omit_session_token = flag("omit_session_token", false);
  return context;
}

std::string amz_date_from_iso8601(const std::string& timestamp) {
  std::string out;
  for (char c : timestamp) {
    if (c != '-' && c != ':') out.push_back(c);
  }
  return out;
}

std::string authorization_from_signed_request(const std::string& text) {
  constexpr std::string_view kPrefix = "Authorization:";
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.compare(0, kPrefix.size(), kPrefix) == 0) return line.substr(kPrefix.size());
  }
  return {};
}

}  // namespace cw::aws::test_vectors
