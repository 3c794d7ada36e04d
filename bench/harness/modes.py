"""The quiet measurements: idle CPU with many caught-up files, and write-to-acknowledged
latency with a trickle of lines."""

import os
import random
import shutil
import statistics
import tempfile
import time
import datetime as dt

from . import procfs
from . import shipper as shipper_mod


def _context(sink, work, run_id, ca_file):
    ctx = {
        "log_dir": os.path.join(work, "logs"), "state_dir": os.path.join(work, "state"),
        "endpoint": sink.endpoint, "port": sink.port, "scheme": sink.scheme,
        "log_group": f"bench-{run_id}", "log_stream": f"run{run_id}", "ca_file": ca_file or "",
    }
    os.makedirs(ctx["log_dir"])
    os.makedirs(ctx["state_dir"])
    return ctx


def _wait_for_events(sink, count, timeout_s):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if sink.stats()["events"] >= count:
            return True
        time.sleep(0.05)
    return False


def idle(shipper, sink, generate, files=100, lines_per_file=10, seconds=30, ca_file=None, run_id="idle",
         watch_mode=None, settle_s=2):
    """CPU share of a core and wake-ups per second over `seconds`, once every file is shipped.
    `watch_mode` is cw-sidecar's WATCH_MODE (None: its default)."""
    work = tempfile.mkdtemp(prefix="cw-bench-idle-")
    try:
        ctx = _context(sink, work, run_id, ca_file)
        if watch_mode:
            ctx["env"] = {"WATCH_MODE": watch_mode}
        rng = random.Random(7)
        for i in range(files):
            with open(os.path.join(ctx["log_dir"], f"svc{i:05d}.log"), "w", encoding="utf-8") as f:
                f.writelines(generate.make_line(rng, j) for j in range(lines_per_file))
        sink.reset()
        proc = shipper.start(ctx, os.path.join(work, "shipper.out"))
        caught_up = _wait_for_events(sink, files * lines_per_file, 60)
        time.sleep(settle_s)  # let start-up work (checkpoints, connection, the first safety check) settle
        cpu0, switches0, t0 = procfs.cpu_seconds_precise(proc.pid), procfs.context_switches(proc.pid), time.monotonic()
        time.sleep(seconds)
        cpu1, switches1, t1 = procfs.cpu_seconds_precise(proc.pid), procfs.context_switches(proc.pid), time.monotonic()
        _, _, peak_kib = shipper_mod.stop_and_reap(proc)
        return {
            "shipper": shipper.name, "files": files, "caught_up": caught_up, "seconds": t1 - t0,
            "core_percent": (cpu1 - cpu0) / (t1 - t0) * 100, "wakeups_per_s": (switches1 - switches0) / (t1 - t0),
            "peak_rss_mib": peak_kib / 1024,
        }
    finally:
        shutil.rmtree(work, ignore_errors=True)


def trickle(shipper, sink, generate, interval_s=0.1, seconds=20, ca_file=None, run_id="trickle"):
    """Writes a line every `interval_s`; each carries "bench_seq" and its write time, and the
    sink (started with --trace) records when it arrived. Latency = arrival - write."""
    work = tempfile.mkdtemp(prefix="cw-bench-trickle-")
    try:
        ctx = _context(sink, work, run_id, ca_file)
        path = os.path.join(ctx["log_dir"], "app.log")
        open(path, "w").close()
        sink.reset()
        proc = shipper.start(ctx, os.path.join(work, "shipper.out"))
        time.sleep(1)  # start-up is not what this measures
        rng = random.Random(11)
        written = {}
        count = int(seconds / interval_s)
        cpu0 = procfs.cpu_seconds_precise(proc.pid)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND)
        next_at = time.monotonic()
        for seq in range(count):
            now_ns = time.time_ns()
            stamp = dt.datetime.now().astimezone().isoformat(timespec="milliseconds")
            line = generate.make_line(rng, 0, stamp=stamp, extra=f'"bench_seq":{seq},"bench_written_unix_ns":{now_ns},')
            os.write(fd, line.encode("utf-8"))
            written[seq] = now_ns
            next_at += interval_s
            time.sleep(max(0.0, next_at - time.monotonic()))
        os.close(fd)
        _wait_for_events(sink, count, 30)
        cpu1 = procfs.cpu_seconds_precise(proc.pid)
        shipper_mod.stop_and_reap(proc)
        arrivals = sink.arrivals()
        latencies = sorted((arrivals[s] - written[s]) / 1e6 for s in written if s in arrivals)
        stats = sink.stats()

        def pct(p):
            return latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))] if latencies else float("nan")

        return {
            "shipper": shipper.name, "lines": count, "acknowledged": len(latencies), "interval_ms": interval_s * 1000,
            "p50_ms": pct(50), "p90_ms": pct(90), "p99_ms": pct(99), "max_ms": latencies[-1] if latencies else float("nan"),
            "mean_ms": statistics.fmean(latencies) if latencies else float("nan"), "requests": stats["puts_accepted"],
            "core_percent": (cpu1 - cpu0) / (count * interval_s) * 100,
        }
    finally:
        shutil.rmtree(work, ignore_errors=True)
