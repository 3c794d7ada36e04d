"""Shared helpers for the tailing tests (rotation, crashes, file life cycle).

Every line written carries a unique sequence number ("seq"); what moto stored is
read back and checked: none missing, none repeated. Line counts are scaled down
and deadlines up for sanitizer builds ("/asan/" or "/tsan/" in $CW_SIDECAR).
"""

import collections
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.request

import moto_fixture as mf

SANITIZER = any(s in mf.sidecar_path() for s in ("/asan/", "/tsan/"))
# Multiplier for deadlines, divisor for line counts.
SLOW = 4 if SANITIZER else 1


def scaled(release_count, sanitizer_count):
    return sanitizer_count if SANITIZER else release_count


PAD = "x" * 40


def line(seq, src="t"):
    """A JSON line carrying a unique sequence number (no timestamp: stamped when read)."""
    return f'{{"seq": {seq}, "src": "{src}", "pad": "{PAD}"}}\n'


def seq_of(message):
    """The sequence number of a stored message, or None when it is not one of ours."""
    try:
        obj = json.loads(message)
    except ValueError:
        return None
    return obj.get("seq") if isinstance(obj, dict) else None


def tally(messages):
    """(Counter of seq -> times stored, messages that carry no seq)."""
    seen = collections.Counter()
    other = []
    for m in messages:
        s = seq_of(m)
        if s is None:
            other.append(m)
        else:
            seen[s] += 1
    return seen, other


def missing_and_repeated(seen, expected):
    """Sorted missing seqs and {seq: extra copies} against the set `expected`."""
    missing = sorted(s for s in expected if seen.get(s, 0) == 0)
    repeated = {s: c - 1 for s, c in seen.items() if c > 1}
    unexpected = sorted(s for s in seen if s not in expected)
    return missing, repeated, unexpected


def ranges(seqs, limit=20):
    """Compact 'a-b, c' rendering of sorted ints, for failure messages."""
    out = []
    for s in seqs:
        if out and s == out[-1][1] + 1:
            out[-1][1] = s
        else:
            out.append([s, s])
    text = ", ".join(f"{a}-{b}" if a != b else f"{a}" for a, b in out[:limit])
    return text + (f", ... ({len(out)} runs)" if len(out) > limit else "")


def scrape_metrics(address):
    """{name or name{labels}: value} from the sidecar's /metrics."""
    with urllib.request.urlopen(f"http://{address}/metrics", timeout=5) as resp:
        text = resp.read().decode()
    out = {}
    for row in text.splitlines():
        if row.startswith("#") or not row.strip():
            continue
        key, _, value = row.rpartition(" ")
        try:
            out[key] = float(value)
        except ValueError:
            pass
    return out


class TailTestCase(mf.MotoTestCase):
    """One moto for the class; per test a temp folder with logs/ and state/,
    kept for inspection when the test fails."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="cw-it-tail-")
        self.logdir = os.path.join(self.tmp, "logs")
        self.state = os.path.join(self.tmp, "state")
        os.mkdir(self.logdir)
        self.procs = []
        self.group = "it-" + re.sub(r"[^A-Za-z0-9]+", "-", self.id().split(".")[-1])
        self.runs = 0

    def tearDown(self):
        for p in self.procs:
            if p.poll() is None:
                p.kill()
                p.wait(timeout=10)
        if getattr(self, "_outcome", None) is not None and not self._passed():
            print(f"\n(kept {self.tmp} for inspection)")
        else:
            shutil.rmtree(self.tmp, ignore_errors=True)

    def _passed(self):
        result = self._outcome.result
        errors = getattr(self._outcome, "errors", None)
        if errors:  # Python < 3.11
            return not any(exc for _, exc in errors)
        return not any(t is self for t, _ in list(result.failures) + list(result.errors))

    # -- the sidecar ---------------------------------------------------------
    def start(self, *extra, env=None, log_path=None, preexec_fn=None):
        self.runs += 1
        errpath = os.path.join(self.tmp, f"sidecar-{self.runs}.stderr")
        settings = {"STATE_DIR": self.state, "POLL_INTERVAL_MS": "100", "LOG_LEVEL": "info"}
        settings.update(env or {})
        p = mf.start_sidecar(["--log-path", log_path or self.logdir, "--log-group", self.group] + list(extra),
                             env=self.moto.sidecar_env(**settings), cwd=self.tmp, stderr_path=errpath,
                             preexec_fn=preexec_fn)
        p.errpath = errpath
        self.procs.append(p)
        return p

    def stderr_of(self, proc):
        with open(proc.errpath, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def wait_for_log(self, proc, text, timeout=20):
        """Until the sidecar's stderr holds `text` (e.g. it is up and following a file)."""
        def seen():
            if proc.poll() is not None:
                self.fail(f"sidecar exited early rc={proc.returncode}\n{self.stderr_of(proc)[-3000:]}")
            return text in self.stderr_of(proc)
        mf.wait_until(seen, timeout * SLOW, what=repr(text))

    def stop(self, proc, sig=signal.SIGTERM):
        rc = mf.stop_process(proc, sig, timeout=30 * SLOW)
        if sig == signal.SIGTERM:
            self.assertEqual(rc, 0, f"exit code after SIGTERM\n{self.stderr_of(proc)[-3000:]}")
        return rc

    # -- what moto holds -----------------------------------------------------
    def messages(self):
        return [e["message"] for e in mf.read_all_events(self.client, self.group)]

    def wait_for_seqs(self, expected, proc, timeout):
        """Until every seq in `expected` is stored (at least once); returns the tally."""
        expected = set(expected)
        state = {"seen": collections.Counter(), "other": []}

        def done():
            if proc is not None and proc.poll() is not None:
                self.fail(f"sidecar exited early rc={proc.returncode}\n{self.stderr_of(proc)[-3000:]}")
            state["seen"], state["other"] = tally(self.messages())
            return all(state["seen"].get(s, 0) > 0 for s in expected)

        try:
            mf.wait_until(done, timeout * SLOW, interval=0.5, what="every line to be stored")
        except TimeoutError:
            missing, _, _ = missing_and_repeated(state["seen"], expected)
            self.fail(f"after {timeout * SLOW}s {len(missing)} of {len(expected)} lines are missing: "
                      f"{ranges(missing)}\nstderr:\n"
                      + (self.stderr_of(proc)[-4000:] if proc is not None else ""))
        return state["seen"], state["other"]

    def settle(self, proc, marker_seq, write_marker, timeout=30):
        """Writes one more line and waits for it: whatever was still in flight
        before it has been stored by then (one reader, batches in order)."""
        write_marker(marker_seq)
        return self.wait_for_seqs({marker_seq}, proc, timeout)

    def assert_exactly_once(self, seen, expected, allow_repeats=0, what="lines"):
        missing, repeated, unexpected = missing_and_repeated(seen, set(expected))
        self.assertEqual(missing, [], f"{len(missing)} {what} lost: {ranges(missing)}")
        self.assertEqual(unexpected, [], f"{len(unexpected)} unexpected seqs: {ranges(unexpected)}")
        extra = sum(repeated.values())
        self.assertLessEqual(extra, allow_repeats,
                             f"{extra} duplicates (allowed {allow_repeats}): {ranges(sorted(repeated))}")
        return extra


def write_lines(path, seqs, src="t", mode="a"):
    with open(path, mode, encoding="utf-8") as f:
        f.write("".join(line(s, src) for s in seqs))


def popen_writer(args, **kw):
    """A child process that writes lines (a Python logging handler); returns Popen."""
    return subprocess.Popen(args, stdin=subprocess.DEVNULL, **kw)


def monotonic_deadline(seconds):
    return time.monotonic() + seconds * SLOW
