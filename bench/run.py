#!/usr/bin/env python3
"""End-to-end benchmark: cw-sidecar (and any other shipper) against a strict local
CloudWatch Logs endpoint, on generated JSON-lines files of given sizes.

    python3 bench/run.py --sizes 1MB,100MB,1GB --transport both --idle --trickle

See bench/README.md for what each column means. Standard library only; needs the
openssl and gnuplot commands (scripts/install-deps.sh installs them).
"""

import argparse
import datetime as dt
import json
import os
import shlex
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)

import generate  # noqa: E402
from harness import backlog, modes, procfs, repeats, report, tls  # noqa: E402
from harness.shipper import Shipper  # noqa: E402
from harness.sink import Sink  # noqa: E402

BASELINE = "cw-sidecar"
UNITS = {"KB": 1e3, "MB": 1e6, "GB": 1e9, "K": 1e3, "M": 1e6, "G": 1e9, "B": 1}


def parse_size(text):
    t = text.strip().upper()
    for unit in sorted(UNITS, key=len, reverse=True):
        if t.endswith(unit):
            return int(float(t[: -len(unit)]) * UNITS[unit])
    return int(t)


def first_existing(*paths):
    for p in paths:
        if os.path.exists(p):
            return p
    return paths[0]


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", default="1MB,100MB", help="input sizes, e.g. 1MB,100MB,1GB (lines of ~222 bytes); \"\" for no backlog runs")
    p.add_argument("--lines", help="line counts instead of sizes, e.g. 5000,500000")
    p.add_argument("--files", type=int, default=1,
                   help="the backlog is this many files of each size, read in turns: their lines meet in "
                        "batches out of timestamp order")
    p.add_argument("--destinations", type=int, default=0,
                   help="spread the backlog's lines at random over this many streams (LOG_STREAM_NAME={field:dest}); "
                        "0: one stream")
    p.add_argument("--transport", choices=["http", "https", "both"], default="http",
                   help="https: the sink serves TLS with a self-signed certificate (AWS_CA_BUNDLE)")
    p.add_argument("--sidecar", default=os.path.join(REPO, "build/release/src/app/cw-sidecar"))
    p.add_argument("--sink", default=first_existing(os.path.join(REPO, "build/release/bench/sink/cw-bench-sink"),
                                                    os.path.join(REPO, "build/h-bench/bench/sink/cw-bench-sink")))
    p.add_argument("--build", action="store_true", help="build cw-sidecar and cw-bench-sink (release preset) first")
    p.add_argument("--other", action="append", default=[], metavar="NAME=COMMAND",
                   help="another shipper; placeholders {log_dir} {endpoint} {port} {scheme} {state_dir} "
                        "{log_group} {log_stream} {ca_file}; AWS_* variables are set as for cw-sidecar")
    p.add_argument("--no-sidecar", action="store_true", help="measure only the --other shippers")
    p.add_argument("--repeat", type=int, default=1,
                   help="rounds of backlog runs (each shipper once per round); a row shows the median run, "
                        "the range of µs/line and the median of the per-round CPU ratios")
    p.add_argument("--idle", action="store_true", help="also measure idle CPU with quiet files")
    p.add_argument("--idle-files", default="100",
                   help="quiet-file counts, comma-separated; each row also shows its CPU against the first count's")
    p.add_argument("--idle-modes", default="inotify",
                   help="cw-sidecar WATCH_MODEs to measure idle, comma-separated (inotify,poll)")
    p.add_argument("--idle-seconds", type=float, default=30)
    p.add_argument("--idle-settle-seconds", type=float, default=2,
                   help="wait this long once caught up before measuring (65: past the first safety check)")
    p.add_argument("--trickle", action="store_true", help="also measure write-to-acknowledged latency")
    p.add_argument("--trickle-seconds", type=float, default=20)
    p.add_argument("--trickle-interval-ms", type=float, default=100)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--cache-dir", default=generate.DEFAULT_CACHE)
    p.add_argument("--prune-cache", action="store_true", help="afterwards delete cached inputs over 50 MB")
    p.add_argument("--timeout-per-mb", type=float, default=1.0, help="give up a backlog run after 60 s + this per MB")
    p.add_argument("--readme", default=os.path.join(HERE, "README.md"))
    p.add_argument("--no-readme", action="store_true", help="print the results only")
    p.add_argument("--plot", default=os.path.join(HERE, "results.png"))
    p.add_argument("--json", help="also write the raw results here")
    return p.parse_args(argv)


def build():
    subprocess.run(["cmake", "--preset", "release"], cwd=REPO, check=True, stdout=subprocess.DEVNULL)
    subprocess.run(["ninja", "-j2", "-C", "build/release", "cw-sidecar", "cw-bench-sink"], cwd=REPO, check=True)


def shippers(args):
    out = [] if args.no_sidecar else [Shipper(BASELINE, binary=args.sidecar)]
    for spec in args.other:
        name, _, template = spec.partition("=")
        if not template:
            sys.exit(f"--other wants NAME=COMMAND, got {spec!r}")
        out.append(Shipper(name.strip(), template=template))
    return out


def line_counts(args):
    if args.lines:
        return [int(x) for x in args.lines.split(",")]
    return [max(1, parse_size(s) // generate.MEAN_LINE_BYTES) for s in args.sizes.split(",") if s]


def git_describe():
    try:
        return subprocess.run(["git", "-C", REPO, "log", "-1", "--format=%h %cs"], capture_output=True, text=True,
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def binary_time(path):
    try:
        return dt.datetime.fromtimestamp(os.path.getmtime(path)).astimezone().isoformat(timespec="minutes")
    except OSError:
        return "unknown"


def main(argv=None):
    args = parse_args(argv)
    if args.build:
        build()
    ships = shippers(args)
    for s in ships:
        if s.binary and not os.path.exists(s.binary):
            sys.exit(f"{s.binary} is missing: cmake --preset release && ninja -j2 -C build/release cw-sidecar "
                     "cw-bench-sink (or pass --build)")
    if not os.path.exists(args.sink):
        sys.exit(f"{args.sink} is missing: ninja -j2 -C build/release cw-bench-sink (or pass --build)")
    counts = line_counts(args)
    transports = ["http", "https"] if args.transport == "both" else [args.transport]
    results = {"backlog": [], "idle": [], "trickle": []}
    run_number = 0
    with tempfile.TemporaryDirectory(prefix="cw-bench-tls-") as tls_dir:
        cert_key = tls.self_signed(tls_dir) if "https" in transports else None
        for transport in transports:
            tls_files = cert_key if transport == "https" else None
            ca_file = cert_key[0] if tls_files else None
            sink = Sink(args.sink, tls=tls_files)
            try:
                for lines in counts:
                    sources = [generate.cached_file(lines, args.seed + k, args.cache_dir, args.destinations)
                               for k in range(args.files)]
                    total = lines * args.files
                    timeout = 60 + args.timeout_per_mb * sum(os.path.getsize(f) for f in sources) / 1e6
                    for round_number in range(args.repeat):
                        for s in ships:  # interleaved per size, so a noisy moment hits every shipper alike
                            run_number += 1
                            print(f"backlog: {s.name} {transport} {total:,} lines in {args.files} file(s) ...",
                                  flush=True)
                            env = {"LOG_STREAM_NAME": "{field:dest}"} if args.destinations else {}
                            r = backlog.run(s, sink, sources, total, timeout, f"{run_number}", ca_file=ca_file,
                                            env=env)
                            r["transport"] = transport
                            r["round"] = round_number
                            results["backlog"].append(r)
                            print(f"  wall {r['wall_s']:.2f} s, CPU {r['cpu_s']:.2f} s ({r['us_per_line']:.2f} "
                                  f"us/line), RSS {r['peak_rss_mib']:.1f} MiB, {r['requests']} requests, sink CPU "
                                  f"{r['sink_cpu_s']:.2f} s, {r['outcome']}", flush=True)
                if args.idle:
                    for s in ships:
                        for mode in args.idle_modes.split(",") if s.binary else ["-"]:
                            for files in (int(n) for n in args.idle_files.split(",")):
                                run_number += 1
                                print(f"idle: {s.name} {transport} {mode} {files} files, {args.idle_seconds:.0f} s ...",
                                      flush=True)
                                r = modes.idle(s, sink, generate, files, 10, args.idle_seconds, ca_file,
                                               f"{run_number}", watch_mode=None if mode == "-" else mode,
                                               settle_s=args.idle_settle_seconds)
                                r["transport"] = transport
                                r["mode"] = mode
                                results["idle"].append(r)
            finally:
                sink.stop()
            if args.trickle:
                traced = Sink(args.sink, tls=tls_files, trace=True)
                try:
                    for s in ships:
                        run_number += 1
                        print(f"trickle: {s.name} {transport} ...", flush=True)
                        r = modes.trickle(s, traced, generate, args.trickle_interval_ms / 1000, args.trickle_seconds,
                                          ca_file, f"{run_number}")
                        r["transport"] = transport
                        results["trickle"].append(r)
                finally:
                    traced.stop()

    if args.repeat > 1:
        results["backlog_runs"] = results["backlog"]
        results["backlog"] = repeats.fold(results["backlog"], BASELINE)
    header = [
        f"machine: {procfs.machine()}",
        "",
        f"run: {dt.datetime.now().astimezone().isoformat(timespec='seconds')}, repository at {git_describe()}, "
        f"cw-sidecar binary built {binary_time(args.sidecar)}, "
        f"command: `python3 bench/run.py {' '.join(shlex.quote(a) for a in (argv if argv is not None else sys.argv[1:]))}`",
    ]
    plot_name = None
    if len({r["input_bytes"] for r in results["backlog"]}) >= 2 and not args.no_readme:
        report.plot(results["backlog"], args.plot)
        plot_name = os.path.relpath(args.plot, os.path.dirname(args.readme))
    text = report.markdown(header, results["backlog"], results["idle"], results["trickle"], BASELINE, plot_name)
    print("\n" + text)
    if not args.no_readme:
        report.replace_in_readme(args.readme, text)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)
    if args.prune_cache:
        for name in os.listdir(args.cache_dir):
            path = os.path.join(args.cache_dir, name)
            if os.path.getsize(path) > 50e6:
                os.remove(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
