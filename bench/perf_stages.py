"""Where the CPU of a cw-sidecar run goes, stage by stage: the symbols of a
`perf record` profile grouped by the pipeline stage they belong to.

    perf record -e cpu-clock -F 4000 -o perf.data build/release/src/app/cw-sidecar --once ...
    python3 bench/perf_stages.py perf.data
"""
import collections
import re
import subprocess
import sys

data = sys.argv[1] if len(sys.argv) > 1 else "perf.data"
out = subprocess.run(["perf", "report", "-i", data, "--no-children", "-g", "none", "--sort", "dso,symbol", "--percent-limit", "0"],
                     capture_output=True, text=True).stdout
rules = [
    ("read file + find lines", r"_copy_to_iter|filemap|pread|TailedFile|__memchr|read_round|vfs_read|ksys_pread"),
    ("transform (parse, check, rewrite, timestamp)", r"transform::|simdjson|validate_utf8|json_number_end|escape_length|Iso8601|parse_iso|parse_tail|parse_head|Cursor|rewrite|Scanner|LineTransformer|is_json_number"),
    ("batch + JSON escape", r"Batch::|json_escaped|append_json|ByteBuffer|__memset|__memmove|memcpy@plt"),
    ("SHA-256 + signing", r"libcrypto|sigv4|Sha256|sha256"),
    ("send (curl + kernel TCP)", r"libcurl|tcp_|_copy_from_iter|skb|ip_|__sys_sendto|sock_|loopback|net_rx|__dev_queue|libssl"),
]
tot = collections.Counter(); total = 0.0
for line in out.splitlines():
    m = re.match(r"\s+([\d.]+)%\s+(\S+)\s+\[[.k]\]\s+(.*)", line)
    if not m: continue
    pct = float(m.group(1)); dso = m.group(2); sym = m.group(3).strip()
    total += pct
    key = "other (pipeline, counters, scheduling, page faults, start-up)"
    for name, rx in rules:
        if re.search(rx, dso + " " + sym):
            key = name; break
    tot[key] += pct
for k, v in tot.most_common(): print(f"{v:5.1f}%  {k}")
print(f"{total:5.1f}% total")
