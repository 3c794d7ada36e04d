"""inotify out of its per-user limits, as on a node whose sidecars used them
all (an LD_PRELOAD shim, tests/support/inotify_exhausted.cc, fails the calls;
the host's sysctls are left alone): the sidecar polls what it cannot watch,
says so once with the sysctl to raise, shows it in /metrics, and ships every
line, the backlog and the ones written live."""

import os
import unittest

import moto_fixture as mf
import tail_common as tc

SHIM = os.environ.get("CW_INOTIFY_EXHAUSTED_LIB", "")


@unittest.skipUnless(SHIM, "CW_INOTIFY_EXHAUSTED_LIB (the shim) is set by ctest")
class WatchLimitsTest(tc.TailTestCase):
    def exhausted(self, what, warning):
        path = os.path.join(self.logdir, "app.log")
        tc.write_lines(path, range(0, 100))
        address = f"127.0.0.1:{mf.free_port()}"
        p = self.start(env={"LD_PRELOAD": SHIM, "CW_INOTIFY_EXHAUSTED": what, "WATCH_MODE": "inotify",
                            "METRICS_ADDRESS": address})
        self.wait_for_seqs(set(range(0, 100)), p, timeout=30)
        tc.write_lines(path, range(100, 200))  # live: found by polling, as no watch fires
        self.wait_for_seqs(set(range(0, 200)), p, timeout=30)
        metrics = tc.scrape_metrics(address)
        self.assertEqual(metrics.get("cw_sidecar_folders_polled"), 1.0)
        self.stop(p)
        warnings = [row for row in self.stderr_of(p).splitlines() if " WARN " in row]
        self.assertEqual(len(warnings), 1, warnings)
        self.assertIn(warning, warnings[0])
        seen, other = tc.tally(self.messages())
        self.assertEqual(other, [])
        self.assert_exactly_once(seen, set(range(0, 200)))

    def test_out_of_inotify_instances(self):
        self.exhausted("instances", "out of inotify instances (fs.inotify.max_user_instances=")

    def test_out_of_inotify_watches(self):
        self.exhausted("watches", "out of inotify watches (fs.inotify.max_user_watches=")

    def test_with_inotify_nothing_is_polled(self):
        path = os.path.join(self.logdir, "app.log")
        address = f"127.0.0.1:{mf.free_port()}"
        tc.write_lines(path, range(0, 5))
        p = self.start(env={"WATCH_MODE": "inotify", "METRICS_ADDRESS": address})
        self.wait_for_seqs(set(range(0, 5)), p, timeout=30)
        tc.write_lines(path, range(5, 10))  # found through its watch
        self.wait_for_seqs(set(range(0, 10)), p, timeout=30)
        self.assertEqual(tc.scrape_metrics(address).get("cw_sidecar_folders_polled"), 0.0)
        self.stop(p)


if __name__ == "__main__":
    unittest.main()
