"""The backlog run: one file of N lines (or several) already written, shipped until the
sink has acknowledged every line, then SIGTERM. The main measurement."""

import math
import os
import shutil
import tempfile
import time

from . import procfs
from . import shipper as shipper_mod

MIB = 1048576
POLL_S = 0.05


def prepare_log_dir(work, source_files):
    """A folder holding only the inputs, as hard links: no copy of a 1 GB file, and the
    shipper sees regular files."""
    log_dir = os.path.join(work, "logs")
    os.makedirs(log_dir)
    for k, source_file in enumerate(source_files):
        target = os.path.join(log_dir, "app.log" if k == 0 else f"app-{k + 1}.log")
        try:
            os.link(source_file, target)
        except OSError:
            shutil.copyfile(source_file, target)
    return log_dir


def warm_page_cache(paths):
    """Reads the inputs once, so that every shipper finds them in the page cache, as a sidecar
    finds the lines an application has just written. This VM drops cached pages within minutes;
    without this the first shipper of a pair also paid for the disk reads (kernel CPU it is charged
    for), and the next one found part of the file cached."""
    for path in paths:
        with open(path, "rb", buffering=0) as f:
            while f.read(1 << 20):
                pass


def run(shipper, sink, source_files, lines, timeout_s, run_id, ca_file=None, keep_work=False, env=None):
    """`lines`: the total over `source_files`; `env`: more settings for the shipper."""
    warm_page_cache(source_files)
    work = tempfile.mkdtemp(prefix="cw-bench-run-")
    try:
        ctx = {
            "log_dir": prepare_log_dir(work, source_files), "state_dir": os.path.join(work, "state"),
            "endpoint": sink.endpoint, "port": sink.port, "scheme": sink.scheme,
            "log_group": f"bench-{run_id}", "log_stream": f"run{run_id}", "ca_file": ca_file or "",
            "env": env or {},
        }
        os.makedirs(ctx["state_dir"])
        sink.reset()
        sink_cpu_before = sink.cpu_seconds()
        started_ns = time.time_ns()
        proc = shipper.start(ctx, os.path.join(work, "shipper.out"))
        outcome, stats, exited, peak_kib = "ok", None, None, 0
        deadline = time.monotonic() + timeout_s
        while True:
            peak_kib = max(peak_kib, procfs.peak_rss_kib(proc.pid))
            stats = sink.stats()
            if stats["events"] >= lines:
                break
            if stats["violations"]:
                outcome = "violation"
                break
            exited = shipper_mod.reap_if_exited(proc)
            if exited:
                outcome = f"exited {exited[0]}"
                break
            if time.monotonic() > deadline:
                outcome = "timeout"
                break
            time.sleep(POLL_S)
        sink_cpu = sink.cpu_seconds() - sink_cpu_before
        if exited:
            code, usage = exited
        else:
            code, usage, peak_kib = shipper_mod.stop_and_reap(proc, peak_kib=peak_kib)
        stats = sink.stats()  # after the stop: anything sent while stopping counts too
        if stats["events"] > lines:
            outcome = f"duplicates ({stats['events'] - lines})"
        if outcome != "ok":
            with open(os.path.join(work, "shipper.out"), "rb") as f:
                tail = f.read()[-2000:].decode("utf-8", "replace")
            print(f"  {shipper.name}: {outcome}; last violation: {stats['last_violation']}\n  output tail:\n{tail}")
        return summarise(shipper.name, source_files, lines, started_ns, usage, peak_kib, stats, sink_cpu, outcome)
    finally:
        if not keep_work:
            shutil.rmtree(work, ignore_errors=True)


def summarise(name, source_files, lines, started_ns, usage, peak_kib, stats, sink_cpu, outcome):
    size = sum(os.path.getsize(f) for f in source_files)
    cpu = usage.ru_utime + usage.ru_stime
    wall = max((stats["last_put_unix_ns"] - started_ns) / 1e9, 1e-9) if stats["last_put_unix_ns"] else float("nan")
    puts = stats["puts_accepted"]
    # The fewest requests the limits allow: by bytes (1 MiB with 26 per event) or by count (10,000).
    min_puts = max(math.ceil(stats["batch_bytes"] / MIB), math.ceil(stats["events"] / 10000), 1)
    return {
        "shipper": name, "input_bytes": size, "files": len(source_files), "lines": lines, "events": stats["events"],
        "outcome": outcome,
        "wall_s": wall, "cpu_s": cpu, "user_s": usage.ru_utime, "sys_s": usage.ru_stime,
        "us_per_line": cpu / lines * 1e6, "mb_per_cpu_s": size / 1e6 / cpu if cpu else float("inf"),
        "peak_rss_mib": peak_kib / 1024, "requests": puts,
        "mean_fill": stats["batch_bytes"] / puts / MIB if puts else 0.0,
        "requests_vs_min": puts / min_puts if puts else 0.0,
        "events_per_s": stats["events"] / wall if wall == wall else 0.0,
        "violations": stats["violations"], "sink_cpu_s": sink_cpu,
    }
