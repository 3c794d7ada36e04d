"""The results as Markdown (stdout and bench/README.md) and a PNG plot via gnuplot."""

import os
import subprocess
import tempfile

BEGIN = "<!-- results:begin (written by bench/run.py) -->"
END = "<!-- results:end -->"


def human_size(n):
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if n >= scale:
            return f"{n / scale:.0f} {unit}" if n / scale >= 10 else f"{n / scale:.1f} {unit}"
    return f"{n} B"


def input_label(r):
    files = r.get("files", 1)
    if files == 1:
        return human_size(r["input_bytes"])
    return f"{files} × {human_size(r['input_bytes'] // files)}"


def backlog_table(results, baseline):
    head = ("| shipper | TLS | input | lines | wall s | CPU s | µs CPU/line | MB/CPU-s | peak RSS MiB | requests "
            "| fill of 1 MiB | requests/min | events/s | sink CPU s | CPU × base | RSS × base | outcome |")
    rows = [head, "|" + "|".join(["---"] * 17) + "|"]
    base = {(r["transport"], r["input_bytes"]): r for r in results if r["shipper"] == baseline}
    for r in results:
        b = base.get((r["transport"], r["input_bytes"]))
        ratio_cpu = f"{r['cpu_s'] / b['cpu_s']:.2f}" if b and b["cpu_s"] else "-"
        if "cpu_ratio_paired" in r:  # --repeat: the median of the per-round ratios
            ratio_cpu = f"{r['cpu_ratio_paired']:.2f}"
        ratio_rss = f"{r['peak_rss_mib'] / b['peak_rss_mib']:.2f}" if b and b["peak_rss_mib"] else "-"
        us = f"{r['us_per_line']:.2f}"
        if r.get("rounds", 1) > 1:
            low, high = r["us_per_line_range"]
            us += f" ({low:.2f}-{high:.2f}, {r['rounds']} runs)"
        rows.append(
            f"| {r['shipper']} | {'yes' if r['transport'] == 'https' else 'no'} | {input_label(r)} "
            f"| {r['lines']:,} | {r['wall_s']:.2f} | {r['cpu_s']:.2f} | {us} | {r['mb_per_cpu_s']:.0f} "
            f"| {r['peak_rss_mib']:.1f} | {r['requests']:,} | {r['mean_fill'] * 100:.1f}% | {r['requests_vs_min']:.3f} "
            f"| {r['events_per_s']:,.0f} | {r['sink_cpu_s']:.2f} | {ratio_cpu} | {ratio_rss} | {r['outcome']} |")
    return "\n".join(rows)


def idle_table(results):
    """CPU against the first file count measured for the same shipper, TLS and watch mode."""
    rows = ["| shipper | TLS | WATCH_MODE | files | seconds | % of a core | × first count | wake-ups/s "
            "| peak RSS MiB |", "|---|---|---|---|---|---|---|---|---|"]
    first = {}
    for r in results:
        key = (r["shipper"], r["transport"], r.get("mode", "-"))
        base = first.setdefault(key, r["core_percent"])
        ratio = f"{r['core_percent'] / base:.2f}" if base > 0 else "-"
        rows.append(f"| {r['shipper']} | {'yes' if r['transport'] == 'https' else 'no'} | {r.get('mode', '-')} "
                    f"| {r['files']} | {r['seconds']:.0f} | {r['core_percent']:.4f}% | {ratio} "
                    f"| {r['wakeups_per_s']:.1f} | {r['peak_rss_mib']:.1f} |")
    return "\n".join(rows)


def trickle_table(results):
    rows = ["| shipper | TLS | lines (1 per interval) | acknowledged | p50 ms | p90 ms | p99 ms | max ms | requests "
            "| % of a core |", "|---|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        rows.append(f"| {r['shipper']} | {'yes' if r['transport'] == 'https' else 'no'} "
                    f"| {r['lines']} ({r['interval_ms']:.0f} ms) | {r['acknowledged']} | {r['p50_ms']:.0f} "
                    f"| {r['p90_ms']:.0f} | {r['p99_ms']:.0f} | {r['max_ms']:.0f} | {r['requests']} "
                    f"| {r['core_percent']:.2f}% |")
    return "\n".join(rows)


def markdown(header_lines, backlog, idle, trickle, baseline, plot_name):
    parts = ["\n".join(header_lines)]
    if backlog:
        parts.append("Backlog (one file, shipped until every line is acknowledged):\n\n" + backlog_table(backlog, baseline))
    if plot_name:
        parts.append(f"![CPU per line and peak RSS against input size]({plot_name})")
    if idle:
        parts.append("Idle (every file shipped, nothing new):\n\n" + idle_table(idle))
    if trickle:
        parts.append("Trickle (write to acknowledged):\n\n" + trickle_table(trickle))
    return "\n\n".join(parts)


def replace_in_readme(readme, text):
    """Replaces the text between the markers; appends the markers if missing."""
    block = f"{BEGIN}\n{text}\n{END}"
    current = open(readme, encoding="utf-8").read() if os.path.exists(readme) else ""
    if BEGIN in current and END in current:
        start = current.index(BEGIN)
        end = current.index(END) + len(END)
        updated = current[:start] + block + current[end:]
    else:
        updated = current.rstrip("\n") + "\n\n" + block + "\n"
    with open(readme, "w", encoding="utf-8") as f:
        f.write(updated)


def plot(results, png):
    """Two panels against input size (log scale): µs of CPU per line, and peak RSS."""
    series = {}
    for r in results:
        series.setdefault(f"{r['shipper']} ({r['transport']})", []).append(r)
    with tempfile.TemporaryDirectory() as tmp:
        plots_cpu, plots_rss = [], []
        for i, (name, rows) in enumerate(sorted(series.items())):
            data = os.path.join(tmp, f"s{i}.dat")
            with open(data, "w") as f:
                for r in sorted(rows, key=lambda r: r["input_bytes"]):
                    f.write(f"{r['input_bytes'] / 1e6} {r['us_per_line']} {r['peak_rss_mib']}\n")
            plots_cpu.append(f"'{data}' using 1:2 with linespoints lw 2 pt 7 title '{name}'")
            plots_rss.append(f"'{data}' using 1:3 with linespoints lw 2 pt 7 title '{name}'")
        script = f"""
set terminal pngcairo size 960,380 font 'sans,9'
set output '{png}'
set multiplot layout 1,2
set logscale x
set xlabel 'input size (MB)'
set grid
set key top left
set yrange [0:*]
set title 'CPU per line (µs, user+sys)'
plot {', '.join(plots_cpu)}
set title 'peak RSS (MiB)'
plot {', '.join(plots_rss)}
unset multiplot
"""
        subprocess.run(["gnuplot"], input=script, text=True, check=True)
