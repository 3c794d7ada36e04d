"""Shutdown: SIGTERM/SIGINT stop reading, send what was read within SHUTDOWN_GRACE_MS,
exit 0; what could not be sent stays on disk and a restart completes delivery with no
loss (duplicates at most the batches in flight when the grace ran out). The same when the
endpoint is unreachable or hangs. A second signal exits at once, checkpoints intact.

Timings are printed to stderr; margins are x3 for sanitizer builds."""

import os
import signal
import socket
import sys
import time
import unittest

import fault_proxy as fp
import moto_fixture as mf
from test_faults import write_lines

SLOW = fp.slowdown()
GRACE_MS = 2000
# After the grace: aborting a hanging transfer (libcurl's progress callback runs about
# once a second when nothing moves), joins, the checkpoint write.
MARGIN_S = 1.5 * SLOW


def report(text):
    sys.stderr.write(f"\n    [figures] {text}")
    sys.stderr.flush()


class ShutdownTest(mf.MotoTestCase):
    def setUp(self):
        self.make_temp_dirs("cw-it-shutdown-")
        self.procs = []
        self.proxies = []
        self.sockets = []
        self.runs = 0

    def tearDown(self):
        for p in self.procs:
            if p.poll() is None:
                p.kill()
                p.wait(timeout=10)
        for px in self.proxies:
            px.stop()
        for s in self.sockets:
            s.close()

    # -- helpers ---------------------------------------------------------------
    def start(self, group, endpoint, extra=()):
        self.runs += 1
        errpath = os.path.join(self.tmp, f"sidecar{self.runs}.stderr")
        env = self.moto.sidecar_env(AWS_ENDPOINT_URL=endpoint)
        p = mf.start_sidecar(["--log-path", self.logdir, "--log-group", group, "--state-dir", self.state,
                              "--poll-interval-ms", "100", "--shutdown-grace-ms", str(GRACE_MS),
                              "--backoff-cap-ms", "1000", "--connect-timeout-ms", "1000"] + list(extra),
                             env=env, cwd=self.tmp, stderr_path=errpath)
        self.procs.append(p)
        return p, errpath

    @staticmethod
    def stderr_of(path):
        with open(path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def signal_and_time(self, proc, sig, timeout):
        """Send sig; returns (exit code, seconds until the process was gone)."""
        t0 = time.monotonic()
        proc.send_signal(sig)
        try:
            rc = proc.wait(timeout=timeout)
        except Exception:
            proc.kill()
            proc.wait(timeout=10)
            self.fail(f"still running {timeout:.0f} s after {sig.name} (grace {GRACE_MS} ms); log tail:\n"
                      + self.stderr_of(os.path.join(self.tmp, f"sidecar{self.runs}.stderr"))[-2000:])
        return rc, time.monotonic() - t0, t0

    def proxy(self, plan):
        px = fp.FaultProxy(self.moto.port, plan).start()
        self.proxies.append(px)
        return px

    def restart_to_completion(self, group):
        """Run --once straight against a clean proxy; returns its summary."""
        px = self.proxy(fp.FaultPlan())
        env = self.moto.sidecar_env(AWS_ENDPOINT_URL=px.endpoint)
        rc, _out, err = mf.run_sidecar(["--log-path", self.logdir, "--log-group", group, "--state-dir", self.state,
                                        "--once"], env=env, cwd=self.tmp, timeout=120 * SLOW)
        self.assertEqual(rc, 0, err[-3000:])
        self.assertEqual(px.violations, [])
        return fp.parse_summary(err), px

    def wait_for_stderr(self, proc, errpath, needle, timeout):
        def seen():
            if proc.poll() is not None:
                self.fail(f"sidecar exited rc={proc.returncode}:\n{self.stderr_of(errpath)[-3000:]}")
            return needle in self.stderr_of(errpath)
        mf.wait_until(seen, timeout, interval=0.05, what=f"'{needle}' in the sidecar's log")

    # -- tests -----------------------------------------------------------------
    def check_stop_with_lines_in_flight(self, sig):
        group = f"shutdown-inflight-{sig.name.lower()}"
        n = 60_000
        expected = write_lines(os.path.join(self.logdir, "app.log"), group, 0, n,
                               int(time.time() * 1000) - 600_000)
        # Every PutLogEvents is stored by moto at once, and answered 3 s later.
        slow = self.proxy(fp.FaultPlan(slow=1.0, slow_seconds=3.0, slow_where="after", ops=["PutLogEvents"]))
        proc, errpath = self.start(group, slow.endpoint)
        # Requests in flight, some batches already delivered.
        def in_flight():
            if proc.poll() is not None:
                self.fail(f"sidecar exited rc={proc.returncode}:\n{self.stderr_of(errpath)[-3000:]}")
            recs = slow.snapshot()
            return (sum(1 for r in recs if r.answered) >= 4
                    and sum(1 for r in recs if r.stored and not r.answered) >= 1)
        mf.wait_until(in_flight, 60 * SLOW, interval=0.02, what="answered and in-flight PutLogEvents")
        in_flight_at_signal = sum(1 for r in slow.snapshot() if not r.answered)
        rc, elapsed, t_signal = self.signal_and_time(proc, sig, GRACE_MS / 1000 + 30 * SLOW)
        err = self.stderr_of(errpath)
        summary = fp.parse_summary(err)
        report(f"{sig.name} with {in_flight_at_signal} requests in flight: exit {rc} after {elapsed:.2f} s "
               f"(grace {GRACE_MS} ms); summary {summary}")
        self.assertEqual(rc, 0, err[-3000:])
        self.assertIsNotNone(summary, err[-2000:])
        self.assertEqual(summary["_kind"], "stopped by signal")
        self.assertLess(summary["accepted"], n, "the test needs lines left for the restart")
        # A stop makes the last positions durable: the synced copy is the state file.
        with open(os.path.join(self.state, "checkpoints"), encoding="utf-8") as f:
            latest = f.read()
        with open(os.path.join(self.state, "checkpoints.synced"), encoding="utf-8") as f:
            self.assertEqual(f.read(), latest)

        # Batches moto stored whose answer the stopped sidecar could not have seen.
        cut = t_signal + GRACE_MS / 1000 - 0.2
        unseen = [r for r in slow.snapshot() if r.stored and (not r.answered or r.answered_at >= cut)]

        summary2, px2 = self.restart_to_completion(group)
        stored = [e["message"] for e in mf.read_all_events(self.client, group)]
        records = slow.snapshot() + px2.snapshot()
        rep = fp.duplicate_report(records, stored, expected)
        legit = {m for r in unseen for m in r.messages}
        report(f"{sig.name}: restart summary {summary2}; stored {len(stored)} of {n}; duplicates "
               f"{rep['dup_events']} events; batches stored but unseen at the stop: {len(unseen)} "
               f"({sum(len(r.messages) for r in unseen)} events)")
        self.assertEqual(len(rep["lost"]), 0, f"lost {len(rep['lost'])} lines, e.g. {rep['lost'][:3]}")
        self.assertEqual(rep["unexpected"], [])
        illegit = [m for m in rep["dups"] if m not in legit]
        self.assertEqual(illegit[:5], [], f"{len(illegit)} duplicates outside the batches in flight at the stop")
        resent = [r for r in slow.snapshot() if r.stored and any(m in rep["dups"] for m in r.messages)]
        report(f"{sig.name}: batches of the first run sent again by the restart: {len(resent)}")
        self.assertLessEqual(len(resent), 4 + 1, "more batches resent than were in flight (MAX_IN_FLIGHT + 1)")
        # Last, so that the delivery checks above run whatever the timing.
        self.assertLessEqual(elapsed, GRACE_MS / 1000 + MARGIN_S,
                             f"exit {elapsed:.2f} s after {sig.name}, grace {GRACE_MS} ms:\n{err[-3000:]}")

    def test_sigterm_with_lines_in_flight_then_restart(self):
        self.check_stop_with_lines_in_flight(signal.SIGTERM)

    def test_sigint_with_lines_in_flight_then_restart(self):
        self.check_stop_with_lines_in_flight(signal.SIGINT)

    def check_stop_unreachable(self, sig, endpoint, what, lines=2000):
        group = f"shutdown-{what}-{sig.name.lower()}"
        expected = write_lines(os.path.join(self.logdir, "app.log"), group, 0, lines,
                               int(time.time() * 1000) - 600_000)
        proc, errpath = self.start(group, endpoint, ["--request-timeout-ms", "30000"])
        self.wait_for_stderr(proc, errpath, "delivery failing", 30 * SLOW)
        rc, elapsed, _t = self.signal_and_time(proc, sig, GRACE_MS / 1000 + 30 * SLOW)
        err = self.stderr_of(errpath)
        report(f"{sig.name}, endpoint {what}: exit {rc} after {elapsed:.2f} s (grace {GRACE_MS} ms)")
        self.assertEqual(rc, 0, err[-3000:])
        self.assertLessEqual(elapsed, GRACE_MS / 1000 + MARGIN_S, err[-3000:])
        summary = fp.parse_summary(err)
        self.assertEqual(summary["_kind"], "stopped by signal", err[-2000:])
        self.assertEqual(summary["accepted"], 0)
        self.assertIn("grace period over", err)
        # What was read and not answered is in flight in the exit summary, not lost from it.
        self.assertEqual(summary["in_flight"], summary["lines"], err[-2000:])
        # Everything waits on disk: the restart delivers all of it, once.
        summary2, _px = self.restart_to_completion(group)
        stored = sorted(e["message"] for e in mf.read_all_events(self.client, group))
        self.assertEqual(stored, sorted(expected))
        self.assertEqual(summary2["accepted"], len(expected))

    def test_sigterm_endpoint_refuses_connections(self):
        self.check_stop_unreachable(signal.SIGTERM, mf.closed_port_url(), "refused")

    def test_sigterm_while_reader_waits_for_a_free_batch(self):
        """More lines than the sender pool's batches hold and every request fails (503): the
        reader waits for a free batch (back-pressure) while every sender retries. SIGTERM
        must still stop the process within the grace, and a restart delivers everything."""
        group = "shutdown-backpressure"
        path = os.path.join(self.logdir, "app.log")
        expected = write_lines(path, group, 0, 60_000, int(time.time() * 1000) - 600_000)
        failing = self.proxy(fp.FaultPlan(burst_seconds=3600, burst_on_first_put=False,
                                          burst_action="unavailable"))
        proc, errpath = self.start(group, failing.endpoint, extra=["--max-in-flight", "2"])
        size = os.path.getsize(path)
        positions = []

        def reader_blocked():
            if proc.poll() is not None:
                self.fail(f"sidecar exited rc={proc.returncode}")
            positions.append(self._bytes_read(proc.pid))
            # The senders (two here) hold a batch each, and the reader
            # stopped reading short of the end (only the small 503 answers still come in).
            last = positions[-3:]
            return (len(failing.batches_seen) >= 2 and len(last) == 3 and last[-1] < size
                    and last[-1] - last[0] < 64 * 1024)
        mf.wait_until(reader_blocked, 30 * SLOW, interval=0.2, what="the reader waiting for a free batch")
        report(f"back-pressure: the process read {positions[-1]} bytes of a {size}-byte file, then stopped; "
               f"{len(failing.batches_seen)} batches failing")
        rc, elapsed, _t = self.signal_and_time(proc, signal.SIGTERM, GRACE_MS / 1000 + 10 * SLOW)
        err = self.stderr_of(errpath)
        report(f"SIGTERM while the reader waits for a batch: exit {rc} after {elapsed:.2f} s (grace {GRACE_MS} ms)")
        self.assertEqual(rc, 0, err[-3000:])
        self.assertLessEqual(elapsed, GRACE_MS / 1000 + MARGIN_S, err[-3000:])
        self.restart_to_completion(group)
        stored = sorted(e["message"] for e in mf.read_all_events(self.client, group))
        self.assertEqual(stored, sorted(expected))

    @staticmethod
    def _bytes_read(pid):
        """Bytes the process has read so far (files and sockets: /proc/PID/io rchar)."""
        try:
            with open(f"/proc/{pid}/io") as f:
                for line in f:
                    if line.startswith("rchar:"):
                        return int(line.split()[1])
        except OSError:
            pass
        return 0

    def test_sigint_endpoint_refuses_connections(self):
        self.check_stop_unreachable(signal.SIGINT, mf.closed_port_url(), "refused")

    def test_sigterm_endpoint_hangs(self):
        # Listens but never answers: requests hang until the request timeout (30 s),
        # so the grace must cut them short.
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.bind(("127.0.0.1", 0))
        s.listen(64)
        self.sockets.append(s)
        group = "shutdown-hangs"
        write_lines(os.path.join(self.logdir, "app.log"), group, 0, 2000, int(time.time() * 1000) - 600_000)
        proc, errpath = self.start(group, f"http://127.0.0.1:{s.getsockname()[1]}",
                                   ["--request-timeout-ms", "30000"])
        # The sidecar has read the file and its first request is stuck: wait until it connected.
        def connected():
            if proc.poll() is not None:
                self.fail(f"sidecar exited rc={proc.returncode}:\n{self.stderr_of(errpath)[-3000:]}")
            return self._pending_connections(s)
        mf.wait_until(connected, 30 * SLOW, what="a connection to the hanging endpoint")
        rc, elapsed, _t = self.signal_and_time(proc, signal.SIGTERM, GRACE_MS / 1000 + 40 * SLOW)
        err = self.stderr_of(errpath)
        report(f"SIGTERM, endpoint hangs: exit {rc} after {elapsed:.2f} s (grace {GRACE_MS} ms)")
        self.assertEqual(rc, 0, err[-3000:])
        self.assertLessEqual(elapsed, GRACE_MS / 1000 + MARGIN_S, err[-3000:])

    @staticmethod
    def _pending_connections(s):
        s.setblocking(False)
        try:
            conn, _ = s.accept()  # accept and keep it open, silent
            ShutdownTest._held = getattr(ShutdownTest, "_held", []) + [conn]
            return True
        except BlockingIOError:
            return False

    def test_second_signal_exits_at_once(self):
        group = "shutdown-second"
        expected = write_lines(os.path.join(self.logdir, "app.log"), group, 0, 2000,
                               int(time.time() * 1000) - 600_000)
        proc, errpath = self.start(group, mf.closed_port_url(), ["--shutdown-grace-ms", "60000"])
        self.wait_for_stderr(proc, errpath, "delivery failing", 30 * SLOW)
        proc.send_signal(signal.SIGTERM)
        self.wait_for_stderr(proc, errpath, "stopping", 10 * SLOW)
        self.assertIsNone(proc.poll(), "exited on the first signal although the grace is 60 s")
        rc, elapsed, _t = self.signal_and_time(proc, signal.SIGINT, 30 * SLOW)
        err = self.stderr_of(errpath)
        report(f"second signal: exit {rc} after {elapsed:.3f} s")
        self.assertLessEqual(elapsed, 1.0 * SLOW, err[-2000:])
        self.assertGreaterEqual(rc, 0, "killed by the signal instead of exiting")
        self.assertIn("second signal", err)
        # Checkpoints intact: the restart delivers everything once.
        self.restart_to_completion(group)
        stored = sorted(e["message"] for e in mf.read_all_events(self.client, group))
        self.assertEqual(stored, sorted(expected))


if __name__ == "__main__":
    unittest.main()
