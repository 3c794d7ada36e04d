"""--once: every line of every *.log file arrives, transformed exactly; checkpoints hold.

Each input line is built from raw JSON fragments, so the exact compact text the
sidecar must send is known without re-serialising anything in Python.
"""

import collections
import datetime as dt
import json
import os
import shutil
import tempfile
import time
import unittest

import moto_fixture as mf



def _zone_on_another_day():
    """A fixed-offset POSIX zone (no tzdata needed) in which today's date differs from
    UTC's, so that naive ISO timestamps and the stream's date must follow TZ, not UTC:
    after 12:00 UTC it is already tomorrow at UTC+(24-h), before it still yesterday at
    UTC-(h+1)."""
    h = dt.datetime.now(dt.timezone.utc).hour
    hours = 24 - h if h >= 12 else -(h + 1)
    return f"CWT{-hours:+d}", dt.timedelta(hours=hours)


TZ, TZ_OFFSET = _zone_on_another_day()
GROUP = "it/ship-once_group.v1"
PREFIX = "shiponce"


def member(key, value_in, value_out=None):
    """A JSON object member as raw text: (key as written, value in file, value compacted)."""
    return (key, value_in, value_in if value_out is None else value_out)


def make_line(members, sep=", ", colon=": ", exclude=("@timestamp", "logger")):
    """Returns (line as written to the file, expected compact message).

    Keys are raw JSON string literals (with their quotes)."""
    line = "{" + sep.join(f"{k}{colon}{vin}" for k, vin, _ in members) + "}"
    kept = [(k, vout) for k, _, vout in members if json.loads(k) not in exclude]
    expected = "{" + ",".join(f"{k}:{vout}" for k, vout in kept) + "}"
    # Cross-check the fragments: the expected text is the line's object minus the
    # excluded fields, as a JSON value.
    want = {k: v for k, v in json.loads(line).items() if k not in exclude}
    assert json.loads(expected) == want, (line, expected)
    return line, expected


def json_equal(a, b):
    """Same JSON value (NaN-free); False when either is not JSON."""
    try:
        return json.loads(a) == json.loads(b)
    except ValueError:
        return False


def iso_utc(t, frac=""):
    return t.strftime("%Y-%m-%dT%H:%M:%S") + frac


def ms(t):
    return int(t.timestamp() * 1000)


class ShipOnceTest(mf.MotoTestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="cw-it-once-")
        self.logdir = os.path.join(self.tmp, "logs")
        os.mkdir(self.logdir)

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    # -- helpers -----------------------------------------------------------
    def run_once(self, *extra):
        t0 = int(time.time() * 1000)
        rc, out, err = mf.run_sidecar(
            ["--once", "--log-path", self.logdir, "--log-group", GROUP,
             "--log-stream-prefix", PREFIX, *extra],
            env=self.moto.sidecar_env(), home=self.tmp, cwd=self.tmp, tz=TZ)
        t1 = int(time.time() * 1000)
        self.assertEqual(rc, 0, f"cw-sidecar --once failed rc={rc}\nstdout:\n{out}\nstderr:\n{err}")
        return t0, t1, err

    def stream_dates(self, t0_ms, t1_ms):
        return {
            f"{PREFIX}_{(dt.datetime.fromtimestamp(t / 1000, dt.timezone.utc) + TZ_OFFSET).strftime('%Y%m%d')}"
            for t in (t0_ms, t1_ms)
        }

    def assert_events(self, got, expected, streams):
        """got: events from the emulator; expected: list of (timestamp | (lo, hi), message)."""
        problems = []
        for ev in got:
            if ev["stream"] not in streams:
                problems.append(f"event in unexpected stream {ev['stream']!r} (want {sorted(streams)})")
        # Events whose timestamp is a read time are matched by message; the rest by (ts, msg).
        exact = sorted((e for e in expected if isinstance(e[0], int)), key=lambda e: (e[0], e[1]))
        ranged = [e for e in expected if not isinstance(e[0], int)]
        remaining = sorted(got, key=lambda e: (e["timestamp"], e["message"]))
        for lo_hi, msg in ranged:
            match = [g for g in remaining if g["message"] == msg]
            if len(match) != 1:
                problems.append(f"read-time event {msg!r}: found {len(match)} copies")
                continue
            g = match[0]
            remaining.remove(g)
            lo, hi = lo_hi
            if not lo - 2000 <= g["timestamp"] <= hi + 2000:
                problems.append(f"read-time event {msg!r}: timestamp {g['timestamp']} not in [{lo}, {hi}]")
        # One by one: every expected (timestamp, message) must be there exactly as many
        # times as expected, and nothing else.
        want_c = collections.Counter(exact)
        got_c = collections.Counter((g["timestamp"], g["message"]) for g in remaining)
        for ts, msg in sorted((want_c - got_c).elements()):
            near = [g for g in got_c if g[1] == msg] or [g for g in got_c if g[0] == ts]
            note = ""
            if near:
                note = f"\n   nearest got: ts={near[0][0]} msg={near[0][1]!r}"
                if near[0][1] != msg and json_equal(near[0][1], msg):
                    note += "\n   (same JSON value, but the text was not kept as written)"
            problems.append(f"missing: ts={ts} msg={msg!r}{note}")
        for ts, msg in sorted((got_c - want_c).elements()):
            problems.append(f"unexpected: ts={ts} msg={msg!r}")
        if problems:
            self.fail("shipped events differ from expected:\n" + "\n".join(problems))

    # -- the test ----------------------------------------------------------
    def test_once_then_checkpoint_then_append(self):
        now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
        base = now - dt.timedelta(hours=1)
        local = base + TZ_OFFSET          # wall-clock time in the process's TZ
        T = lambda s: base + dt.timedelta(seconds=s)  # noqa: E731
        epoch_s = int(T(40).timestamp())

        nested_in = '{"method": "GET", "tags": [1, 2.50, {"k": "v w"}], "empty": {}, "none": [ ]}'
        nested_out = '{"method":"GET","tags":[1,2.50,{"k":"v w"}],"empty":{},"none":[]}'
        cases = [
            # (members, expected timestamp ms)
            ([member('"@timestamp"', f'"{iso_utc(T(0))}Z"'), member('"level"', '"INFO"'),
              member('"logger"', '"app.main"'), member('"message"', '"plain Z"')], ms(T(0))),
            ([member('"@timestamp"', f'"{iso_utc(T(1) + dt.timedelta(hours=2))}.5+02:00"'),
              member('"message"', '"offset +02:00, fraction 1 digit"')], ms(T(1)) + 500),
            ([member('"@timestamp"', f'"{iso_utc(T(2))}.123Z"'),
              member('"message"', '"fraction 3 digits"')], ms(T(2)) + 123),
            ([member('"@timestamp"', f'"{iso_utc(T(3))}.123456Z"'),
              member('"message"', '"fraction 6 digits"')], ms(T(3)) + 123),
            ([member('"@timestamp"', f'"{iso_utc(T(4) - dt.timedelta(hours=5, minutes=30))}.987654321-05:30"'),
              member('"message"', '"fraction 9 digits, offset -05:30"')], ms(T(4)) + 987),
            ([member('"@timestamp"', f'"{iso_utc(T(5) + TZ_OFFSET)}.25"'),
              member('"message"', '"no zone: local time"')], ms(T(5)) + 250),
            ([member('"@timestamp"', str(epoch_s)),
              member('"message"', '"epoch seconds"')], epoch_s * 1000),
            ([member('"@timestamp"', str(epoch_s * 1000 + 777)),
              member('"message"', '"epoch millis"')], epoch_s * 1000 + 777),
            ([member('"@timestamp"', f'"{iso_utc(T(6))}Z"'),
              member('"http"', nested_in, nested_out), member('"logger"', '"x.y"'),
              member('"status"', "200")], ms(T(6))),
            ([member('"@timestamp"', f'"{iso_utc(T(7))}Z"'),
              member('"msg"', '"café é, 日本, 🎉"'), member('"clé"', '"ünïcødé"')], ms(T(7))),
            ([member('"@timestamp"', f'"{iso_utc(T(8))}Z"'),
              member('"esc"', r'"say \"hi\" \\ back\nnext \u00e9 \t tab \/ \ud83c\udf89"')], ms(T(8))),
            ([member('"@timestamp"', f'"{iso_utc(T(9))}Z"'),
              member('"a"', "1.50e3"), member('"b"', "-0.0"), member('"c"', "1E+2"),
              member('"d"', "0.10"), member('"e"', "-12"), member('"f"', "true"),
              member('"g"', "null"), member('"h"', "false")], ms(T(9))),
            ([member('"@timestamp"', f'"{iso_utc(T(10))}Z"'),
              member('"big"', "123456789012345678901234567890"),
              member('"tiny"', "1e-400")], ms(T(10))),
            ([member('"@timestamp"', f'"{iso_utc(T(11))}Z"'),
              member('"nested"', '{"logger": "inner kept", "@timestamp": "inner kept too"}',
                     '{"logger":"inner kept","@timestamp":"inner kept too"}')], ms(T(11))),
        ]
        lines_a, lines_b, expected = [], [], []
        for i, (members, ts) in enumerate(cases):
            # Vary the whitespace between members: compact, spaced, lots.
            sep, colon = [(", ", ": "), (",", ":"), (" ,\t", " :  ")][i % 3]
            line, msg = make_line(members, sep=sep, colon=colon)
            (lines_a if i % 2 == 0 else lines_b).append(line)
            expected.append((ts, msg))

        raw_lines = ["this is not JSON at all: 100% plain text é",
                     "[1, 2, 3]",
                     '{"unterminated": "object"']
        no_ts_line, no_ts_msg = make_line([member('"level"', '"WARN"'),
                                           member('"message"', '"no timestamp field"')])
        # a.log: JSON lines, an empty line, non-JSON lines, a line without timestamp.
        with open(os.path.join(self.logdir, "a.log"), "w", encoding="utf-8") as f:
            f.write(lines_a[0] + "\n\n")
            for line in lines_a[1:]:
                f.write(line + "\n")
            for line in raw_lines:
                f.write(line + "\n")
            f.write(no_ts_line + "\n")
        with open(os.path.join(self.logdir, "b.log"), "w", encoding="utf-8") as f:
            f.write("".join(line + "\n" for line in lines_b))
        # Not shipped: another extension, and a sub-directory.
        with open(os.path.join(self.logdir, "c.txt"), "w") as f:
            f.write('{"@timestamp": "2024-01-01T00:00:00Z", "message": "wrong extension"}\n')
        os.mkdir(os.path.join(self.logdir, "sub"))
        with open(os.path.join(self.logdir, "sub", "d.log"), "w") as f:
            f.write('{"message": "in a sub-directory"}\n')

        # --- run 1 ---
        t0, t1, _ = self.run_once()
        streams = self.stream_dates(t0, t1)
        got = mf.read_all_events(self.client, GROUP)
        read_time = (t0, t1)
        want = expected + [(read_time, line) for line in raw_lines] + [(read_time, no_ts_msg)]
        self.assert_events(got, want, streams)

        # --- run 2: nothing new -> nothing sent ---
        self.run_once()
        got2 = mf.read_all_events(self.client, GROUP)
        self.assertEqual(len(got2), len(got), "second --once run re-sent events")

        # --- run 3: appended lines (one of them still partial) ---
        added = []
        for k, name in enumerate(["a.log", "b.log", "a.log"]):
            line, msg = make_line([member('"@timestamp"', f'"{iso_utc(T(100 + k))}Z"'),
                                   member('"logger"', '"appended"'),
                                   member('"message"', f'"appended {k} to {name}"')])
            with open(os.path.join(self.logdir, name), "a", encoding="utf-8") as f:
                f.write(line + "\n")
            added.append((ms(T(100 + k)), msg))
        partial, partial_msg = make_line([member('"@timestamp"', f'"{iso_utc(T(200))}Z"'),
                                          member('"message"', '"completed later"')])
        cut = len(partial) // 2
        with open(os.path.join(self.logdir, "b.log"), "a", encoding="utf-8") as f:
            f.write(partial[:cut])
        t0, t1, _ = self.run_once()
        got3 = mf.read_all_events(self.client, GROUP)
        new = [e for e in got3 if e not in got2]
        self.assert_events(new, added, self.stream_dates(t0, t1))
        self.assertEqual(len(got3), len(got2) + len(added), "third run sent more than the appended lines")

        # --- run 4: the partial line is completed -> exactly it arrives, whole ---
        with open(os.path.join(self.logdir, "b.log"), "a", encoding="utf-8") as f:
            f.write(partial[cut:] + "\n")
        t0, t1, _ = self.run_once()
        got4 = mf.read_all_events(self.client, GROUP)
        self.assertEqual(len(got4), len(got3) + 1, "completing the partial line should send one event")
        new = [e for e in got4 if e not in got3]
        self.assert_events(new, [(ms(T(200)), partial_msg)], self.stream_dates(t0, t1))

    def test_new_group_and_env_settings(self):
        """Settings by environment variable only; group and stream are created."""
        group = "it-env-group"
        ts = dt.datetime.now(dt.timezone.utc).replace(microsecond=0) - dt.timedelta(minutes=5)
        line, msg = make_line([member('"when"', f'"{iso_utc(ts)}Z"'),
                               member('"@timestamp"', '"kept: not the timestamp field"'),
                               member('"logger"', '"excluded"'),
                               member('"drop"', '"me"'),
                               member('"keep"', '[1, 2]', '[1,2]')],
                              exclude=("drop", "logger"))
        with open(os.path.join(self.logdir, "x.jsonl"), "w") as f:
            f.write(line + "\n")
        with open(os.path.join(self.logdir, "y.log"), "w") as f:
            f.write('{"message": "other extension: not shipped"}\n')
        t0 = int(time.time() * 1000)
        rc, out, err = mf.run_sidecar(
            [], env=self.moto.sidecar_env(LOG_PATH=self.logdir, LOG_GROUP=group,
                                          LOG_STREAM_PREFIX="envpfx", LOG_EXTENSION="jsonl",
                                          TIMESTAMP_FIELD="when", EXCLUDE_FIELDS="drop,logger",
                                          ONCE="true"),
            home=self.tmp, cwd=self.tmp, tz=TZ, timeout=60)
        t1 = int(time.time() * 1000)
        self.assertEqual(rc, 0, f"rc={rc}\nstderr:\n{err}")
        got = mf.read_all_events(self.client, group)
        streams = {f"envpfx_{(dt.datetime.fromtimestamp(t / 1000, dt.timezone.utc) + TZ_OFFSET).strftime('%Y%m%d')}"
                   for t in (t0, t1)}
        self.assert_events(got, [(ms(ts), msg)], streams)


if __name__ == "__main__":
    unittest.main()
