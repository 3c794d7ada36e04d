"""PutLogEvents limits on the wire, checked strictly by the fault proxy (moto is lenient):
1..10,000 events, sum(UTF-8 bytes + 26) <= 1,048,576, each message 1..1,048,550 bytes,
timestamps non-decreasing, span <= 24 h. Full batches by count and by bytes, messages at
the cap, and two files with interleaved timestamps spanning several days."""

import json
import os
import sys
import time
import unittest

import fault_proxy as fp
import moto_fixture as mf

DAY_MS = 24 * 3600 * 1000


class WireLimitsTest(mf.MotoTestCase):
    def setUp(self):
        self.make_temp_dirs("cw-it-limits-")
        self.proxy = fp.FaultProxy(self.moto.port, fp.FaultPlan()).start()
        self.addCleanup(self.proxy.stop)

    def ship(self, group, extra=()):
        env = self.moto.sidecar_env(AWS_ENDPOINT_URL=self.proxy.endpoint)
        rc, _out, err = mf.run_sidecar(["--log-path", self.logdir, "--log-group", group, "--once"] + list(extra),
                                       env=env, cwd=self.tmp, timeout=180 * fp.slowdown())
        self.assertEqual(rc, 0, err[-3000:])
        self.assertEqual(self.proxy.violations, [], "PutLogEvents limits violated on the wire")
        records = [r for r in self.proxy.snapshot() if r.stored and r.answered]
        sizes = [len(r.messages) for r in records]
        payload = [sum(len(m.encode()) + 26 for m in r.messages) for r in records]
        spans = [max(r.timestamps) - min(r.timestamps) for r in records]
        sys.stderr.write(f"\n    [figures] {group}: {len(records)} requests; events per request max {max(sizes)}; "
                         f"bytes per request max {max(payload)}; span max {max(spans) / 3600000:.1f} h")
        return records, fp.parse_summary(err)

    def test_full_batches_by_count_from_two_interleaved_files(self):
        # Two files, short lines, interleaved timestamps (a: even ms, b: odd ms), in a
        # shared stream: batches full by count (10,000) with sorted timestamps.
        n = 30_000
        base = int(time.time() * 1000) - 3600_000
        expected = []
        for name, parity in (("a.log", 0), ("b.log", 1)):
            with open(os.path.join(self.logdir, name), "w") as f:
                for i in range(n):
                    ts = base + 2 * i + parity
                    f.write(f'{{"@timestamp":{ts},"f":"{name}","i":{i}}}\n')
                    expected.append(f'{{"f":"{name}","i":{i}}}')
        records, s = self.ship("limits-count")
        self.assertEqual(max(len(r.messages) for r in records), 10_000, "no batch full by count")
        stored = sorted(e["message"] for e in mf.read_all_events(self.client, "limits-count"))
        self.assertEqual(stored, sorted(expected))
        self.assertEqual(s["accepted"], 2 * n)

    def test_full_batches_by_bytes_and_messages_at_the_cap(self):
        # 100 KB lines: batches full by bytes; lines exactly at the cap (1,048,550 bytes,
        # alone in a 1,048,576-byte request) and just over it (cut in parts).
        base = int(time.time() * 1000) - 3600_000
        expected = []
        with open(os.path.join(self.logdir, "big.log"), "w") as f:
            for i in range(40):
                msg = f'{{"i":{i},"pad":"' + "x" * 100_000 + '"}'
                expected.append(msg)
                f.write(f'{{"@timestamp":{base + i},' + msg[1:] + "\n")
            cap = 1_048_550
            for i in range(2):
                raw = f"cap{i}:" + "c" * (cap - 5)
                self.assertEqual(len(raw), cap)
                expected.append(raw)
                f.write(raw + "\n")
            over = "over:" + "o" * cap
            f.write(over + "\n")
        records, s = self.ship("limits-bytes")
        biggest = max(sum(len(m.encode()) + 26 for m in r.messages) for r in records)
        self.assertGreater(biggest, 1_048_576 - 100_100, "no batch full by bytes")
        self.assertEqual(biggest, 1_048_576, "a message at the cap makes a request of exactly the limit")
        stored = [e["message"] for e in mf.read_all_events(self.client, "limits-bytes")]
        parts = [json.loads(m) for m in stored if m.startswith('{"@split":')]
        rest = sorted(m for m in stored if not m.startswith('{"@split":'))
        self.assertEqual(rest, sorted(expected))
        parts.sort(key=lambda d: d["@split"]["part"])
        self.assertEqual("".join(d["text"] for d in parts), over)

    def test_span_over_24h_from_two_files(self):
        # Two files whose lines cover 6 days, interleaved: every request must span <= 24 h.
        now = int(time.time() * 1000)
        expected = []
        for name, offset in (("x.log", 0), ("y.log", 3_600_000)):
            with open(os.path.join(self.logdir, name), "w") as f:
                for i in range(600):
                    ts = now - 6 * DAY_MS + i * (6 * DAY_MS // 600) + offset - 7_200_000
                    f.write(f'{{"@timestamp":{ts},"f":"{name}","i":{i}}}\n')
                    expected.append(f'{{"f":"{name}","i":{i}}}')
        records, s = self.ship("limits-span")
        self.assertGreater(len(records), 6, "6 days of events cannot fit in fewer than 7 requests")
        stored = sorted(e["message"] for e in mf.read_all_events(self.client, "limits-span"))
        self.assertEqual(stored, sorted(expected))


if __name__ == "__main__":
    unittest.main()
