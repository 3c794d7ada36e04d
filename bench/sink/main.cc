// cw-bench-sink: a fast local CloudWatch Logs endpoint for the end-to-end benchmark.
#include <httplib.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <sys/socket.h>
#include <signal.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <thread>

#include "api.h"
#include "options.h"
#include "sink_state.h"

namespace {

using namespace cw::bench::sink;

constexpr const char* kJsonType = "application/x-amz-json-1.1";

std::int64_t unix_now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::unique_ptr<httplib::Server> make_server(const Options& options) {
  if (!options.tls()) return std::make_unique<httplib::Server>();
  return std::make_unique<httplib::SSLServer>(options.tls_cert.c_str(), options.tls_key.c_str());
}

void add_routes(httplib::Server& server, Api& api, SinkState& state) {
  const auto started = std::chrono::steady_clock::now();
  server.Post("/", [&api, started](const httplib::Request& req, httplib::Response& res) {
    const Reply reply = api.handle(req.get_header_value("X-Amz-Target"), req.body, req.has_header("Authorization"),
                                   unix_now_ns());
    res.status = reply.status;
    res.set_header("x-amzn-RequestId", "00000000-0000-0000-0000-000000000000");
    res.set_content(reply.body, kJsonType);
    if (reply.expectation_met) {
      const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - started;
      std::printf("EXPECTED events arrived %.3f s after start\n", elapsed.count());
      std::fflush(stdout);
    }
  });
  server.Get("/stats", [&state](const httplib::Request&, httplib::Response& res) {
    res.set_content(state.stats_json(), "application/json");
  });
  server.Get("/arrivals", [&state](const httplib::Request&, httplib::Response& res) {
    res.set_content(state.arrivals_json(), "application/json");
  });
  server.Post("/reset", [&state](const httplib::Request&, httplib::Response& res) {
    state.reset();
    res.set_content("{}", "application/json");
  });
}

}  // namespace

int main(int argc, char** argv) {
  const auto options = parse_options(argc, argv);
  if (!options) return argc > 1 && std::string_view(argv[1]) == "--help" ? 0 : 2;

  // Blocked before any thread starts, so only the waiter below sees them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  SinkState state(options->expect_events);
  Api api(state, options->trace);
  auto server = make_server(*options);
  if (!server->is_valid()) {
    std::fprintf(stderr, "cw-bench-sink: cannot load the TLS certificate or key\n");
    return 2;
  }
  // A shipper keeps one connection for the whole run; httplib's default closes it every 5 requests.
  server->set_keep_alive_max_count(1'000'000'000);
  server->set_keep_alive_timeout(120);
  server->set_payload_max_length(64u << 20);
  // httplib writes a response's headers and body separately; with Nagle on,
  // the body waits for the client's delayed ACK (40 ms) and caps the run at
  // ~25 requests/s per connection, whatever the shipper does.
  server->set_socket_options([](socket_t sock) {
    const int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    ::setsockopt(sock, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
  });
  add_routes(*server, api, state);

  const int port = options->port == 0 ? server->bind_to_any_port("127.0.0.1")
                                      : (server->bind_to_port("127.0.0.1", options->port) ? options->port : -1);
  if (port <= 0) {
    std::fprintf(stderr, "cw-bench-sink: cannot bind 127.0.0.1:%d\n", options->port);
    return 2;
  }
  std::printf("PORT %d\n", port);
  std::fflush(stdout);
  std::fprintf(stderr, "cw-bench-sink: listening on %s://127.0.0.1:%d\n", options->tls() ? "https" : "http", port);

  std::thread stopper([&server, &stop_signals] {
    int signal = 0;
    sigwait(&stop_signals, &signal);
    server->stop();
  });
  const bool listened = server->listen_after_bind();
  pthread_kill(stopper.native_handle(), SIGTERM);  // wakes the waiter if the server stopped by itself
  stopper.join();
  std::fprintf(stderr, "cw-bench-sink: %s\n", state.stats_json().c_str());
  return listened ? 0 : 1;
}
