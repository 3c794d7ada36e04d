#include "app/metrics_server.h"

#include <httplib.h>

#include <stdexcept>

#include "app/health.h"
#include "app/prometheus_text.h"
#include "common/clock.h"

namespace cw::app {
namespace {

// Probes and one scraper: two threads are plenty, and the default pool
// (at least eight) would be waste in a sidecar.
constexpr std::size_t kServerThreads = 2;

}  // namespace

struct MetricsServer::Impl {
  httplib::Server server;
  std::atomic<bool> finished{false};  // the serving loop returned
};

MetricsServer::MetricsServer(MetricsServerOptions options, const Counters& counters, const Logger& log)
    : options_(std::move(options)), counters_(counters), log_(log), impl_(std::make_unique<Impl>()) {
  httplib::Server& server = impl_->server;
  server.new_task_queue = [] { return new httplib::ThreadPool(kServerThreads); };
  // A probe that stalls mid-request must not hold a thread for long.
  server.set_read_timeout(5, 0);
  server.set_write_timeout(5, 0);
  server.set_keep_alive_max_count(100);

  server.Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
    if (options_.refresh_gauges) options_.refresh_gauges();
    const std::int64_t now = epoch_ms();
    const MetricsContext context{now, judge_health(counters_, now, options_.stuck_after).healthy, options_.version};
    res.set_content(render_prometheus(counters_, context), std::string(kPrometheusContentType));
  });
  server.Get("/healthz", [this](const httplib::Request&, httplib::Response& res) {
    const HealthVerdict verdict = judge_health(counters_, epoch_ms(), options_.stuck_after);
    res.status = verdict.healthy ? 200 : 503;
    const std::string body = verdict.healthy && verdict.reason.empty() ? "ok" : verdict.reason;
    res.set_content(body + "\n", "text/plain; charset=utf-8");
  });

  const ListenAddress& address = options_.address;
  if (address.port == 0) {
    port_ = server.bind_to_any_port(address.host);
    if (port_ <= 0) port_ = 0;
  } else if (server.bind_to_port(address.host, address.port)) {
    port_ = address.port;
  }
  if (port_ == 0) {
    throw std::runtime_error("METRICS_ADDRESS " + address.host + ":" + std::to_string(address.port) +
                             ": cannot listen there (address in use, or not an address of this host)");
  }
  thread_ = std::thread([this] {
    if (!impl_->server.listen_after_bind()) log_.warn("metrics listener stopped unexpectedly");
    impl_->finished = true;
  });
  // stop() is a no-op until the loop runs (httplib checks is_running()), so
  // the destructor could otherwise hang; the loop starts within microseconds.
  while (!impl_->server.is_running() && !impl_->finished) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

MetricsServer::~MetricsServer() {
  impl_->server.stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace cw::app
