"""One owner per STATE_DIR: two sidecars started 0.3 s apart on the same files
and state dir, as a start-first rolling update does, with a backlog and live
writes. The second waits (healthy) until the first stops, then starts from its
checkpoints: after a SIGTERM every line arrives exactly once, after a SIGKILL
nothing is lost and only lines after the last checkpoint come twice."""

import os
import signal
import threading
import time
import unittest
import urllib.request

import moto_fixture as mf
import tail_common as tc

BACKLOG = tc.scaled(20_000, 4_000)
LIVE = tc.scaled(6_000, 1_200)
MAX_BATCH_EVENTS = 10_000


def checkpointed_lines(state_dir, path):
    """Lines before the acknowledged offset the state file holds for `path`."""
    try:
        with open(os.path.join(state_dir, "checkpoints"), encoding="utf-8") as f:
            rows = f.read().splitlines()[1:]
    except FileNotFoundError:
        return 0
    st = os.stat(path)
    for row in rows:
        fields = row.split(" ", 5)
        if len(fields) >= 5 and fields[0].isdigit() and int(fields[0]) == st.st_dev and int(fields[1]) == st.st_ino:
            with open(path, "rb") as f:
                return f.read(int(fields[4])).count(b"\n")
    return 0


def healthz(address):
    with urllib.request.urlopen(f"http://{address}/healthz", timeout=5) as resp:
        return resp.status, resp.read().decode().strip()


class StateLockTest(tc.TailTestCase):
    def start_on_port(self):
        address = f"127.0.0.1:{mf.free_port()}"
        p = self.start(env={"METRICS_ADDRESS": address})
        p.metrics = address
        return p

    def overlap(self, first_signal):
        """Returns (first, second, tally, path, checkpointed lines at the first's end)."""
        path = os.path.join(self.logdir, "app.log")
        tc.write_lines(path, range(BACKLOG), "lock")
        first = self.start_on_port()
        self.wait_for_log(first, "state in")
        time.sleep(0.3)  # the scenario: a second task 0.3 s later, not a synchronisation
        second = self.start_on_port()
        self.wait_for_log(second, "waiting for it to stop")
        self.assertIn(f"is owned by pid {first.pid} on host ", self.stderr_of(second))
        self.assertEqual(healthz(second.metrics), (200, "waiting for the state lock"))
        self.assertEqual(tc.scrape_metrics(second.metrics).get("cw_sidecar_state_lock_waiting"), 1.0)
        self.assertNotIn("state in", self.stderr_of(second), "the waiter read no checkpoint")

        done = threading.Event()

        def writer():
            per_second = 2_000 / tc.SLOW
            t0 = time.monotonic()
            with open(path, "a", encoding="utf-8") as f:
                for start in range(BACKLOG, BACKLOG + LIVE, 100):
                    f.write("".join(tc.line(s, "lock") for s in range(start, min(BACKLOG + LIVE, start + 100))))
                    f.flush()
                    ahead = t0 + (start + 100 - BACKLOG) / per_second - time.monotonic()
                    if ahead > 0:
                        time.sleep(ahead)  # pacing the writer, not synchronisation
            done.set()

        # The first ships, then live lines start, and the first is stopped
        # while they are being written (waiting for the first batch before
        # the writer starts keeps a loaded machine from finishing the writes
        # before the stop).
        backlog_size = os.path.getsize(path)
        mf.wait_until(lambda: tc.tally(self.messages())[0], 20 * tc.SLOW, interval=0.2, what="the first to ship")
        thread = threading.Thread(target=writer, daemon=True)
        thread.start()
        mf.wait_until(lambda: os.path.getsize(path) > backlog_size, 20 * tc.SLOW, what="live lines")
        self.stop(first, first_signal)
        stopped_at = time.monotonic()
        checkpointed = checkpointed_lines(self.state, path)
        self.wait_for_log(second, "took the state lock", timeout=10)
        took_over = time.monotonic() - stopped_at
        self.assertLess(took_over, 2.0 * tc.SLOW, "the second takes over within 2 s of the first's end")
        thread.join(timeout=60 * tc.SLOW)
        self.assertTrue(done.is_set())
        seen, other = self.wait_for_seqs(range(BACKLOG + LIVE), second, timeout=60)
        self.assertEqual(other, [])
        self.assertEqual(healthz(second.metrics), (200, "ok"))
        self.assertEqual(tc.scrape_metrics(second.metrics).get("cw_sidecar_state_lock_waiting"), 0.0)
        return first, second, seen, checkpointed

    def test_sigterm_hands_over_every_line_exactly_once(self):
        first, second, seen, _ = self.overlap(signal.SIGTERM)
        self.assertNotIn("fatal", self.stderr_of(first))
        self.assert_exactly_once(seen, range(BACKLOG + LIVE))
        self.stop(second)

    def test_sigkill_loses_nothing_and_repeats_only_what_was_after_the_checkpoint(self):
        first, second, seen, checkpointed = self.overlap(signal.SIGKILL)
        extra = self.assert_exactly_once(seen, range(BACKLOG + LIVE), allow_repeats=MAX_BATCH_EVENTS)
        repeated = sorted(s for s, c in seen.items() if c > 1)
        self.assertTrue(all(s >= checkpointed for s in repeated),
                        f"only lines after the killed one's checkpoint ({checkpointed}) may repeat: "
                        f"{tc.ranges(repeated)}")
        print(f"\nSIGKILL hand-over: {extra} duplicates, all after line {checkpointed}")
        self.stop(second)

    def test_the_longest_wait_ends_in_exit_1_naming_the_owner(self):
        first = self.start()
        self.wait_for_log(first, "state in")
        second = self.start(env={"STATE_LOCK_WAIT_S": "1"})
        rc = second.wait(timeout=30 * tc.SLOW)
        self.assertEqual(rc, 1, self.stderr_of(second))
        self.assertIn(f"is still owned by pid {first.pid}", self.stderr_of(second))
        self.assertIn("STATE_LOCK_WAIT_S", self.stderr_of(second))
        self.stop(first)

    def test_a_stop_while_waiting_exits_0_and_check_never_waits(self):
        first = self.start()
        self.wait_for_log(first, "state in")
        second = self.start()
        self.wait_for_log(second, "waiting for it to stop")
        self.stop(second)
        self.assertIn("stopped by signal while waiting for the state lock", self.stderr_of(second))
        rc, out, err = mf.run_sidecar(["--check", "--check-no-probe", "--log-path", self.logdir,
                                       "--log-group", self.group],
                                      env=self.moto.sidecar_env(STATE_DIR=self.state), timeout=30 * tc.SLOW)
        self.assertEqual(rc, 0, out + err)
        self.assertNotIn("state lock", out + err)
        self.stop(first)


if __name__ == "__main__":
    unittest.main()
