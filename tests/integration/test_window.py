"""Events outside CloudWatch's time window (30 days old, 3 hours ahead) follow the
OUT_OF_WINDOW policy and are counted:

  restamp (default)  stored with the read time, the original in "@original_timestamp"
  set-aside          not sent; written to STATE_DIR/dead-letter.jsonl with the reason
  send               sent as they are; what the service rejects (rejectedLogEventsInfo)
                     is counted and dead-lettered, never resent

Traffic goes through the fault proxy (no faults) so the test sees exactly what was sent
and what moto answered. Note: moto 5.x reports rejectedLogEventsInfo off by one
(tooOldLogEventEndIndex = index of the LAST too-old event instead of the exclusive end,
tooNewLogEventStartIndex = index of the LAST too-new event), so in `send` mode the test
checks the sidecar's counters against moto's answers read the way the API defines them,
not against what moto stored."""

import datetime as dt
import json
import os
import sys
import time
import unittest

import fault_proxy as fp
import moto_fixture as mf

DAY_MS = 24 * 3600 * 1000
HOUR_MS = 3600 * 1000


def iso_ms(ms):
    t = dt.datetime.fromtimestamp(ms / 1000, dt.timezone.utc)
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"


class WindowPolicyTest(mf.MotoTestCase):
    def setUp(self):
        self.make_temp_dirs("cw-it-window-")
        self.proxy = fp.FaultProxy(self.moto.port, fp.FaultPlan()).start()
        self.addCleanup(self.proxy.stop)

    def write(self, now_ms, kinds=(("normal", -60_000), ("old", -30 * DAY_MS), ("new", 3 * HOUR_MS)), per_kind=3):
        """Interleaved lines: normal, old, new, normal, ... Returns {message: (kind, ts)}."""
        out = {}
        with open(os.path.join(self.logdir, "app.log"), "w", encoding="utf-8") as f:
            for i in range(per_kind):
                for kind, offset in kinds:
                    ts = now_ms + offset + i
                    f.write(json.dumps({"@timestamp": ts, "seq": i, "kind": kind}) + "\n")
                    out[f'{{"seq":{i},"kind":"{kind}"}}'] = (kind, ts)
        return out

    def run_once(self, group, extra=()):
        env = self.moto.sidecar_env(AWS_ENDPOINT_URL=self.proxy.endpoint)
        before = int(time.time() * 1000)
        rc, _out, err = mf.run_sidecar(["--log-path", self.logdir, "--log-group", group, "--once",
                                        "--state-dir", self.state] + list(extra),
                                       env=env, cwd=self.tmp, timeout=60 * fp.slowdown())
        after = int(time.time() * 1000)
        self.assertEqual(rc, 0, err[-3000:])
        summary = fp.parse_summary(err)
        self.assertIsNotNone(summary, err[-2000:])
        self.assertEqual(self.proxy.violations, [])
        sys.stderr.write(f"\n    [figures] {group}: {summary}")
        return summary, err, before, after

    def dead_letters(self):
        path = os.path.join(self.state, "dead-letter.jsonl")
        if not os.path.exists(path):
            return []
        with open(path, encoding="utf-8") as f:
            return [json.loads(l) for l in f if l.strip()]

    def assert_accounting(self, s):
        outcomes = (s["accepted"] + s["rejected_too_new"] + s["rejected_too_old"] + s["rejected_expired"]
                    + s["set_aside_invalid"] + s["set_aside_window"] + s["empty_skipped"] + s["in_flight"])
        self.assertEqual(s["lines"], outcomes, f"every line has exactly one outcome: {s}")

    def test_restamp_is_the_default(self):
        now = int(time.time() * 1000)
        lines = self.write(now)
        s, _err, before, after = self.run_once("window-restamp")
        stored = mf.read_all_events(self.client, "window-restamp")
        self.assertEqual(len(stored), len(lines), stored)
        seen = set()
        for ev in stored:
            if ev["message"] in lines:
                kind, ts = lines[ev["message"]]
                self.assertEqual(kind, "normal", ev)
                self.assertEqual(ev["timestamp"], ts)
                seen.add(ev["message"])
                continue
            self.assertTrue(ev["message"].startswith('{"@original_timestamp":"'), ev)
            original = json.loads(ev["message"])["@original_timestamp"]
            rest = '{' + ev["message"].split('",', 1)[1]
            self.assertIn(rest, lines, ev)
            kind, ts = lines[rest]
            self.assertIn(kind, ("old", "new"))
            self.assertEqual(original, iso_ms(ts))
            self.assertTrue(before - 1000 <= ev["timestamp"] <= after + 1000,
                            f"restamped with the read time: {ev['timestamp']} not in [{before}, {after}]")
            seen.add(rest)
        self.assertEqual(seen, set(lines))
        self.assertEqual(s["lines"], 9)
        self.assertEqual(s["restamped"], 6)
        self.assertEqual(s["accepted"], 9)
        self.assertEqual(s["set_aside_window"], 0)
        self.assertEqual(s["rejected_too_old"] + s["rejected_too_new"], 0)
        self.assert_accounting(s)
        self.assertEqual(self.dead_letters(), [])

    def test_restamp_respects_retention_shorter_than_14_days(self):
        # With RETENTION_DAYS=1 an event 2 days old is outside the window although it is
        # younger than 14 days.
        now = int(time.time() * 1000)
        lines = self.write(now, kinds=(("normal", -60_000), ("old", -2 * DAY_MS)), per_kind=2)
        s, _err, before, after = self.run_once("window-retention", ["--retention-days", "1"])
        stored = mf.read_all_events(self.client, "window-retention")
        self.assertEqual(len(stored), len(lines))
        self.assertEqual(s["restamped"], 2, s)
        self.assertEqual(s["accepted"], 4)
        self.assertEqual(sum(1 for ev in stored if ev["message"].startswith('{"@original_timestamp"')), 2)

    def test_set_aside(self):
        now = int(time.time() * 1000)
        lines = self.write(now)
        s, _err, _b, _a = self.run_once("window-setaside", ["--out-of-window", "set-aside"])
        stored = sorted(ev["message"] for ev in mf.read_all_events(self.client, "window-setaside"))
        self.assertEqual(stored, sorted(m for m, (k, _t) in lines.items() if k == "normal"))
        # Not sent at all.
        sent = [m for r in self.proxy.snapshot() for m in r.messages]
        self.assertFalse([m for m in sent if lines.get(m, ("normal",))[0] != "normal"], sent)
        dead = self.dead_letters()
        self.assertEqual(len(dead), 6, dead)
        for d in dead:
            kind, ts = lines[d["message"]]
            self.assertEqual(d["reason"], {"old": "too_old", "new": "too_new"}[kind], d)
            self.assertEqual(d["timestamp"], ts)
            self.assertEqual(d["group"], "window-setaside")
            self.assertTrue(d["stream"])
        self.assertEqual(s["lines"], 9)
        self.assertEqual(s["set_aside_window"], 6)
        self.assertEqual(s["accepted"], 3)
        self.assertEqual(s["restamped"], 0)
        self.assert_accounting(s)

    def test_send_as_is(self):
        now = int(time.time() * 1000)
        lines = self.write(now)
        s, err, _b, _a = self.run_once("window-send", ["--out-of-window", "send"])
        records = self.proxy.snapshot()
        # Sent as they are (original timestamps), each exactly once: never resent.
        sent = {}
        for r in records:
            if r.stored and r.answered:
                for m, ts in zip(r.messages, r.timestamps):
                    sent.setdefault(m, []).append(ts)
        self.assertEqual(sorted(sent), sorted(lines))
        for m, stamps in sent.items():
            self.assertEqual(stamps, [lines[m][1]], m)
        stored = sorted(ev["message"] for ev in mf.read_all_events(self.client, "window-send"))
        self.assertEqual(stored, sorted(m for m, (k, _t) in lines.items() if k == "normal"),
                         "moto stores only the events inside its window")
        # The counters follow the service's answers (read as the API defines the indexes).
        said = fp.rejected_counts(records)
        sys.stderr.write(f"\n    [figures] window-send: moto's answers say {said}; moto stored {len(stored)} of 9")
        self.assertEqual(s["rejected_too_old"], said["too_old"], s)
        self.assertEqual(s["rejected_too_new"], said["too_new"], s)
        self.assertEqual(s["rejected_expired"], said["expired"], s)
        self.assertEqual(s["restamped"] + s["set_aside_window"], 0)
        self.assert_accounting(s)
        # Rejected events are dead-lettered with their reason.
        dead = self.dead_letters()
        self.assertEqual(len(dead), said["too_old"] + said["too_new"] + said["expired"], dead)
        for d in dead:
            self.assertIn(d["reason"], ("too_old", "too_new", "expired"))
            self.assertIn(d["message"], lines)
        if said["too_old"] + said["too_new"] > 0:
            self.assertIn("rejected", err)


if __name__ == "__main__":
    unittest.main()
