"""Bad input never crashes the sidecar nor stops a file: one file holds every bad case
(invalid JSON, JSON values that are not objects, missing and unparseable timestamps,
invalid UTF-8, NUL bytes, CRLF line ends, lines over MAX_MESSAGE_BYTES, empty lines);
every good line and every piece arrives with the expected message, every bad line is
accounted for in the exit summary, and a good line after the bad ones still arrives.

MAX_MESSAGE_BYTES is set to 1000 to keep the long lines light."""

import json
import os
import sys
import time
import unittest
from collections import Counter

import fault_proxy as fp
import moto_fixture as mf

MAX = 1000
FFFD = "\ufffd"


class Case:
    """One input line and the events it must give: a list of (message, kind)."""

    def __init__(self, name, raw, events, repaired=False, empty=False, stamped=None, split=None):
        self.name = name
        self.split = split          # a long line: the text its "@split" parts must put back together
        self.raw = raw              # bytes, line end included
        self.events = events        # [(message, kind)] kind: json, no_timestamp, raw
        self.repaired = repaired
        self.empty = empty
        self.stamped = stamped      # timestamp the events must carry (json lines)


def cases(ts):
    t = str(ts).encode()
    long_raw = "L" * (2 * MAX + 500)
    long_json = '{"@timestamp":' + str(ts) + ',"big":"' + "J" * (2 * MAX + 470) + '"}'
    return [
        Case("good first", b'{"@timestamp":' + t + b',"case":"good-first"}\n', [('{"case":"good-first"}', "json")],
             stamped=ts),
        Case("invalid json", b'{"case":"invalid json",\n', [('{"case":"invalid json",', "raw")]),
        Case("invalid json 2", b'{"case": nope}\n', [('{"case": nope}', "raw")]),
        Case("trailing garbage", b'{"case":"trailing"} xyz\n', [('{"case":"trailing"} xyz', "raw")]),
        Case("array", b'[1,2,3]\n', [("[1,2,3]", "raw")]),
        Case("string", b'"just a string"\n', [('"just a string"', "raw")]),
        Case("number", b'42\n', [("42", "raw")]),
        Case("null", b'null\n', [("null", "raw")]),
        Case("plain text", b'plain text line\n', [("plain text line", "raw")]),
        Case("missing timestamp", b'{"case":"no-ts"}\n', [('{"case":"no-ts"}', "no_timestamp")]),
        Case("unparseable timestamp", b'{"@timestamp":"not a date","case":"bad-ts"}\n',
             [('{"case":"bad-ts"}', "no_timestamp")]),
        Case("timestamp of the wrong type", b'{"@timestamp":[1],"case":"array-ts"}\n',
             [('{"case":"array-ts"}', "no_timestamp")]),
        Case("only the timestamp", b'{"@timestamp":' + t + b'}\n', [("{}", "json")], stamped=ts),
        Case("invalid utf-8 in json", b'{"@timestamp":' + t + b',"case":"bad \xff\xfe utf8"}\n',
             [('{"case":"bad ' + FFFD * 2 + ' utf8"}', "json")], repaired=True, stamped=ts),
        Case("invalid utf-8 raw", b'raw \xc3\x28 and \xe2\x82 end\n',
             [(b'raw \xc3\x28 and \xe2\x82 end'.decode("utf-8", "replace"), "raw")], repaired=True),
        Case("overlong and surrogate utf-8", b'{"case":"\xc0\xaf \xed\xa0\x80"}\n',
             [(b'{"case":"\xc0\xaf \xed\xa0\x80"}'.decode("utf-8", "replace"), "no_timestamp")], repaired=True),
        Case("nul in json string", b'{"@timestamp":' + t + b',"case":"nul\x00inside"}\n',
             [('{"@timestamp":' + str(ts) + ',"case":"nul\x00inside"}', "raw")]),
        Case("nul raw", b'\x00leading nul and \x00 another\n', [("\x00leading nul and \x00 another", "raw")]),
        Case("crlf json", b'{"@timestamp":' + t + b',"case":"crlf"}\r\n', [('{"case":"crlf"}', "json")], stamped=ts),
        Case("crlf raw", b'raw crlf line\r\n', [("raw crlf line", "raw")]),
        Case("long raw line", long_raw.encode() + b"\n", [], split=long_raw),
        Case("long json line", long_json.encode() + b"\n", [], split=long_json),
        Case("line of exactly the cap", b"E" * MAX + b"\n", [("E" * MAX, "raw")]),
        Case("empty line", b"\n", [], empty=True),
        Case("blank line", b"   \t \n", [], empty=True),
        Case("empty crlf line", b"\r\n", [], empty=True),
        Case("good last", b'{"@timestamp":' + t + b',"case":"good-last"}\n', [('{"case":"good-last"}', "json")],
             stamped=ts),
    ]


class BadInputTest(mf.MotoTestCase):
    def setUp(self):
        self.make_temp_dirs("cw-it-badinput-")
        self.proxy = fp.FaultProxy(self.moto.port, fp.FaultPlan()).start()
        self.addCleanup(self.proxy.stop)

    def run_file(self, group, data, extra=()):
        with open(os.path.join(self.logdir, "app.log"), "wb") as f:
            f.write(data)
        env = self.moto.sidecar_env(AWS_ENDPOINT_URL=self.proxy.endpoint)
        before = int(time.time() * 1000)
        rc, _out, err = mf.run_sidecar(["--log-path", self.logdir, "--log-group", group, "--once",
                                        "--state-dir", self.state, "--max-message-bytes", str(MAX)] + list(extra),
                                       env=env, cwd=self.tmp, timeout=60 * fp.slowdown())
        after = int(time.time() * 1000)
        self.assertEqual(rc, 0, f"exit code (a crash is negative); stderr:\n{err[-3000:]}")
        summary = fp.parse_summary(err)
        self.assertIsNotNone(summary, err[-2000:])
        self.assertEqual(summary["_kind"], "done")
        sys.stderr.write(f"\n    [figures] {group}: {summary}")
        self.assertEqual(self.proxy.violations, [])
        return summary, err, before, after

    maxDiff = None

    def test_every_bad_input_case(self):
        ts = int(time.time() * 1000) - 60_000
        all_cases = cases(ts)
        data = b"".join(c.raw for c in all_cases)
        s, err, before, after = self.run_file("bad-input", data)
        stored = mf.read_all_events(self.client, "bad-input")

        split_stored = [ev for ev in stored if ev["message"].startswith('{"@split":')]
        stored = [ev for ev in stored if not ev["message"].startswith('{"@split":')]
        want = Counter(m for c in all_cases for m, _k in c.events)
        got = Counter(ev["message"] for ev in stored)
        missing = want - got
        extra = got - want

        def short(c):
            return sorted((repr(m[:30]) + (f"...({len(m.encode())} bytes)" if len(m) > 30 else ""), n)
                          for m, n in c.items())
        self.assertEqual((short(missing), short(extra)), ([], []),
                         "stored messages differ from the expected ones (missing, unexpected)")
        # Long lines: "@split" parts, each within the cap, that put the line back together.
        parts = {}
        for ev in split_stored:
            self.assertLessEqual(len(ev["message"].encode()), MAX, ev["message"][:80])
            doc = json.loads(ev["message"])
            parts.setdefault(doc["@split"]["id"], []).append(doc)
        rebuilt = []
        n_parts = 0
        for pid, docs in parts.items():
            docs.sort(key=lambda d: d["@split"]["part"])
            self.assertEqual([d["@split"]["part"] for d in docs], list(range(1, len(docs) + 1)), pid)
            self.assertEqual([d["@split"]["last"] for d in docs], [False] * (len(docs) - 1) + [True], pid)
            rebuilt.append("".join(d["text"] for d in docs))
            n_parts += len(docs)
        want_split = [c.split for c in all_cases if c.split is not None]
        self.assertEqual(sorted(rebuilt), sorted(want_split), "long lines put back together from their parts")
        # Timestamps: from the line when it has one, else the read time.
        by_message = {}
        for ev in stored:
            by_message.setdefault(ev["message"], []).append(ev["timestamp"])
        for c in all_cases:
            for m, kind in c.events:
                for stamp in by_message[m]:
                    if c.stamped is not None:
                        self.assertEqual(stamp, c.stamped, c.name)
                    else:
                        self.assertTrue(before - 1000 <= stamp <= after + 1000, f"{c.name}: stamped {stamp}")
        # The good line after all the bad ones arrived.
        self.assertIn('{"case":"good-last"}', got)

        # Accounting, from the exit summary.
        events = [e for c in all_cases for e in c.events]
        expect = {
            "lines": len(events) + sum(1 for c in all_cases if c.empty),
            "accepted": len(events),
            "empty_skipped": sum(1 for c in all_cases if c.empty),
            "raw": sum(1 for _m, k in events if k == "raw"),
            "no_timestamp": sum(1 for _m, k in events if k == "no_timestamp"),
            "utf8_repaired": sum(1 for c in all_cases if c.repaired),
            "split_pieces": 0,
            "set_aside_invalid": 0,
            "in_flight": 0,
        }
        expect["lines"] += n_parts
        expect["accepted"] += n_parts
        expect["split_pieces"] += n_parts - len(want_split)
        expect["raw"] += n_parts  # the parts of a long line count as raw events
        self.assertEqual({k: s.get(k) for k in expect}, expect, f"summary: {s}")

    def test_bad_lines_do_not_stop_the_file_in_follow_mode(self):
        """Follow mode: the bad lines, then good lines appended later still arrive."""
        ts = int(time.time() * 1000) - 60_000
        all_cases = cases(ts)
        with open(os.path.join(self.logdir, "app.log"), "wb") as f:
            f.write(b"".join(c.raw for c in all_cases))
        env = self.moto.sidecar_env(AWS_ENDPOINT_URL=self.proxy.endpoint)
        errpath = os.path.join(self.tmp, "sidecar.stderr")
        proc = mf.start_sidecar(["--log-path", self.logdir, "--log-group", "bad-follow", "--state-dir", self.state,
                                 "--max-message-bytes", str(MAX), "--poll-interval-ms", "100"],
                                env=env, cwd=self.tmp, stderr_path=errpath)
        try:
            n_events = sum(len(c.events) for c in all_cases)
            mf.wait_until(lambda: any(e["message"] == '{"case":"good-last"}'
                                      for e in mf.read_all_events(self.client, "bad-follow")),
                          30 * fp.slowdown(), interval=0.2, what="the bad file's events")
            with open(os.path.join(self.logdir, "app.log"), "ab") as f:
                f.write(b'{"@timestamp":' + str(ts).encode() + b',"case":"appended"}\n')
            mf.wait_until(lambda: any(e["message"] == '{"case":"appended"}'
                                      for e in mf.read_all_events(self.client, "bad-follow")),
                          30 * fp.slowdown(), interval=0.2, what="the line appended after the bad ones")
            self.assertIsNone(proc.poll(), "the sidecar stopped")
            rc = mf.stop_process(proc, timeout=15 * fp.slowdown())
            self.assertEqual(rc, 0)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait(timeout=10)
        stored = mf.read_all_events(self.client, "bad-follow")
        self.assertEqual(len([e for e in stored if not e["message"].startswith('{"@split":')]), n_events + 1)

    def test_long_line_with_invalid_utf8_is_repaired_and_counted(self):
        """A line over the cap with bad bytes and characters that need escaping: its parts put
        it back together with U+FFFD, and it is counted in utf8_repaired like any other line."""
        line = (b'tab\t quote" backslash\\ ctrl\x01 ' + "\u00e9\u20ac\U0001F600".encode() * 150
                + b"\xff\xfe" * 50 + b"tail")
        s, _err, _b, _a = self.run_file("bad-long-utf8", line + b"\n")
        stored = [ev["message"] for ev in mf.read_all_events(self.client, "bad-long-utf8")]
        docs = sorted((json.loads(m) for m in stored), key=lambda d: d["@split"]["part"])
        self.assertGreater(len(docs), 1)
        self.assertEqual("".join(d["text"] for d in docs), line.decode("utf-8", "replace"))
        self.assertEqual(s["lines"], len(docs))
        self.assertEqual(s["split_pieces"], len(docs) - 1)
        self.assertGreaterEqual(s["utf8_repaired"], 1, f"bad bytes replaced but not counted: {s}")

    def test_invalid_utf8_that_grows_past_the_cap_is_not_cut_off(self):
        """A line under MAX_MESSAGE_BYTES whose bad bytes, replaced by U+FFFD (3 bytes each),
        make it longer than the cap: nothing of it may be lost (pieces, as for long lines)."""
        line = b"start " + b"\xff" * 600 + b" end"  # 610 bytes; repaired: 1810 bytes
        repaired = line.decode("utf-8", "replace")
        s, err, _b, _a = self.run_file("bad-utf8-grow", line + b"\n" + b'{"case":"after"}\n')
        stored = [ev["message"] for ev in mf.read_all_events(self.client, "bad-utf8-grow")]
        self.assertIn('{"case":"after"}', stored)
        rest = [m for m in stored if m != '{"case":"after"}']
        # The pieces are split-line events: {"@split":{...},"text":"..."}, in part order.
        parts = sorted((json.loads(m) for m in rest), key=lambda p: p["@split"]["part"])
        self.assertTrue(parts[-1]["@split"]["last"], parts[-1]["@split"])
        joined = "".join(p["text"] for p in parts)
        self.assertEqual(joined.count(FFFD), 600, f"U+FFFD kept: {joined.count(FFFD)} of 600; messages: "
                                                   f"{[m[:20] + '...' + m[-40:] for m in rest]}")
        self.assertTrue(joined.startswith("start ") and joined.endswith(" end"), [m[-40:] for m in rest])
        self.assertEqual(joined, repaired)
        self.assertEqual(s["lines"], s["accepted"])


if __name__ == "__main__":
    unittest.main()
