#pragma once
// ListenAddress: METRICS_ADDRESS as "host:port" ("127.0.0.1:9880",
// "0.0.0.0:9880", "[::1]:9880", "localhost:9880"). Shared by the metrics
// listener, which binds it, and by --healthcheck, which connects to it: a
// wildcard host ("0.0.0.0", "::") is reached over loopback.

#include <optional>
#include <string>
#include <string_view>

namespace cw::app {

struct ListenAddress {
  std::string host;  // without brackets
  int port = 0;      // 0: any free port (the listener logs the one it got)

  // "http://host:port" to connect to: wildcard hosts become loopback.
  std::string connect_url() const;
};

// nullopt when `text` is not host:port with a port in 0-65535.
std::optional<ListenAddress> parse_listen_address(std::string_view text);

}  // namespace cw::app
