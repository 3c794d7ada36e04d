"""Several rounds of the same backlog runs, folded into one row each. This VM's speed drifts by
10-40% over minutes, so one pair of runs cannot tell a 5% change: each round runs every shipper
once (interleaved), and a row keeps the run with the median CPU, the range of µs/line over the
rounds, and the median of the per-round CPU ratios against the baseline (paired within a round,
so a slow minute slows both sides of a ratio)."""

import statistics


def fold(runs, baseline):
    """`runs`: backlog results, each with a "round"; returns one result per shipper, transport
    and input, in first-seen order."""
    groups = {}
    for r in runs:
        groups.setdefault((r["shipper"], r["transport"], r["input_bytes"]), []).append(r)
    base_by_round = {(r["transport"], r["input_bytes"], r["round"]): r for r in runs if r["shipper"] == baseline}
    folded = []
    for (_name, transport, size), rows in groups.items():
        rows = sorted(rows, key=lambda r: r["cpu_s"])
        chosen = dict(rows[(len(rows) - 1) // 2])
        chosen["rounds"] = len(rows)
        chosen["us_per_line_range"] = (rows[0]["us_per_line"], rows[-1]["us_per_line"])
        ratios = [r["cpu_s"] / base_by_round[(transport, size, r["round"])]["cpu_s"]
                  for r in rows if (transport, size, r["round"]) in base_by_round]
        if ratios:
            chosen["cpu_ratio_paired"] = statistics.median(ratios)
        if any(r["outcome"] != "ok" for r in rows):
            chosen["outcome"] = ", ".join(sorted({r["outcome"] for r in rows}))
        folded.append(chosen)
    return folded
