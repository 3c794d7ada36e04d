"""Metrics and health, end to end against moto:

* /metrics parses with a strict Prometheus text parser, and after a run its
  counters equal the accounting: every line written has one outcome, the
  accepted events are the events CloudWatch holds;
* /healthz turns 503 when the endpoint has been unreachable for longer than
  HEALTH_STUCK_AFTER_S, and 200 again once it is back; `--healthcheck` (the
  image's HEALTHCHECK) exits 1 and 0 in those two states, and 1 (never 2) when
  there is nothing to ask;
* LOG_FORMAT=json: every self-log line is a JSON object with time, level, msg.
"""

import datetime as dt
import json
import os
import shutil
import socket
import tempfile
import threading
import unittest
import urllib.error
import urllib.request

import moto_fixture as mf
import prometheus_strict as prom

DEADLINE = 30.0


def fetch(url):
    """(status, body text, content type); status 0 when nothing answers."""
    try:
        with urllib.request.urlopen(url, timeout=3) as resp:
            return resp.status, resp.read().decode("utf-8"), resp.headers.get("Content-Type", "")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8"), e.headers.get("Content-Type", "")
    except (urllib.error.URLError, OSError):
        return 0, "", ""


class Relay:
    """A TCP relay 127.0.0.1:listen_port -> 127.0.0.1:target_port: the endpoint
    'coming back' on the port the sidecar has been failing to reach."""

    def __init__(self, listen_port, target_port):
        self.target_port = target_port
        self.sockets = []
        self.lock = threading.Lock()
        self.server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.server.bind(("127.0.0.1", listen_port))
        self.server.listen(16)
        threading.Thread(target=self._accept, daemon=True).start()

    def _keep(self, s):
        with self.lock:
            self.sockets.append(s)

    def _accept(self):
        while True:
            try:
                client, _ = self.server.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target_port), timeout=5)
            except OSError:
                client.close()
                continue
            self._keep(client)
            self._keep(upstream)
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(src, dst):
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                dst.sendall(data)
        except OSError:
            pass
        try:
            dst.shutdown(socket.SHUT_WR)
        except OSError:
            pass

    def close(self):
        self.server.close()
        with self.lock:
            for s in self.sockets:
                try:
                    s.close()
                except OSError:
                    pass


def json_line(n, age_s=30, extra=""):
    ts = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=age_s)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return f'{{"@timestamp":"{ts}","n":{n}{extra}}}\n'.encode()


class MetricsTest(mf.MotoTestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="cw-it-metrics-")
        self.logdir = os.path.join(self.tmp, "logs")
        os.mkdir(self.logdir)
        self.procs = []
        self.metrics_port = mf.free_port()
        self.base = f"http://127.0.0.1:{self.metrics_port}"

    def tearDown(self):
        for p in self.procs:
            if p.poll() is None:
                p.kill()
                p.wait(timeout=10)
        shutil.rmtree(self.tmp, ignore_errors=True)

    def start(self, group, env):
        self.errpath = os.path.join(self.tmp, "sidecar.stderr")
        p = mf.start_sidecar(["--log-path", self.logdir, "--log-group", group, "--poll-interval-ms", "100"],
                             env=env, cwd=self.tmp, stderr_path=self.errpath)
        self.procs.append(p)
        return p

    def stderr(self):
        with open(self.errpath, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def metrics(self, proc):
        if proc.poll() is not None:
            self.fail(f"sidecar exited rc={proc.returncode}\n{self.stderr()}")
        status, body, ctype = fetch(self.base + "/metrics")
        if status != 200:
            return None
        self.assertTrue(ctype.startswith("text/plain; version=0.0.4"), ctype)
        return prom.parse(body)  # strict: raises on any deviation

    def healthcheck(self, env):
        rc, out, err = mf.run_sidecar(["--healthcheck"], env=env, timeout=30)
        return rc, out + err

    def write(self, name, data):
        with open(os.path.join(self.logdir, name), "ab") as f:
            f.write(data)

    def test_counters_equal_the_accounting(self):
        group = "it-metrics-accounting"
        lines = [json_line(n) for n in range(20)]                      # JSON, stamped from the field
        lines += [b'{"msg":"no time %d"}\n' % n for n in range(3)]    # JSON, read time
        lines += [b"plain text %d\n" % n for n in range(3)]            # raw
        lines += [b"\n", b"   \n"]                                     # empty: skipped
        lines += [b"x" * 250 + b"\n"]                                  # cut into pieces of 100
        lines += [b"bad utf-8 \xff\xfe here\n"]                        # repaired
        lines += [json_line(99, age_s=20 * 86400)]                     # 20 days old: set aside
        self.write("app.log", b"".join(lines))
        env = self.moto.sidecar_env(METRICS_ADDRESS=f"127.0.0.1:{self.metrics_port}", MAX_MESSAGE_BYTES="100",
                                    OUT_OF_WINDOW="set-aside", LOG_FORMAT="json")
        proc = self.start(group, env)

        def settled():
            m = self.metrics(proc)
            if m is None:
                return None
            read = prom.value(m, "cw_sidecar_lines_read_total")
            outcomes = prom.total(m, "cw_sidecar_events_total")
            if (read >= len(lines) and outcomes == read and prom.value(m, "cw_sidecar_events_in_flight") == 0
                    and prom.value(m, "cw_sidecar_backlog_bytes") == 0):
                return m
            return None
        m = mf.wait_until(settled, DEADLINE, interval=0.1, what="every line to have an outcome")

        pieces = prom.value(m, "cw_sidecar_line_pieces_total")
        self.assertGreaterEqual(pieces, 2)  # 250 bytes in pieces of at most 100
        read = prom.value(m, "cw_sidecar_lines_read_total")
        self.assertEqual(read, len(lines) + pieces)
        outcome = lambda o: prom.value(m, "cw_sidecar_events_total", outcome=o)  # noqa: E731
        self.assertEqual(outcome("empty_skipped"), 2)
        self.assertEqual(outcome("set_aside_window"), 1)
        for o in ("rejected_too_new", "rejected_too_old", "rejected_expired", "set_aside_invalid"):
            self.assertEqual(outcome(o), 0, o)
        self.assertEqual(outcome("accepted"), read - 3)
        kinds = {k: prom.value(m, "cw_sidecar_events_read_total", kind=k) for k in ("json", "no_timestamp", "raw")}
        self.assertEqual(kinds["json"], 21)
        self.assertEqual(kinds["no_timestamp"], 3)
        self.assertEqual(sum(kinds.values()) + outcome("empty_skipped"), read)
        self.assertEqual(prom.value(m, "cw_sidecar_events_utf8_repaired_total"), 1)

        # What CloudWatch holds is what the counters say was accepted.
        stored = mf.read_all_events(self.client, group)
        self.assertEqual(len(stored), outcome("accepted"))
        ok = prom.value(m, "cw_sidecar_requests_total", outcome="ok")
        self.assertGreaterEqual(ok, 1)
        for o in ("throttled", "server_error", "network_error"):
            self.assertEqual(prom.value(m, "cw_sidecar_requests_total", outcome=o), 0, o)
        # The first PutLogEvents finds no group (a client error), which is then created.
        self.assertGreaterEqual(prom.value(m, "cw_sidecar_create_calls_total"), 1)
        # The only resends are those of batches that found no group or stream.
        self.assertLessEqual(prom.value(m, "cw_sidecar_retries_total"),
                             prom.value(m, "cw_sidecar_requests_total", outcome="client_error"))
        self.assertEqual(prom.value(m, "cw_sidecar_throttles_total"), 0)
        self.assertGreater(prom.value(m, "cw_sidecar_bytes_sent_total"), sum(len(e["message"]) for e in stored))
        self.assertEqual(prom.value(m, "cw_sidecar_bytes_read_total"), sum(len(line) for line in lines))
        self.assertEqual(prom.value(m, "cw_sidecar_lag_seconds"), 0)
        self.assertEqual(prom.value(m, "cw_sidecar_failing_seconds"), 0)
        self.assertGreater(prom.value(m, "cw_sidecar_last_success_timestamp_seconds"), 1.7e9)
        self.assertEqual(prom.value(m, "cw_sidecar_files_tracked"), 1)
        self.assertEqual(prom.value(m, "cw_sidecar_healthy"), 1)
        self.assertNotIn("cw_sidecar_credentials_expiry_seconds", m["types"])  # long-term keys

        status, body, _ = fetch(self.base + "/healthz")
        self.assertEqual((status, body), (200, "ok\n"))
        self.assertEqual(fetch(self.base + "/nothing-here")[0], 404)
        rc, out = self.healthcheck({"METRICS_ADDRESS": f"127.0.0.1:{self.metrics_port}"})
        self.assertEqual(rc, 0, out)

        self.assertEqual(mf.stop_process(proc), 0)
        text = self.stderr()
        self.assertTrue(text.strip())
        for line in text.splitlines():
            doc = json.loads(line)  # LOG_FORMAT=json: every line is one object
            self.assertEqual(set(doc), {"time", "level", "msg"}, line)
            self.assertIn(doc["level"], ("debug", "info", "warn", "error"))
            self.assertRegex(doc["time"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
        self.assertTrue(any("metrics and health on 127.0.0.1:" in json.loads(l)["msg"] for l in text.splitlines()))

    def test_health_turns_unhealthy_while_the_endpoint_is_unreachable_and_back(self):
        group = "it-metrics-health"
        endpoint_port = mf.free_port()  # nothing listens there yet
        self.write("app.log", b"".join(json_line(n) for n in range(5)))
        metrics_env = {"METRICS_ADDRESS": f"127.0.0.1:{self.metrics_port}"}
        env = self.moto.sidecar_env(AWS_ENDPOINT_URL=f"http://127.0.0.1:{endpoint_port}", HEALTH_STUCK_AFTER_S="1",
                                    BACKOFF_BASE_MS="50", BACKOFF_CAP_MS="200", CONNECT_TIMEOUT_MS="500",
                                    **metrics_env)
        proc = self.start(group, env)

        def status_is(code):
            def check():
                if proc.poll() is not None:
                    self.fail(f"sidecar exited rc={proc.returncode}\n{self.stderr()}")
                status, body, _ = fetch(self.base + "/healthz")
                return body if status == code else None
            return check
        reason = mf.wait_until(status_is(503), DEADLINE, interval=0.1, what="/healthz to answer 503")
        # Whichever rule trips first (app/health.cc), the failure is named first.
        self.assertRegex(reason, r"^delivery failing for \d+ s(, oldest unacknowledged batch was read \d+ s ago)? "
                                 r"\(HEALTH_STUCK_AFTER_S=1\)\n$")
        rc, out = self.healthcheck(metrics_env)
        self.assertEqual(rc, 1, out)
        self.assertIn("unhealthy (HTTP 503): delivery failing", out)
        m = self.metrics(proc)
        self.assertEqual(prom.value(m, "cw_sidecar_healthy"), 0)
        # The batch's lines were read before its first attempt: the age rule may trip first.
        self.assertGreater(prom.value(m, "cw_sidecar_failing_seconds"), 0)
        self.assertGreater(prom.value(m, "cw_sidecar_requests_total", outcome="network_error"), 0)
        self.assertGreater(prom.value(m, "cw_sidecar_retries_total"), 0)
        self.assertEqual(prom.value(m, "cw_sidecar_events_in_flight"), 5)
        self.assertGreater(prom.value(m, "cw_sidecar_backlog_bytes"), 0)
        self.assertGreater(prom.value(m, "cw_sidecar_lag_seconds"), 0)

        relay = Relay(endpoint_port, self.moto.port)  # the endpoint comes back
        try:
            mf.wait_until(status_is(200), DEADLINE, interval=0.1, what="/healthz to answer 200 again")
            rc, out = self.healthcheck(metrics_env)
            self.assertEqual(rc, 0, out)
            self.assertIn("healthy: ok", out)
            mf.wait_until(lambda: len(mf.read_all_events(self.client, group)) == 5, DEADLINE, interval=0.2,
                          what="the 5 events to arrive")
            self.assertEqual(mf.stop_process(proc), 0)
        finally:
            relay.close()
        self.assertIn("delivery recovered", self.stderr())

    def test_healthcheck_exits_1_when_there_is_nothing_to_ask(self):
        rc, out = self.healthcheck({})
        self.assertEqual(rc, 1, out)
        self.assertIn("METRICS_ADDRESS is off", out)
        rc, out = self.healthcheck({"METRICS_ADDRESS": f"127.0.0.1:{mf.free_port()}"})
        self.assertEqual(rc, 1, out)
        self.assertIn("unhealthy", out)
        rc, out = self.healthcheck({"METRICS_ADDRESS": "not an address"})
        self.assertEqual(rc, 1, out)  # Docker reserves 2
        self.assertIn("config error", out)

    def test_taken_metrics_port_is_a_config_error(self):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            s.listen(1)
            port = s.getsockname()[1]
            rc, _, err = mf.run_sidecar(["--log-path", self.logdir, "--once"],
                                        env=self.moto.sidecar_env(METRICS_ADDRESS=f"127.0.0.1:{port}"))
        self.assertEqual(rc, 2, err)
        self.assertIn("METRICS_ADDRESS", err)


if __name__ == "__main__":
    unittest.main()
