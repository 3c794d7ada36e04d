"""Thousands of files under a low descriptor limit (1024, soft and hard, as
many hosts and ECS tasks give): at most MAX_OPEN_FILES are open at once, the
others get descriptors in turns, sending never runs out of sockets, no file is
taken for rotated, and every line, backlog and live, is shipped once. And a
file rotated while it was closed for inactivity loses nothing."""

import os
import re
import resource
import threading
import time
import unittest

import tail_common as tc

FILES = tc.scaled(5000, 1000)
BACKLOG_LINES = 4
LIVE_FILES = 200
LIVE_ROUNDS = 5
LIMIT = 1024


def limit_descriptors():
    resource.setrlimit(resource.RLIMIT_NOFILE, (LIMIT, LIMIT))


class DescriptorSampler(threading.Thread):
    """Peak descriptors of a process, all and those on files under `folder`."""

    def __init__(self, pid, folder):
        super().__init__(daemon=True)
        self.fd_dir = f"/proc/{pid}/fd"
        self.folder = folder + "/"
        self.peak_all = self.peak_logs = 0
        self.samples = 0
        self.done = threading.Event()

    def run(self):
        while not self.done.is_set():
            try:
                fds = os.listdir(self.fd_dir)
            except OSError:
                return  # the process is gone
            logs = 0
            for fd in fds:
                try:
                    logs += os.readlink(os.path.join(self.fd_dir, fd)).startswith(self.folder)
                except OSError:
                    pass  # closed meanwhile
            self.peak_all = max(self.peak_all, len(fds))
            self.peak_logs = max(self.peak_logs, logs)
            self.samples += 1
            self.done.wait(0.02)


class ManyFilesTest(tc.TailTestCase):
    def warnings(self, proc):
        return [row for row in self.stderr_of(proc).splitlines() if " WARN " in row]

    def test_thousands_of_files_under_a_1024_descriptor_limit(self):
        paths = [os.path.join(self.logdir, f"w{i:05d}.log") for i in range(FILES)]
        expected = set()
        for i, path in enumerate(paths):
            seqs = range(i * 100, i * 100 + BACKLOG_LINES)
            tc.write_lines(path, seqs)
            expected.update(seqs)
        p = self.start(preexec_fn=limit_descriptors)
        self.wait_for_log(p, "log files open at once")
        found = re.search(r"descriptor limit (\d+)\b.*up to (\d+) log files open", self.stderr_of(p))
        self.assertIsNotNone(found, self.stderr_of(p)[-2000:])
        self.assertEqual(int(found.group(1)), LIMIT)
        budget = int(found.group(2))
        self.assertLess(budget, LIMIT)
        sampler = DescriptorSampler(p.pid, self.logdir)
        sampler.start()

        # Live lines into 200 of the files while the backlog is being shipped.
        live = paths[:: FILES // LIVE_FILES][:LIVE_FILES]
        for r in range(LIVE_ROUNDS):
            for path in live:
                seq = paths.index(path) * 100 + BACKLOG_LINES + r
                tc.write_lines(path, [seq])
                expected.add(seq)
            time.sleep(0.2)  # pacing the writer, not synchronisation

        self.wait_for_seqs(expected, p, timeout=180)
        self.stop(p)
        sampler.done.set()
        sampler.join(timeout=10)
        seen, other = tc.tally(self.messages())
        self.assertEqual(other, [])
        self.assert_exactly_once(seen, expected)

        err = self.stderr_of(p)
        self.assertNotIn("rotated or deleted", err)
        self.assertNotIn("out of file descriptors", err)
        self.assertNotIn("Couldn't connect", err)
        self.assertGreater(sampler.samples, 0)
        self.assertLessEqual(sampler.peak_logs, budget, "log files open at once")
        self.assertLessEqual(sampler.peak_all, LIMIT)
        warnings = self.warnings(p)
        self.assertEqual(len(warnings), 1, "\n".join(warnings[:10]))
        self.assertIn("MAX_OPEN_FILES", warnings[0])
        print(f"\n{FILES} files, budget {budget}: peak {sampler.peak_logs} log files open, "
              f"{sampler.peak_all} descriptors ({sampler.samples} samples)")

    def test_a_file_rotated_while_closed_for_inactivity_loses_nothing(self):
        path = os.path.join(self.logdir, "app.log")
        tc.write_lines(path, range(0, 100))
        p = self.start(env={"CLOSE_INACTIVE_S": "1", "LOG_LEVEL": "debug"})
        self.wait_for_seqs(range(0, 100), p, timeout=20)
        self.wait_for_log(p, f"closed {path}: inactive")
        # While it is closed: logrotate's rename, more lines from the writer that
        # still holds it, and a new file. (Lines written before the rename could
        # get the file reopened first, and then it rotates while open.)
        os.rename(path, path + ".1")
        tc.write_lines(path + ".1", range(100, 200))
        tc.write_lines(path, range(200, 300))
        self.wait_for_seqs(range(0, 300), p, timeout=30)
        self.stop(p)
        seen, other = tc.tally(self.messages())
        self.assertEqual(other, [])
        self.assert_exactly_once(seen, range(0, 300))
        self.assertIn("was rotated while closed", self.stderr_of(p))


if __name__ == "__main__":
    unittest.main()
