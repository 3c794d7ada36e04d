"""Delivery under faults: the fault proxy between cw-sidecar and moto throttles, answers
503, drops connections before and after moto stored a batch, answers slowly, and fails
every request for a while. For each mode, N lines (CW_FAULT_LINES, default 100,000),
each with a unique sequence number, must all be in moto afterwards; the only duplicates
allowed are the batches moto stored while the proxy closed the connection instead of
answering (the proxy records those), and every PutLogEvents body must respect the
service's limits. Also: a stream and a group deleted while running are re-created and
nothing is lost.

Figures (duplicates per mode, requests, retries) are printed to stderr."""

import json
import os
import re
import shutil
import sys
import tempfile
import time
import unittest

import fault_proxy as fp
import moto_fixture as mf

N_LINES = int(os.environ.get("CW_FAULT_LINES", "100000"))
SLOW = fp.slowdown()
# Lines of about 300 bytes: 100k lines make ~30 full (1 MB) requests, so each fault
# mode is drawn a meaningful number of times.
PAD = "p" * 240
# Retries in these tests: full jitter from 200 ms, capped at 2 s (the default cap is
# 20 s; a smaller one keeps the tests short without changing the behaviour).
COMMON_ARGS = ["--backoff-cap-ms", "2000", "--poll-interval-ms", "100"]


def report(text):
    sys.stderr.write(f"\n    [figures] {text}")
    sys.stderr.flush()


def write_lines(path, mode, first, count, base_ms):
    """count JSON lines, sequence numbers first.. ; returns their expected messages."""
    out = []
    with open(path, "a", encoding="utf-8") as f:
        chunk = []
        for i in range(first, first + count):
            msg = f'{{"seq":{i},"mode":"{mode}","pad":"{PAD}"}}'
            out.append(msg)
            chunk.append(f'{{"@timestamp":{base_ms + i},"seq":{i},"mode":"{mode}","pad":"{PAD}"}}\n')
            if len(chunk) >= 10000:
                f.write("".join(chunk))
                chunk = []
        f.write("".join(chunk))
    return out


class FaultModesTest(mf.MotoTestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="cw-it-faults-")
        self.logdir = os.path.join(self.tmp, "logs")
        os.mkdir(self.logdir)
        self.proxy = None
        self.procs = []

    def tearDown(self):
        for p in self.procs:
            if p.poll() is None:
                p.kill()
                p.wait(timeout=10)
        if self.proxy is not None:
            self.proxy.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)

    # -- helpers ---------------------------------------------------------------
    def check_delivery(self, name, expected, group, allow_dups=True):
        """Assert what moto stored against `expected`; returns the duplicate report."""
        stored = [e["message"] for e in mf.read_all_events(self.client, group)]
        records = self.proxy.snapshot()
        rep = fp.duplicate_report(records, stored, expected)
        st = self.proxy.stats()
        report(f"{name}: lines={len(expected)} stored={len(stored)} lost={len(rep['lost'])} "
               f"duplicates={rep['dup_events']} (legitimate: {rep['legit_events']} events in "
               f"{st['puts_stored_unanswered']} puts stored but not answered) "
               f"requests={st['requests']} connections={st['connections']} actions={st['actions']} "
               f"put_actions={st['put_actions']}")
        self.assertEqual(self.proxy.violations, [], f"{name}: PutLogEvents limits violated on the wire")
        self.assertEqual(rep["unexpected"][:5], [], f"{name}: messages that were never written")
        self.assertEqual(len(rep["lost"]), 0, f"{name}: {len(rep['lost'])} lines lost, e.g. {rep['lost'][:3]}")
        self.assertEqual(rep["answered_twice"][:5], [],
                         f"{name}: lines the sidecar sent again after seeing them accepted")
        self.assertEqual(rep["illegitimate"][:5], [],
                         f"{name}: duplicates not explained by a connection closed after moto stored")
        # Every batch moto stored without the sidecar hearing of it was sent again: exactly
        # one extra copy per event of those batches, no more, no fewer.
        self.assertEqual(rep["dup_events"], rep["legit_events"], f"{name}: duplicate count")
        if not allow_dups:
            self.assertEqual(rep["dup_events"], 0, f"{name}: duplicates")
        return rep, st

    def run_mode(self, name, plan, n=N_LINES, extra=(), timeout=150):
        group = f"faults-{name}"
        self.proxy = fp.FaultProxy(self.moto.port, plan).start()
        base_ms = int(time.time() * 1000) - 20 * 60 * 1000
        expected = write_lines(os.path.join(self.logdir, "app.log"), name, 0, n, base_ms)
        env = self.moto.sidecar_env(AWS_ENDPOINT_URL=self.proxy.endpoint)
        started = time.monotonic()
        rc, _out, err = mf.run_sidecar(["--log-path", self.logdir, "--log-group", group, "--once"]
                                       + COMMON_ARGS + list(extra),
                                       env=env, cwd=self.tmp, timeout=timeout * SLOW)
        elapsed = time.monotonic() - started
        self.assertEqual(rc, 0, f"{name}: exit code; stderr tail:\n{err[-3000:]}")
        summary = fp.parse_summary(err)
        self.assertIsNotNone(summary, f"{name}: no summary line:\n{err[-2000:]}")
        self.assertEqual(summary["_kind"], "done")
        rep, st = self.check_delivery(name, expected, group)
        report(f"{name}: shipped in {elapsed:.1f} s; summary: requests={summary['requests']} "
               f"throttled={summary['throttled']} server_errors={summary['server_errors']} "
               f"network_errors={summary['network_errors']} retries={summary['retries']}")
        # Accounting: every line accepted exactly once in the sidecar's own counters (a batch
        # stored without an answer is not counted until its resend is answered).
        self.assertEqual(summary["lines"], n)
        self.assertEqual(summary["accepted"], n, f"{name}: summary {summary}")
        self.assertEqual(summary["in_flight"], 0)
        return rep, st, summary, err, elapsed

    # -- the modes -----------------------------------------------------------------
    def test_throttling_30_percent(self):
        _rep, st, summary, _err, _t = self.run_mode("throttle", fp.FaultPlan(throttle=0.30, seed=11))
        self.assertGreater(st["actions"].get("throttle", 0), 0)
        self.assertGreaterEqual(summary["throttled"], st["put_actions"].get("throttle", 0))
        self.assertEqual(summary["server_errors"] + summary["network_errors"], 0)

    def test_503_10_percent(self):
        _rep, st, summary, _err, _t = self.run_mode("unavailable", fp.FaultPlan(unavailable=0.10, seed=12))
        self.assertGreater(st["actions"].get("unavailable", 0), 0)
        self.assertGreaterEqual(summary["server_errors"], st["put_actions"].get("unavailable", 0))
        self.assertEqual(summary["throttled"], 0)

    def test_connection_closed_before_forwarding(self):
        rep, st, summary, _err, _t = self.run_mode("close_before", fp.FaultPlan(close_before=0.20, seed=13))
        self.assertGreater(st["actions"].get("close_before", 0), 0)
        # libcurl itself retries once, on a fresh connection, when a reused connection is
        # closed before any answer: not every close reaches the sidecar's counters.
        self.assertLessEqual(summary["network_errors"], st["actions"].get("close_before", 0))
        self.assertEqual(rep["dup_events"], 0, "nothing reached moto: no duplicate is legitimate")

    def test_connection_closed_after_moto_stored(self):
        rep, st, _summary, _err, _t = self.run_mode("close_after", fp.FaultPlan(close_after=0.20, seed=14))
        self.assertGreater(st["puts_stored_unanswered"], 0, "the mode never hit a stored PutLogEvents")
        self.assertGreater(rep["dup_events"], 0)

    def test_slow_answers(self):
        # Half the requests answered 1 s late (after moto stored them): well within the
        # request timeout, so no duplicate is legitimate.
        rep, st, _summary, _err, _t = self.run_mode(
            "slow", fp.FaultPlan(slow=0.5, slow_seconds=1.0, slow_where="after", seed=15))
        self.assertGreater(st["actions"].get("slow", 0), 0)
        self.assertEqual(rep["dup_events"], 0)

    def test_mixed_faults(self):
        rep, st, _summary, _err, _t = self.run_mode(
            "mixed", fp.FaultPlan(throttle=0.15, unavailable=0.05, close_before=0.05, close_after=0.05,
                                  slow=0.05, slow_seconds=0.5, seed=16))
        self.assertGreater(sum(v for k, v in st["actions"].items() if k != "forward"), 0)

    def test_burst_of_failures_20s(self):
        burst = 20.0
        plan = fp.FaultPlan(burst_seconds=burst, burst_action="unavailable", burst_on_first_put=True, seed=17)
        rep, st, summary, err, elapsed = self.run_mode("burst", plan, timeout=180)
        failing = [l for l in err.splitlines() if "delivery failing" in l]
        recovered = [l for l in err.splitlines() if "delivery recovered" in l]
        report(f"burst: {st['actions'].get('unavailable', 0)} requests failed during {burst:.0f} s; "
               f"retries={summary['retries']}; trouble lines={len(failing)}; recovered lines={len(recovered)}; "
               f"total {elapsed:.1f} s")
        self.assertGreaterEqual(elapsed, burst, "the burst cannot have been ridden out sooner")
        self.assertGreater(summary["retries"], 10, "a 20 s burst with a 2 s backoff cap means many attempts")
        # About one trouble line per minute of trouble, not one per attempt.
        self.assertGreaterEqual(len(failing), 1, "the trouble was never reported")
        self.assertLessEqual(len(failing), 1 + int(elapsed // 60) + 1, "\n".join(failing))
        self.assertLess(len(failing), summary["retries"])
        self.assertGreaterEqual(len(recovered), 1, "no line saying delivery recovered")
        # Once the burst is over, delivery resumes within the backoff cap (+ moto's time).
        self.assertLess(elapsed, burst + 60 * SLOW)


class DeletedWhileRunningTest(mf.MotoTestCase):
    """Follow mode: the stream, then the group, deleted (boto3, straight to moto) between
    appends; the sidecar re-creates them and resends; nothing appended is lost."""


    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="cw-it-deleted-")
        self.logdir = os.path.join(self.tmp, "logs")
        os.mkdir(self.logdir)
        self.proc = None
        self.proxy = None

    def tearDown(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)
        if self.proxy is not None:
            self.proxy.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def stderr(self):
        with open(os.path.join(self.tmp, "sidecar.stderr"), "rb") as f:
            return f.read().decode("utf-8", "replace")

    def wait_stored(self, group, want, what):
        """Until moto holds exactly the multiset `want` in the group."""
        want = sorted(want)
        last = []

        def done():
            nonlocal last
            if self.proc.poll() is not None:
                self.fail(f"sidecar exited rc={self.proc.returncode}\n{self.stderr()[-3000:]}")
            last = sorted(e["message"] for e in mf.read_all_events(self.client, group))
            return last == want
        try:
            mf.wait_until(done, 60 * SLOW, interval=0.2, what=what)
        except TimeoutError:
            missing = sorted(set(want) - set(last))
            extra = len(last) - len(want)
            self.fail(f"{what}: moto holds {len(last)} events, want {len(want)}; missing e.g. {missing[:3]}; "
                      f"extra {extra}\nstderr:\n{self.stderr()[-3000:]}")

    def test_stream_and_group_deleted_mid_run(self):
        group = "faults-deleted"
        n = max(1000, N_LINES // 20)
        path = os.path.join(self.logdir, "app.log")
        base_ms = int(time.time() * 1000) - 10 * 60 * 1000
        # The proxy injects nothing; it is there to check the limits and count requests.
        self.proxy = fp.FaultProxy(self.moto.port, fp.FaultPlan()).start()
        env = self.moto.sidecar_env(AWS_ENDPOINT_URL=self.proxy.endpoint)
        first = write_lines(path, "deleted", 0, n, base_ms)
        self.proc = mf.start_sidecar(["--log-path", self.logdir, "--log-group", group] + COMMON_ARGS,
                                     env=env, cwd=self.tmp, stderr_path=os.path.join(self.tmp, "sidecar.stderr"))
        self.wait_stored(group, first, "the first lines")
        streams = mf.list_streams(self.client, group)
        self.assertEqual(len(streams), 1, streams)

        # 1. The stream is deleted (its events go with it); lines appended afterwards.
        self.client.delete_log_stream(logGroupName=group, logStreamName=streams[0])
        second = write_lines(path, "deleted", n, n, base_ms)
        self.wait_stored(group, second, "the lines appended after the stream was deleted")

        # 2. The whole group is deleted; lines appended afterwards.
        self.client.delete_log_group(logGroupName=group)
        third = write_lines(path, "deleted", 2 * n, n, base_ms)
        self.wait_stored(group, third, "the lines appended after the group was deleted")

        rc = mf.stop_process(self.proc, timeout=15 * SLOW)
        err = self.stderr()
        self.assertEqual(rc, 0, err[-3000:])
        summary = fp.parse_summary(err)
        report(f"deleted: {3 * n} lines; summary {summary}; proxy {self.proxy.stats()}")
        self.assertEqual(self.proxy.violations, [])
        self.assertEqual(summary["lines"], 3 * n)
        self.assertEqual(summary["accepted"], 3 * n)
        self.assertGreaterEqual(len(re.findall(r"log group or stream missing", err)), 2, err[-3000:])
        # Nothing sent twice: every line in exactly one answered, stored request.
        rep = fp.duplicate_report(self.proxy.snapshot(), first + second + third, first + second + third)
        self.assertEqual(rep["answered_twice"][:5], [])


if __name__ == "__main__":
    unittest.main()
