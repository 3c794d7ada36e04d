"""Files that come, go and shrink, end to end against moto: a file (and a
subfolder) that appears after start, a file deleted while it is being read, a
file truncated (shorter, and rewritten longer), LOG_PATH created after start, a
partial last line (flushed after a quiet period; on a rotated file), and lines
longer than MAX_MESSAGE_BYTES split into parts that reassemble exactly."""

import collections
import json
import os
import unittest

import moto_fixture as mf
import tail_common as tc


def checkpoint_offsets(state_dir):
    try:
        with open(os.path.join(state_dir, "checkpoints"), encoding="utf-8") as f:
            rows = f.read().splitlines()[1:]
    except FileNotFoundError:
        return {}
    out = {}
    for row in rows:
        fields = row.split(" ", 5)
        if len(fields) == 6:
            out[fields[5]] = int(fields[4])
    return out


class FilesTest(tc.TailTestCase):
    def path(self, name):
        return os.path.join(self.logdir, name)

    def finish(self, p, expected, timeout=60, marker_file="zz-marker.log"):
        """Waits for every expected seq plus a marker written last; stops the
        sidecar; asserts each was stored exactly once and nothing else."""
        self.wait_for_seqs(expected, p, timeout=timeout)
        marker = 10_000_000 + self.runs
        seen, other = self.settle(p, marker, lambda s: tc.write_lines(self.path(marker_file), [s]))
        self.stop(p)
        self.assertEqual(other, [])
        self.assert_exactly_once(seen, set(expected) | {marker})

    def test_file_and_folder_appearing_after_start(self):
        p = self.start("--include", "**/*.log")
        self.wait_for_log(p, "cw-sidecar")
        tc.write_lines(self.path("late.log"), range(0, 100))
        self.wait_for_seqs(range(0, 100), p, timeout=20)
        os.makedirs(self.path("svc/a"))
        tc.write_lines(self.path("svc/a/deep.log"), range(100, 200))
        tc.write_lines(self.path("svc/ignored.txt"), range(900, 910))
        self.finish(p, range(0, 200))

    def test_log_path_created_after_start(self):
        later = os.path.join(self.tmp, "not-yet", "logs")
        p = self.start(log_path=later)
        self.wait_for_log(p, "waiting for log folder")
        self.assertIsNone(p.poll())
        os.makedirs(later)
        tc.write_lines(os.path.join(later, "app.log"), range(0, 500))
        self.wait_for_seqs(range(0, 500), p, timeout=30)
        tc.write_lines(os.path.join(later, "app.log"), range(500, 600))
        self.logdir = later  # the marker goes there too
        self.finish(p, range(0, 600))
        self.assertEqual(self.stderr_of(p).count("waiting for log folder"), 1, "said once, quietly")

    def test_file_deleted_while_being_read(self):
        n = tc.scaled(100_000, 10_000)
        path = self.path("doomed.log")
        tc.write_lines(path, range(n))
        size = os.path.getsize(path)
        p = self.start()
        # Delete it once part of it is acknowledged (so reading is under way).
        mf.wait_until(lambda: checkpoint_offsets(self.state).get(path, 0) > 0, 30 * tc.SLOW,
                      what="a first checkpoint of the file")
        acked = checkpoint_offsets(self.state).get(path, 0)
        os.unlink(path)
        print(f"\n  deleted at {acked} of {size} bytes acknowledged")
        self.wait_for_seqs(range(n), p, timeout=90)
        # Let go once read, acknowledged and quiet for 5 s (a writer may still append).
        self.wait_for_log(p, "released " + path + ": read to its end")
        self.finish(p, range(n), timeout=90)

    def test_truncated_file(self):
        path = self.path("app.log")
        p = self.start()
        tc.write_lines(path, range(0, 1000))
        self.wait_for_seqs(range(0, 1000), p, timeout=20)
        # Shorter than what was read: noticed by size.
        tc.write_lines(path, range(1000, 1010), mode="w")
        self.wait_for_seqs(range(1000, 1010), p, timeout=20)
        # Rewritten longer than what was read: noticed by the first bytes.
        tc.write_lines(path, range(2000, 4000), mode="w")
        self.wait_for_seqs(range(2000, 4000), p, timeout=20)
        # Truncated to nothing, then written to again.
        os.truncate(path, 0)
        tc.write_lines(path, range(5000, 5005))
        self.finish(p, list(range(0, 1010)) + list(range(2000, 4000)) + list(range(5000, 5005)))
        self.assertIn("was truncated or rewritten", self.stderr_of(p))

    def test_partial_last_line_flushed_after_a_quiet_period(self):
        path = self.path("app.log")
        p = self.start(env={"PARTIAL_LINE_FLUSH_MS": "300"})
        tc.write_lines(path, range(0, 10))
        with open(path, "a") as f:
            f.write(tc.line(10).rstrip("\n"))  # no newline: the writer died mid-line
        self.wait_for_seqs(range(0, 11), p, timeout=20)
        # The newline arriving later adds nothing (an empty line is skipped).
        with open(path, "a") as f:
            f.write("\n" + tc.line(11))
        self.finish(p, range(0, 12))

    def test_unfinished_last_line_of_a_rotated_file(self):
        # No PARTIAL_LINE_FLUSH_MS: a line waits for its newline, except on a
        # rotated file, which nobody writes to any more.
        path = self.path("app.log")
        p = self.start()
        tc.write_lines(path, range(0, 10))
        with open(path, "a") as f:
            f.write(tc.line(10).rstrip("\n"))
        self.wait_for_seqs(range(0, 10), p, timeout=20)
        os.rename(path, path + ".1")
        tc.write_lines(path, range(11, 20))
        self.finish(p, range(0, 20), timeout=30)

    def test_long_lines_are_split_and_reassemble(self):
        path = self.path("app.log")
        cap = 1000
        originals = {}
        with open(path, "w", encoding="utf-8") as f:
            for seq in range(0, 60):
                if seq % 3 == 0:
                    f.write(tc.line(seq))  # short lines in between
                    continue
                # 1 to 13 caps long, with escapes and 2-, 3- and 4-byte characters.
                body = ("q\"\\\t\u00e9\u20ac\U0001F600 " * (100 + seq * 30))[: 1000 + seq * 200]
                text = json.dumps({"seq": seq, "body": body}, ensure_ascii=False)
                originals[seq] = text
                f.write(text + "\n")
        p = self.start(env={"MAX_MESSAGE_BYTES": str(cap)})
        short = [s for s in range(60) if s % 3 == 0]
        self.wait_for_seqs(short, p, timeout=30)
        marker = 10_000
        self.settle(p, marker, lambda s: tc.write_lines(path, [s]))
        messages = self.messages()
        self.stop(p)
        parts = collections.defaultdict(list)
        plain = []
        for m in messages:
            self.assertLessEqual(len(m.encode()), cap)
            obj = json.loads(m)
            if "@split" in obj:
                parts[obj["@split"]["id"]].append((obj["@split"]["part"], obj["@split"]["last"], obj["text"]))
            else:
                plain.append(obj["seq"])
        self.assertEqual(sorted(plain), sorted(short + [marker]))
        rebuilt = {}
        for split_id, pieces in parts.items():
            pieces.sort()
            numbers = [n for n, _, _ in pieces]
            self.assertEqual(numbers, list(range(1, len(pieces) + 1)), f"{split_id}: parts missing or repeated")
            self.assertEqual([last for _, last, _ in pieces], [False] * (len(pieces) - 1) + [True], split_id)
            text = "".join(t for _, _, t in pieces)
            seq = json.loads(text)["seq"]
            self.assertNotIn(seq, rebuilt, "a long line stored twice")
            rebuilt[seq] = text
        self.assertEqual(sorted(rebuilt), sorted(originals))
        for seq, text in originals.items():
            self.assertEqual(rebuilt[seq], text, f"line {seq} does not reassemble")


if __name__ == "__main__":
    unittest.main()
