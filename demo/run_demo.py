"""Demo driver: sample API -> JSON log file -> cw-sidecar --once -> CloudWatch Logs
(a local moto_server that checks SigV4 signatures) -> read back and print.

    python3 demo/run_demo.py [--binary build/release/src/app/cw-sidecar] [--requests 20]

scripts/demo.sh builds the binary first and then runs this.
"""

import argparse
import datetime as dt
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
import moto_fixture as mf  # noqa: E402

GROUP = "demo/api"
PREFIX = "api"


def step(msg):
    print(f"==> {msg}", flush=True)


def send_requests(base, n):
    paths = [("GET", "/"), ("GET", "/users/1"), ("GET", "/users/3"), ("GET", "/users/99"),
             ("POST", "/orders"), ("GET", "/slow"), ("GET", "/error"), ("GET", "/nowhere"),
             ("GET", "/users/2?fields=name"), ("GET", "/")]
    codes = {}
    for i in range(n):
        method, path = paths[i % len(paths)]
        req = urllib.request.Request(base + path, method=method,
                                     data=b"{}" if method == "POST" else None,
                                     headers={"User-Agent": "cw-sidecar-demo/1.0",
                                              "X-Request-Id": f"req-{i:03d}"})
        try:
            with urllib.request.urlopen(req, timeout=5) as resp:
                resp.read()
                status = resp.status
        except urllib.error.HTTPError as e:
            status = e.code
        codes[status] = codes.get(status, 0) + 1
    return codes


def table(events):
    rows = []
    for e in sorted(events, key=lambda e: e["timestamp"]):
        when = dt.datetime.fromtimestamp(e["timestamp"] / 1000).astimezone().strftime("%H:%M:%S.%f")[:-3]
        try:
            m = json.loads(e["message"])
        except ValueError:
            m = None
        if isinstance(m, dict):
            http = m.get("http") if isinstance(m.get("http"), dict) else {}
            rows.append((when, str(m.get("level", "")), str(http.get("method", "")),
                         str(m.get("path", "")), str(m.get("status", "")),
                         str(m.get("duration_ms", "")), str(m.get("message", ""))))
        else:
            rows.append((when, "", "", "", "", "", e["message"]))
    head = ("time", "level", "method", "path", "status", "ms", "message")
    widths = [max(len(r[i]) for r in rows + [head]) for i in range(len(head))]
    widths[-1] = min(widths[-1], 48)
    fmt = "  ".join(f"{{:{w}.{w}}}" for w in widths)
    print(fmt.format(*head))
    print("  ".join("-" * w for w in widths))
    for r in rows:
        print(fmt.format(*r))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--binary", default=os.path.join(ROOT, "build", "release", "src", "app", "cw-sidecar"))
    ap.add_argument("--requests", type=int, default=20)
    ap.add_argument("--out", default=os.path.join(HERE, "out"), help="logs and state (wiped first)")
    args = ap.parse_args()
    binary = os.path.abspath(args.binary)
    if not os.access(binary, os.X_OK):
        print(f"demo: no cw-sidecar binary at {binary}", file=sys.stderr)
        return 1
    os.environ["CW_SIDECAR"] = binary
    # A SIGTERM to the demo still runs the finally block below (stops moto and the API).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    shutil.rmtree(args.out, ignore_errors=True)
    logdir = os.path.join(args.out, "logs")
    os.makedirs(logdir)
    moto = None
    api = None
    try:
        step("starting moto_server (CloudWatch Logs emulator, SigV4 checked) ...")
        moto = mf.MotoServer().start()
        step(f"moto at {moto.endpoint}; IAM user '{mf.IAM_USER}' with key {moto.access_key_id}")

        port = mf.free_port()
        base = f"http://127.0.0.1:{port}"
        step(f"starting the sample API on {base}, logging to {logdir}/api.log ...")
        api = subprocess.Popen([sys.executable, os.path.join(HERE, "app.py"), "--port", str(port),
                                "--log-dir", logdir], stdout=subprocess.DEVNULL,
                               stdin=subprocess.DEVNULL)

        def api_up():
            if api.poll() is not None:
                raise RuntimeError(f"sample API exited with {api.returncode}")
            try:
                with urllib.request.urlopen(base + "/health", timeout=1) as r:
                    return r.status == 200
            except OSError:
                return False
        mf.wait_until(api_up, 15, interval=0.05, what="the sample API")

        step(f"sending {args.requests} requests ...")
        codes = send_requests(base, args.requests)
        step("responses: " + ", ".join(f"{n}x {c}" for c, n in sorted(codes.items())))
        api.terminate()
        api.wait(timeout=10)
        api = None
        with open(os.path.join(logdir, "api.log"), encoding="utf-8") as f:
            lines = [line for line in f.read().splitlines() if line.strip()]
        step(f"api.log has {len(lines)} JSON lines, e.g.:\n    {lines[-1]}")

        step(f"running cw-sidecar --once -> group '{GROUP}' ...")
        t = time.monotonic()
        rc, out, err = mf.run_sidecar(
            ["--once", "--log-path", logdir, "--log-group", GROUP, "--log-stream-prefix", PREFIX],
            env=moto.sidecar_env(), home=args.out, cwd=args.out,
            tz=os.environ.get("TZ", "UTC"), timeout=120)
        for line in err.splitlines():
            print(f"    [cw-sidecar] {line}")
        if rc != 0:
            print(f"demo: cw-sidecar exited with {rc}", file=sys.stderr)
            return 1
        step(f"cw-sidecar finished in {time.monotonic() - t:.2f}s (exit 0)")

        client = moto.logs_client()
        events = mf.read_all_events(client, GROUP)
        streams = sorted({e["stream"] for e in events})
        step(f"read back {len(events)} events from group '{GROUP}', stream(s) {', '.join(streams)}:")
        print()
        table(events)
        print()
        if len(events) != len(lines):
            print(f"demo: MISMATCH: {len(lines)} lines in the file, {len(events)} events stored",
                  file=sys.stderr)
            return 1
        step("a second --once run sends nothing (checkpoints) ...")
        rc, out, err = mf.run_sidecar(
            ["--once", "--log-path", logdir, "--log-group", GROUP, "--log-stream-prefix", PREFIX],
            env=moto.sidecar_env(), home=args.out, cwd=args.out, timeout=120)
        again = len(mf.read_all_events(client, GROUP))
        if rc != 0 or again != len(events):
            print(f"demo: second run rc={rc}, events now {again} (want {len(events)})", file=sys.stderr)
            return 1
        step(f"OK: all {len(lines)} log lines are in CloudWatch Logs (emulated), none twice.")
        return 0
    finally:
        if api is not None and api.poll() is None:
            api.terminate()
            api.wait(timeout=10)
        if moto is not None:
            moto.stop()


if __name__ == "__main__":
    sys.exit(main())
