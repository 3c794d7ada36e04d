#pragma once
// HttpClient: one libcurl easy handle, reused so that the TCP/TLS connection
// stays open between requests. Not thread-safe: one client per sending thread.
// Proxies come from the standard variables (HTTPS_PROXY, NO_PROXY) as libcurl
// reads them; TLS is always verified, against `ca_bundle` when one is given.

#include <atomic>
#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cw::http {

struct Options {
  std::chrono::milliseconds connect_timeout{3000};
  std::chrono::milliseconds request_timeout{30000};
  std::string ca_bundle;  // AWS_CA_BUNDLE; empty: the system store
  std::string user_agent = "cw-sidecar";
  // When set and true, a request under way is abandoned (shutdown deadline).
  const std::atomic<bool>* abort = nullptr;
};

struct Request {
  std::string method = "POST";
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string_view body;  // not copied: must outlive perform()
  // Alternatively the body as consecutive pieces, sent without joining them.
  std::vector<std::string_view> body_parts;
};

struct Response {
  long status = 0;  // 0 when no response arrived (see transport_error)
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string transport_error;  // empty when an HTTP response was received

  bool ok() const { return transport_error.empty() && status >= 200 && status < 300; }
  // First header with that (lower-case) name, or empty.
  std::string_view header(std::string_view lower_name) const;
};

class HttpClient {
 public:
  explicit HttpClient(Options options);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Never throws for network trouble: it is reported in Response::transport_error.
  Response perform(const Request& request);

 private:
  Options options_;
  void* curl_;  // CURL*, kept out of this header
};

}  // namespace cw::http
