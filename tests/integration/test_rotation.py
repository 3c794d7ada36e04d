"""Rotation with real rotators while lines are written fast: Python's
RotatingFileHandler (small maxBytes, backupCount 3) and TimedRotatingFileHandler
(every second), logrotate with copytruncate and with create; the same rotation
test in polling mode. Every line carries a seq; moto must hold each exactly once."""

import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

import tail_common as tc

# A child process that logs `count` lines as fast as `rate` lines/s allows.
WRITER = r"""
import logging, logging.handlers, sys, time
kind, path, first, count, rate = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
if kind == "size":
    handler = logging.handlers.RotatingFileHandler(path, maxBytes=int(sys.argv[6]), backupCount=3)
elif kind == "time":
    # The first rollover is at the next whole second: start just after one, so
    # the first file, like the others, is at its path for about a second
    # (a file there for less than POLL_INTERVAL_MS cannot be seen by polling).
    time.sleep(1.02 - time.time() % 1.0)
    handler = logging.handlers.TimedRotatingFileHandler(path, when="S", interval=1, backupCount=3)
elif kind == "watched":   # reopens the path when logrotate moved the file away (create)
    handler = logging.handlers.WatchedFileHandler(path)
else:                     # plain append (copytruncate)
    handler = logging.FileHandler(path)
handler.setFormatter(logging.Formatter("%(message)s"))
log = logging.getLogger("w")
log.propagate = False
log.addHandler(handler)
log.setLevel(logging.INFO)
pad = "x" * 40
t0 = time.monotonic()
for i in range(count):
    seq = first + i
    log.info('{"seq": %d, "src": "%s", "pad": "%s"}', seq, kind, pad)
    if i % 100 == 99:
        ahead = t0 + (i + 1) / rate - time.monotonic()
        if ahead > 0:
            time.sleep(ahead)
handler.close()
"""

LOGROTATE = shutil.which("logrotate") or "/usr/sbin/logrotate"


class RotationTest(tc.TailTestCase):
    def run_writer(self, kind, count, rate, *extra):
        path = os.path.join(self.logdir, "app.log")
        return subprocess.Popen([sys.executable, "-c", WRITER, kind, path, "0", str(count), str(rate)]
                                + [str(e) for e in extra], stdin=subprocess.DEVNULL)

    def python_handler_case(self, kind, count, rate, *extra, env=None):
        p = self.start(env=env)
        self.wait_for_log(p, "watching" if (env or {}).get("WATCH_MODE") == "poll" else "cw-sidecar")
        t0 = time.monotonic()
        writer = self.run_writer(kind, count, rate, *extra)
        self.assertEqual(writer.wait(timeout=300), 0)
        wrote = time.monotonic() - t0
        rotated = [n for n in os.listdir(self.logdir) if n != "app.log"]
        self.assertTrue(rotated, "the handler never rotated")
        seen, other = self.wait_for_seqs(range(count), p, timeout=90)
        seen, other = self.settle(p, count, lambda s: tc.write_lines(os.path.join(self.logdir, "app.log"), [s]))
        stderr = self.stderr_of(p)
        self.stop(p)
        self.assertEqual(other, [])
        self.assert_exactly_once(seen, set(range(count + 1)))
        print(f"\n  {kind}: {count} lines in {wrote:.1f} s ({count / wrote:.0f}/s), "
              f"{stderr.count('was rotated or deleted')} rotations seen")
        self.assertNotIn("bytes unread", stderr)

    def test_rotating_file_handler(self):
        # 3.6k lines per file: at 10k lines/s a file is rotated 3 times a second.
        self.python_handler_case("size", tc.scaled(60_000, 8_000), tc.scaled(10_000, 2_000), 256 * 1024)

    def test_rotating_file_handler_polling(self):
        self.python_handler_case("size", tc.scaled(60_000, 8_000), tc.scaled(10_000, 2_000), 256 * 1024,
                                 env={"WATCH_MODE": "poll"})

    def test_timed_rotating_file_handler(self):
        # when='S': a new file every second, for about 5 s.
        self.python_handler_case("time", tc.scaled(50_000, 8_000), tc.scaled(10_000, 1_600))

    def test_timed_rotating_file_handler_polling(self):
        self.python_handler_case("time", tc.scaled(50_000, 8_000), tc.scaled(10_000, 1_600),
                                 env={"WATCH_MODE": "poll"})

    # -- logrotate -------------------------------------------------------------
    def logrotate_case(self, method, kind, env=None):
        if not os.access(LOGROTATE, os.X_OK):
            self.skipTest("logrotate not installed (scripts/install-deps.sh)")
        path = os.path.join(self.logdir, "app.log")
        conf = os.path.join(self.tmp, "logrotate.conf")
        # copytruncate keeps every copy (rotate 1000) so the test can tell lines
        # logrotate itself lost (written between copy and truncate: in no file)
        # from lines the sidecar lost. create has no such window: rotate 3.
        keep = 1000 if method == "copytruncate" else 3
        with open(conf, "w") as f:
            f.write(f"{path} {{\n  {method}\n  rotate {keep}\n  size 1\n  missingok\n  nocompress\n"
                    f"  nodateext\n  notifempty\n}}\n")
        status = os.path.join(self.tmp, "logrotate.status")
        count = tc.scaled(50_000, 8_000)
        if method == "create":
            # The writer reopens the path itself and may recreate it before logrotate does;
            # logrotate then moves the writer's file aside as app.log-<YYYYMMDDHH>.backup. If
            # that happens between two looks at the folder (polling: every 100 ms here), its
            # lines are only visible under the backup name, which the README's advice includes.
            env = dict(env or {}, INCLUDE="*.log,*.backup")
        p = self.start(env=env)
        self.wait_for_log(p, "cw-sidecar")
        writer = self.run_writer(kind, count, tc.scaled(8_000, 1_600))
        rotations = 0
        errors = []
        while writer.poll() is None:
            r = subprocess.run([LOGROTATE, "-s", status, conf], capture_output=True, text=True)
            rotations += 1
            if r.returncode != 0:
                errors.append(r.stderr.strip())
            time.sleep(0.3)  # the rotation schedule, not synchronisation
        self.assertEqual(writer.returncode, 0)
        if method == "create":
            # The writer may recreate the path itself before logrotate does.
            errors = [e for e in errors if "File exists" not in e]
        self.assertEqual(errors, [], "logrotate failed")
        seen, other = self.wait_for_seqs(range(count) if method == "create" else [count - 1], p, timeout=90)
        seen, other = self.settle(p, count, lambda s: tc.write_lines(path, [s]))
        stderr = self.stderr_of(p)
        self.stop(p)
        self.assertEqual(other, [])
        expected = set(range(count + 1))
        on_disk = set()
        for name in os.listdir(self.logdir):
            with open(os.path.join(self.logdir, name), encoding="utf-8") as f:
                on_disk.update(s for s in map(tc.seq_of, f.read().splitlines()) if s is not None)
        if method == "copytruncate":
            # logrotate copies, then truncates: a line written in between is in
            # no file (a race of copytruncate itself). The sidecar may still have
            # read it from the original before the truncate; if not, nobody can.
            in_no_file = sorted(expected - on_disk)
            not_shipped = sorted(expected - set(seen))
            print(f"\n  copytruncate: {rotations} logrotate runs; {len(in_no_file)} lines in no file "
                  f"(written between copy and truncate) {tc.ranges(in_no_file, 5)}; "
                  f"{len(not_shipped)} not shipped")
            self.assertEqual(sorted(set(not_shipped) - set(in_no_file)), [],
                             "lines that are on disk were not shipped")
            self.assert_exactly_once(seen, expected - set(not_shipped))
            # Not asserted: lines logrotate destroyed before the sidecar could
            # read them are the known copytruncate race (see logrotate(8)), which
            # no reader of the file can close; the figure is printed above.
        else:
            print(f"\n  create: {rotations} logrotate runs, "
                  f"{stderr.count('was rotated or deleted')} rotations seen")
            self.assert_exactly_once(seen, expected)

    def test_logrotate_copytruncate_while_stopped(self):
        # The lines written after the last checkpoint are only in logrotate's
        # copy when the sidecar starts again: found by its first bytes.
        if not os.access(LOGROTATE, os.X_OK):
            self.skipTest("logrotate not installed (scripts/install-deps.sh)")
        path = os.path.join(self.logdir, "app.log")
        conf = os.path.join(self.tmp, "logrotate.conf")
        with open(conf, "w") as f:
            f.write(f"{path} {{\n  copytruncate\n  rotate 3\n  size 1\n  nocompress\n}}\n")
        p = self.start()
        tc.write_lines(path, range(0, 1000))
        self.wait_for_seqs(range(0, 1000), p, timeout=30)
        self.stop(p)
        tc.write_lines(path, range(1000, 2000))
        subprocess.run([LOGROTATE, "-s", os.path.join(self.tmp, "status"), conf], check=True)
        tc.write_lines(path, range(2000, 2100))
        p = self.start()
        seen, other = self.wait_for_seqs(range(0, 2100), p, timeout=30)
        seen, other = self.settle(p, 3000, lambda s: tc.write_lines(path, [s]))
        self.stop(p)
        self.assertEqual(other, [])
        self.assert_exactly_once(seen, set(range(0, 2100)) | {3000})

    def test_logrotate_copytruncate(self):
        self.logrotate_case("copytruncate", "append")

    def test_logrotate_create(self):
        self.logrotate_case("create", "watched")

    def test_logrotate_create_polling(self):
        self.logrotate_case("create", "watched", env={"WATCH_MODE": "poll"})


if __name__ == "__main__":
    unittest.main()
