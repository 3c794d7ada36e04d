#!/usr/bin/env python3
"""Deterministic JSON-lines logs in the demo app's shape (demo/app.py), for the benchmark.

    python3 bench/generate.py --lines 1000000 [--seed 1] [--cache-dir /tmp/cw-bench-cache]

prints the path of the file. Files are cached by (lines, seed), so runs reuse them. A line is
about 222 bytes on average (the issue quotes 218-byte lines): "@timestamp" ISO 8601 with an offset, level, logger, message (with
unicode, quotes, backslashes, tabs, newlines and \\u escapes), path, status, duration_ms and a
nested "http" object. Standard library only.
"""

import argparse
import datetime as dt
import os
import random
import sys

MEAN_LINE_BYTES = 222  # measured over 100,000 lines of seed 1; run.py sizes files with it
DEFAULT_CACHE = os.path.join("/tmp", "cw-bench-cache")

# Messages as they appear inside a JSON string (already escaped), so generation
# is string formatting, not json.dumps per line: a 1 GB file takes seconds, not minutes.
# (method, path, status, messages): the demo's routes with what it logs for them.
# Health checks dominate, errors are rare: the weights (below) and the optional
# fields set the mean line length to about 218 bytes.
ROUTES = [
    ("GET", "/health", 200, ["health check"]),
    ("GET", "/", 200, ["greeted the visitor: Hello", "greeted the visitor: ¡Hola!", "greeted the visitor: こんにちは",
                       "greeted the visitor: 👋", "greeted the visitor: Gr\\u00fc\\u00df Gott"]),
    ("GET", "/users/1", 200, ["user Zoë fetched"]),
    ("GET", "/users/2", 200, ["user Håkon fetched"]),
    ("GET", "/users/3", 200, ["user 山田太郎 fetched"]),
    ("GET", "/users/7", 404, ["user '7' not found", "cache miss for key \\\"user:7\\\""]),
    ("POST", "/orders", 201, ["order created", "Zahlung best\\u00e4tigt \\u2713"]),
    ("GET", "/slow", 200, ["slow endpoint answered", "slow query\\ttook long"]),
    ("GET", "/export", 404, ["file C:\\\\data\\\\export.csv not found"]),
    ("GET", "/error", 500, ["division by zero while computing totals\\nTraceback (most recent call last):\\n"
                            "  File \\\"app.py\\\", line 80"]),
]
ROUTE_WEIGHTS = [60, 8, 6, 6, 6, 6, 6, 6, 2, 1]
ROUTE_CUMULATIVE = [sum(ROUTE_WEIGHTS[: i + 1]) for i in range(len(ROUTE_WEIGHTS))]
QUERIES = ["", "", "", "", "", "", "", "", "", "", "", "", "q=caf%C3%A9&page=2", "limit=50", "sort=-created&fields=id,name"]
AGENTS = ["curl/7.88.1", "python-requests/2.28.1", "Mozilla/5.0 (X11; Linux x86_64)", "Go-http-client/1.1"]
LEVELS = {200: "INFO", 201: "INFO", 404: "WARNING", 500: "ERROR"}
BASE = dt.datetime(2026, 11, 26, 10, 0, 0, tzinfo=dt.timezone(dt.timedelta(hours=1)))


def timestamp(ms_since_base):
    """ISO 8601 with milliseconds and offset, like the demo's isoformat(timespec='milliseconds')."""
    t = BASE + dt.timedelta(milliseconds=ms_since_base)
    return t.isoformat(timespec="milliseconds")


def make_line(rng, ms_since_base, stamp=None, extra=""):
    """One log line (with newline). `stamp` overrides the time text; `extra` is inserted
    verbatim as further top-level fields (the trickle mode's sequence and write time)."""
    method, path, status, messages = rng.choices(ROUTES, cum_weights=ROUTE_CUMULATIVE)[0]
    message = rng.choice(messages)
    # Optional fields come and go, as in real access logs; the mix sets the mean line length.
    query = rng.choice(QUERIES)
    query = f',"query":"{query}"' if query else ""
    agent = f',"user_agent":"{rng.choice(AGENTS)}"' if rng.random() < 0.05 else ""
    request_id = f',"request_id":"{rng.getrandbits(64):016x}"' if rng.random() < 0.1 else ""
    ip = f"10.0.{rng.randrange(256)}.{rng.randrange(1, 255)}"
    return (
        f'{{"@timestamp":"{stamp or timestamp(ms_since_base)}","level":"{LEVELS[status]}","logger":"api",'
        f'"message":"{message}","path":"{path}","status":{status},"duration_ms":{rng.randrange(5, 9000) / 1000},'
        f'{extra}"http":{{"method":"{method}"{query}{agent},"client":{{"ip":"{ip}"{request_id}}}}}}}\n'
    )


def write_lines(path, lines, seed, destinations=0):
    """`destinations`: each line gets a "dest" field, one of that many values at random (the
    --destinations runs route on it), so every destination is busy at once."""
    rng = random.Random(seed)
    tmp = f"{path}.tmp{os.getpid()}"
    ms = 0
    with open(tmp, "w", encoding="utf-8", newline="\n") as out:
        chunk = []
        for i in range(lines):
            ms += rng.randrange(0, 3)  # non-decreasing, about 1 ms apart: 1M lines span ~17 minutes
            extra = f'"dest":"d{rng.randrange(destinations):02d}",' if destinations else ""
            chunk.append(make_line(rng, ms, extra=extra))
            if len(chunk) == 10000:
                out.write("".join(chunk))
                chunk.clear()
        out.write("".join(chunk))
    os.replace(tmp, path)  # a crashed run never leaves a half file under the cached name


def cached_file(lines, seed=1, cache_dir=DEFAULT_CACHE, destinations=0):
    """Path of the file of `lines` lines for `seed`, generated on first use."""
    os.makedirs(cache_dir, exist_ok=True)
    suffix = f"-dest-{destinations}" if destinations else ""
    path = os.path.join(cache_dir, f"lines-{lines}-seed-{seed}{suffix}.log")
    if not os.path.exists(path):
        write_lines(path, lines, seed, destinations)
    return path


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--lines", type=int, required=True)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--cache-dir", default=DEFAULT_CACHE)
    args = p.parse_args(argv)
    print(cached_file(args.lines, args.seed, args.cache_dir))
    return 0


if __name__ == "__main__":
    sys.exit(main())
