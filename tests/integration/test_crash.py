"""Crashes and restarts: SIGKILL at random moments while 200k lines are written
and shipped (0 lost; duplicates only from what was in flight at each kill), and
SIGTERM + restart (0 lost, 0 duplicates)."""

import os
import random
import signal
import threading
import time
import unittest

import moto_fixture as mf
import tail_common as tc

LINES = tc.scaled(200_000, 20_000)
KILLS = 6
SEED = int(os.environ.get("CW_CRASH_SEED", "20240501"))
MAX_IN_FLIGHT = 4
MAX_BATCH_EVENTS = 10_000


def checkpointed_offset(state_dir, path):
    """The acknowledged offset the state file holds for `path` (0 when none)."""
    try:
        with open(os.path.join(state_dir, "checkpoints"), encoding="utf-8") as f:
            rows = f.read().splitlines()[1:]
    except FileNotFoundError:
        return 0
    st = os.stat(path)
    for row in rows:
        fields = row.split(" ", 5)
        if len(fields) >= 5 and int(fields[0]) == st.st_dev and int(fields[1]) == st.st_ino:
            return int(fields[4])
    return 0


def lines_before(path, offset):
    with open(path, "rb") as f:
        return f.read(offset).count(b"\n")


class CrashTest(tc.TailTestCase):
    def start_with_metrics(self):
        address = f"127.0.0.1:{mf.free_port()}"
        p = self.start(env={"METRICS_ADDRESS": address, "MAX_IN_FLIGHT": str(MAX_IN_FLIGHT)})
        p.metrics = address
        return p

    def in_flight(self, proc):
        try:
            return int(tc.scrape_metrics(proc.metrics).get("cw_sidecar_events_in_flight", -1))
        except OSError:
            return -1  # not listening yet

    def test_sigkill_at_random_moments_while_shipping(self):
        rng = random.Random(SEED)
        path = os.path.join(self.logdir, "app.log")
        open(path, "w").close()
        written = [0]
        stop = threading.Event()

        def writer():
            # About 8 s of writing in release: the kills land while lines keep coming.
            chunk = 500
            per_second = LINES / (8 * tc.SLOW)
            t0 = time.monotonic()
            with open(path, "a", encoding="utf-8") as f:
                for start in range(0, LINES, chunk):
                    if stop.is_set():
                        return
                    f.write("".join(tc.line(s, "crash") for s in range(start, min(LINES, start + chunk))))
                    f.flush()
                    written[0] = min(LINES, start + chunk)
                    ahead = t0 + written[0] / per_second - time.monotonic()
                    if ahead > 0:
                        time.sleep(ahead)  # pacing the writer, not synchronisation

        thread = threading.Thread(target=writer, daemon=True)
        thread.start()
        kills = []
        try:
            p = self.start_with_metrics()
            for k in range(KILLS):
                # Kill once the sidecar is busy: it has read something since it started.
                mf.wait_until(lambda: p.poll() is not None or self.in_flight(p) >= 0, 10 * tc.SLOW,
                              what="the metrics listener")
                self.assertIsNone(p.poll(), self.stderr_of(p)[-3000:])
                time.sleep(rng.uniform(0.2, 1.5) * tc.SLOW)  # the random moment
                flying = self.in_flight(p)
                p.kill()
                p.wait(timeout=10)
                acked = lines_before(path, checkpointed_offset(self.state, path))
                kills.append({"kill": k + 1, "in_flight": flying, "acked_lines": acked, "written": written[0]})
                p = self.start_with_metrics()
            thread.join(timeout=120 * tc.SLOW)
            self.assertFalse(thread.is_alive(), "writer did not finish")
            seen, other = self.wait_for_seqs(range(LINES), p, timeout=120)
            self.stop(p)
        finally:
            stop.set()
        self.assertEqual(other, [])
        _, repeated, _ = tc.missing_and_repeated(seen, set(range(LINES)))
        # Duplicates of kill k are lines past its checkpoint that were already stored.
        for row in kills:
            row["dups"] = 0
        for s, extra in repeated.items():
            owner = [row for row in kills if row["acked_lines"] <= s]
            self.assertTrue(owner, f"seq {s} repeated though every kill had acknowledged it")
            owner[-1]["dups"] += extra
        print("\nSIGKILL while shipping (seed %d, %d lines):" % (SEED, LINES))
        for row in kills:
            print("  kill %(kill)d: written %(written)d, checkpointed %(acked_lines)d, "
                  "in flight (gauge just before) %(in_flight)d, duplicates %(dups)d" % row)
        total = sum(repeated.values())
        print(f"  duplicates: {total} in {KILLS} kills = {total / KILLS:.0f} per kill")
        self.assert_exactly_once(seen, range(LINES), allow_repeats=KILLS * MAX_IN_FLIGHT * MAX_BATCH_EVENTS)
        for row in kills:
            self.assertLessEqual(row["dups"], MAX_IN_FLIGHT * MAX_BATCH_EVENTS, row)

    def test_sigterm_and_restart_is_exactly_once(self):
        path = os.path.join(self.logdir, "app.log")
        n = tc.scaled(60_000, 6_000)
        rounds = 4
        per = n // rounds
        p = self.start()
        for r in range(rounds):
            # Lines written while it runs, then a stop in the middle of shipping.
            tc.write_lines(path, range(r * per, (r + 1) * per), "term")
            self.wait_for_log(p, "following " + path)  # signals are handled from then on
            mf.wait_until(lambda: checkpointed_offset(self.state, path) > 0, 20 * tc.SLOW, what="a checkpoint")
            self.stop(p, signal.SIGTERM)
            tc.write_lines(path, range(n + r * 10, n + r * 10 + 10), "term")  # while it is down
            p = self.start()
        expected = set(range(n)) | {n + r * 10 + i for r in range(rounds) for i in range(10)}
        seen, other = self.wait_for_seqs(expected, p, timeout=90)
        seen, other = self.settle(p, n + 1000, lambda s: tc.write_lines(path, [s], "term"))
        self.stop(p, signal.SIGTERM)
        self.assertEqual(other, [])
        self.assert_exactly_once(seen, expected | {n + 1000}, allow_repeats=0)


if __name__ == "__main__":
    unittest.main()
