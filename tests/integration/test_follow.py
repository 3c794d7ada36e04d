"""Follow mode: appended lines and new files arrive within a poll or two; a partial
line waits for its newline; SIGTERM/SIGINT exit 0; a restart sends no duplicates."""

import datetime as dt
import os
import shutil
import signal
import tempfile
import time
import unittest

import moto_fixture as mf

GROUP = "it-follow"
DEADLINE = 20.0


def line(n, tag):
    ts = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=30)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return f'{{"@timestamp": "{ts}", "logger": "follow", "n": {n}, "tag": "{tag}"}}\n'


def message(n, tag):
    return f'{{"n":{n},"tag":"{tag}"}}'


class FollowTest(mf.MotoTestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="cw-it-follow-")
        self.logdir = os.path.join(self.tmp, "logs")
        os.mkdir(self.logdir)
        self.procs = []

    def tearDown(self):
        for p in self.procs:
            if p.poll() is None:
                p.kill()
                p.wait(timeout=10)
        shutil.rmtree(self.tmp, ignore_errors=True)

    def start(self, group, name="sidecar"):
        errpath = os.path.join(self.tmp, f"{name}.stderr")
        p = mf.start_sidecar(["--log-path", self.logdir, "--log-group", group,
                              "--poll-interval-ms", "100"],
                             env=self.moto.sidecar_env(), cwd=self.tmp, stderr_path=errpath)
        self.procs.append(p)
        return p, errpath

    def stderr_of(self, path):
        with open(path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def messages(self, group):
        return [e["message"] for e in mf.read_all_events(self.client, group)]

    def wait_for_messages(self, group, want, proc, errpath):
        """Until the emulator holds exactly the messages `want` (a multiset)."""
        want = sorted(want)
        last = []

        def done():
            nonlocal last
            if proc.poll() is not None:
                self.fail(f"sidecar exited early rc={proc.returncode}\n{self.stderr_of(errpath)}")
            last = sorted(self.messages(group))
            return last == want
        try:
            mf.wait_until(done, DEADLINE, interval=0.1, what="events to arrive")
        except TimeoutError:
            self.fail(f"after {DEADLINE}s the emulator holds\n{last}\nwant\n{want}\n"
                      f"stderr:\n{self.stderr_of(errpath)}")

    def append(self, name, text):
        with open(os.path.join(self.logdir, name), "a", encoding="utf-8") as f:
            f.write(text)
            f.flush()

    def test_follow_append_new_file_partial_sigterm_restart(self):
        group = GROUP
        self.append("a.log", line(1, "initial") + line(2, "initial"))
        p, errpath = self.start(group)
        want = [message(1, "initial"), message(2, "initial")]
        self.wait_for_messages(group, want, p, errpath)

        # Appended lines in the existing file.
        self.append("a.log", line(3, "appended") + line(4, "appended"))
        want += [message(3, "appended"), message(4, "appended")]
        self.wait_for_messages(group, want, p, errpath)

        # A file created after start.
        self.append("b.log", line(5, "newfile"))
        want += [message(5, "newfile")]
        self.wait_for_messages(group, want, p, errpath)

        # A partial line (no newline) must wait. To know the sidecar has looked at the
        # file since, write a complete line to another file afterwards and wait for it.
        partial = line(6, "partial")
        cut = len(partial) // 2
        self.append("a.log", partial[:cut])
        self.append("c.log", line(7, "marker"))
        want += [message(7, "marker")]
        self.wait_for_messages(group, want, p, errpath)
        # Several more polls: still not shipped (the emulator must equal `want` exactly).
        marker2 = line(8, "marker")
        self.append("c.log", marker2)
        want += [message(8, "marker")]
        self.wait_for_messages(group, want, p, errpath)
        self.assertNotIn(message(6, "partial"), self.messages(group))
        self.assertFalse(any("partial" in m and m != message(6, "partial") for m in self.messages(group)),
                         "a fragment of the partial line was shipped")
        # Completing it ships the whole line once.
        self.append("a.log", partial[cut:])
        want += [message(6, "partial")]
        self.wait_for_messages(group, want, p, errpath)

        # SIGTERM -> exit 0 within a few seconds.
        t = time.monotonic()
        rc = mf.stop_process(p, signal.SIGTERM, timeout=10)
        self.assertEqual(rc, 0, f"exit code after SIGTERM\n{self.stderr_of(errpath)}")
        self.assertLess(time.monotonic() - t, 5, "SIGTERM should stop the sidecar within 5 s")

        # Lines written while it was down + a restart: those arrive, nothing is duplicated.
        self.append("b.log", line(9, "while-down"))
        p2, errpath2 = self.start(group, "sidecar2")
        want += [message(9, "while-down")]
        self.wait_for_messages(group, want, p2, errpath2)
        # Give it a few more polls to make sure nothing else (a duplicate) arrives: a
        # marker written last must be the only further event.
        self.append("c.log", line(10, "marker"))
        want += [message(10, "marker")]
        self.wait_for_messages(group, want, p2, errpath2)
        rc = mf.stop_process(p2, signal.SIGINT, timeout=10)
        self.assertEqual(rc, 0, f"exit code after SIGINT\n{self.stderr_of(errpath2)}")

    def test_sigterm_when_idle_is_prompt(self):
        p, errpath = self.start(GROUP + "-idle", "idle")
        # No log lines at all. Wait for a sign of life (a log line or the state dir).
        try:
            mf.wait_until(lambda: p.poll() is not None or os.path.getsize(errpath) > 0
                          or os.path.isdir(os.path.join(self.logdir, ".cw-sidecar")),
                          3, what="sidecar to start")
        except TimeoutError:
            pass  # silent and stateless so far: still a valid moment to stop it
        self.assertIsNone(p.poll(), f"follow mode exited by itself\n{self.stderr_of(errpath)}")
        t = time.monotonic()
        rc = mf.stop_process(p, signal.SIGTERM, timeout=10)
        self.assertEqual(rc, 0, self.stderr_of(errpath))
        self.assertLess(time.monotonic() - t, 5)


if __name__ == "__main__":
    unittest.main()
