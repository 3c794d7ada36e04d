"""STATE_DIR on a full file system (a 64 KiB tmpfs, as an operator would try it):
the sidecar neither exits nor stops shipping. /healthz says why it is unhealthy,
the positions wait in memory, and once there is room again the checkpoint
catches up: a restart after a clean stop sends nothing twice. Past
CHECKPOINT_UNSAVED_MAX_MB it stops reading, so a SIGKILL in that state sends
again at most about that much. A disk that is already full at start (the restart of a crash loop) is
survived too."""

import errno
import os
import signal
import subprocess
import unittest
import urllib.error
import urllib.request

import moto_fixture as mf
import tail_common as tc
from test_state_lock import checkpointed_lines

LINES = tc.scaled(2_000, 500)


def healthz(address):
    try:
        with urllib.request.urlopen(f"http://{address}/healthz", timeout=5) as resp:
            return resp.status, resp.read().decode().strip()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode().strip()


class StateFaultsTest(tc.TailTestCase):
    def setUp(self):
        super().setUp()
        os.mkdir(self.state)
        r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", self.state],
                           capture_output=True, text=True)
        if r.returncode != 0:
            self.skipTest(f"cannot mount a tmpfs here: {r.stderr.strip()}")
        self.mounted = True
        self.filler = os.path.join(self.state, "filler")

    def tearDown(self):
        for p in self.procs:
            if p.poll() is None:
                p.kill()
                p.wait(timeout=10)
        if getattr(self, "mounted", False):
            subprocess.run(["umount", "-l", self.state], check=False)
        super().tearDown()

    def fill(self):
        """Takes every free block of the state file system."""
        with open(self.filler, "ab", buffering=0) as f:
            while True:
                try:
                    f.write(b"\0" * 4096)
                except OSError as e:
                    self.assertEqual(e.errno, errno.ENOSPC)
                    return

    def start_on_port(self):
        """With /healthz, which names a checkpoint failure at once and is 503 after 2 s of it."""
        address = f"127.0.0.1:{mf.free_port()}"
        p = self.start(env={"METRICS_ADDRESS": address, "HEALTH_STUCK_AFTER_S": "2"})
        p.metrics = address
        return p

    def wait_for_health(self, proc, status):
        def seen():
            if proc.poll() is not None:
                self.fail(f"sidecar exited rc={proc.returncode}\n{self.stderr_of(proc)[-3000:]}")
            return healthz(proc.metrics)[0] == status
        mf.wait_until(seen, 20 * tc.SLOW, what=f"/healthz {status}")
        return healthz(proc.metrics)[1]

    def test_a_full_state_dir_keeps_it_shipping_and_the_checkpoint_catches_up(self):
        path = os.path.join(self.logdir, "app.log")
        tc.write_lines(path, range(LINES), "full")
        p = self.start_on_port()
        self.wait_for_seqs(range(LINES), p, 60)
        mf.wait_until(lambda: checkpointed_lines(self.state, path) == LINES, 20 * tc.SLOW, what="the checkpoint")

        self.fill()
        tc.write_lines(path, range(LINES, 2 * LINES), "full")
        self.wait_for_seqs(range(2 * LINES), p, 60)
        reason = self.wait_for_health(p, 503)
        self.assertIn("cannot write checkpoints to STATE_DIR: No space left on device", reason)
        # The in-place state file may take the new positions (no new block needed); the synced
        # copy, a new file, cannot.
        self.assertIn(checkpointed_lines(self.state, path), (LINES, 2 * LINES))
        metrics = tc.scrape_metrics(p.metrics)
        self.assertIn("cw_sidecar_checkpoint_unsaved_bytes", metrics)
        self.assertGreater(metrics.get("cw_sidecar_checkpoint_failing_seconds", -1), -1)
        self.assertEqual(metrics.get("cw_sidecar_healthy"), 0.0)
        self.assertEqual(self.stderr_of(p).count("cannot write checkpoints"), 1, "logged once, not per retry")

        os.remove(self.filler)
        self.assertEqual(self.wait_for_health(p, 200), "ok")
        mf.wait_until(lambda: checkpointed_lines(self.state, path) == 2 * LINES, 20 * tc.SLOW,
                      what="the checkpoint to catch up")
        self.assertIn("checkpoints are written again", self.stderr_of(p))
        self.stop(p)

        again = self.start_on_port()
        seen, _ = self.settle(again, 2 * LINES, lambda s: tc.write_lines(path, [s], "full"))
        self.assert_exactly_once(seen, range(2 * LINES + 1))
        self.stop(again)

    def test_a_kill_while_checkpoints_fail_repeats_at_most_the_bound(self):
        """CHECKPOINT_UNSAVED_MAX_MB=1: past 1 MiB read or acknowledged since the
        last write, reading stops; a SIGKILL then repeats about that much."""
        path = os.path.join(self.logdir, "app.log")
        tc.write_lines(path, range(LINES), "kill")
        p = self.start(env={"CHECKPOINT_UNSAVED_MAX_MB": "1"})
        self.wait_for_seqs(range(LINES), p, 60)
        mf.wait_until(lambda: checkpointed_lines(self.state, path) == LINES, 20 * tc.SLOW, what="the checkpoint")

        self.fill()
        tc.write_lines(path, range(LINES, LINES + 100), "kill")  # its checkpoint fails
        self.wait_for_log(p, "cannot write checkpoints")
        more = 40_000  # about 3.4 MB: more than the bound
        tc.write_lines(path, range(LINES + 100, LINES + more), "kill")
        self.wait_for_log(p, "reading paused")
        self.stop(p, signal.SIGKILL)  # what it held in memory is gone
        os.remove(self.filler)

        again = self.start()
        seen, _ = self.settle(again, LINES + more, lambda s: tc.write_lines(path, [s], "kill"), timeout=60)
        repeated = sum(count - 1 for count in seen.values() if count > 1)
        # The bound, the batch in flight (MAX_IN_FLIGHT=1) and the one being filled: 3 MiB of lines.
        self.assert_exactly_once(seen, range(LINES + more + 1), allow_repeats=3 * 2**20 // len(tc.line(0, "kill")))
        self.assertLess(repeated, more, "the pause kept what was repeated below everything written")
        self.stop(again)

    def test_a_disk_full_at_start_is_no_crash_loop(self):
        path = os.path.join(self.logdir, "app.log")
        tc.write_lines(path, range(LINES), "start")
        self.fill()
        p = self.start_on_port()
        self.wait_for_seqs(range(LINES), p, 60)
        self.assertIn("No space left on device", self.wait_for_health(p, 503))
        self.assertIn("the lock is ours", self.stderr_of(p))

        os.remove(self.filler)
        self.assertEqual(self.wait_for_health(p, 200), "ok")
        mf.wait_until(lambda: checkpointed_lines(self.state, path) == LINES, 20 * tc.SLOW, what="the checkpoint")
        self.stop(p)


if __name__ == "__main__":
    unittest.main()
