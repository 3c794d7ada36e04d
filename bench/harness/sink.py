"""Starts cw-bench-sink and talks to it (GET /stats, GET /arrivals, POST /reset)."""

import http.client
import json
import ssl
import subprocess

from . import procfs


class Sink:
    def __init__(self, binary, tls=None, trace=False):
        """tls: (cert, key) for HTTPS; trace: record arrival times of events with "bench_seq"."""
        args = [binary]
        if tls:
            args += ["--tls", *tls]
        if trace:
            args.append("--trace")
        self.scheme = "https" if tls else "http"
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, text=True)
        first = self.proc.stdout.readline().split()
        if len(first) != 2 or first[0] != "PORT":
            self.proc.kill()
            raise RuntimeError(f"cw-bench-sink did not start: {first}")
        self.port = int(first[1])
        self.endpoint = f"{self.scheme}://127.0.0.1:{self.port}"
        # One port, one scheme: in HTTPS mode the driver's own calls use TLS too,
        # without verification (it is the driver's own throw-away certificate).
        self._tls = bool(tls)

    def _connection(self):
        if self._tls:
            return http.client.HTTPSConnection("127.0.0.1", self.port, timeout=10,
                                               context=ssl._create_unverified_context())
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)

    def _call(self, method, path):
        conn = self._connection()
        try:
            conn.request(method, path)
            response = conn.getresponse()
            return json.loads(response.read())
        finally:
            conn.close()

    def stats(self):
        return self._call("GET", "/stats")

    def arrivals(self):
        """{bench_seq: arrival unix ns} of the traced events."""
        return {seq: at for seq, at in self._call("GET", "/arrivals")}

    def reset(self):
        self._call("POST", "/reset")

    def cpu_seconds(self):
        return procfs.cpu_seconds(self.proc.pid)

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
