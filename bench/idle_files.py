#!/usr/bin/env python3
"""Idle CPU of cw-sidecar with many quiet files, per watch mode (issue 3's note).

    python3 bench/idle_files.py [--files 100] [--seconds 30] [--modes inotify,poll]

For each WATCH_MODE: N files of 10 lines are shipped to the local sink
(cw-bench-sink), then nothing is written for --seconds; the sidecar's on-CPU time
over that span comes from /proc/<pid>/task/*/schedstat (nanoseconds), wake-ups
from the threads' context switches, peak RSS from VmHWM. Reuses bench/harness.
"""

import argparse
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)

import generate  # noqa: E402
from harness import modes  # noqa: E402
from harness.shipper import Shipper  # noqa: E402
from harness.sink import Sink  # noqa: E402


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--files", type=int, default=100)
    p.add_argument("--seconds", type=float, default=30)
    p.add_argument("--modes", default="inotify,poll")
    p.add_argument("--poll-interval-ms", default="500", help="POLL_INTERVAL_MS (the default)")
    p.add_argument("--sidecar", default=os.path.join(REPO, "build/release/src/app/cw-sidecar"))
    p.add_argument("--sink", default=os.path.join(REPO, "build/release/bench/sink/cw-bench-sink"))
    args = p.parse_args()
    sink = Sink(args.sink)
    rows = []
    try:
        for i, mode in enumerate(args.modes.split(",")):
            os.environ["WATCH_MODE"] = mode  # the harness passes its environment on
            os.environ["POLL_INTERVAL_MS"] = args.poll_interval_ms
            print(f"{mode}: {args.files} files, {args.seconds:.0f} s idle ...", flush=True)
            r = modes.idle(Shipper("cw-sidecar", binary=args.sidecar), sink, generate, args.files, 10,
                           args.seconds, None, f"idle{i}")
            r["mode"] = mode
            rows.append(r)
    finally:
        sink.stop()
    print(f"\n| WATCH_MODE | files | caught up | seconds | CPU (% of a core) | wake-ups/s | peak RSS MiB |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['mode']} | {r['files']} | {r['caught_up']} | {r['seconds']:.1f} | {r['core_percent']:.4f} | "
              f"{r['wakeups_per_s']:.1f} | {r['peak_rss_mib']:.1f} |")


if __name__ == "__main__":
    main()
