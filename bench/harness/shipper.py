"""Runs one shipper (cw-sidecar or any other command) against the sink and measures it.

CPU comes from the OS when the child is reaped (os.wait4: ru_utime + ru_stime), so it includes
start-up, shutdown and every thread; nothing is sampled. Peak RSS is the process's VmHWM,
read until it exits (see procfs.peak_rss_kib for why not ru_maxrss).
"""

import os
import signal
import subprocess
import time

from . import procfs

DUMMY_ENV = {
    "AWS_ACCESS_KEY_ID": "AKIDBENCHMARK000000",
    "AWS_SECRET_ACCESS_KEY": "benchmark/secret/not/checked/by/the/sink",
    "AWS_REGION": "us-east-1",
}


class Shipper:
    """`template` is None for cw-sidecar (configured by environment), or a shell command with
    placeholders {log_dir} {endpoint} {port} {scheme} {state_dir} {log_group} {log_stream} {ca_file}."""

    def __init__(self, name, binary=None, template=None):
        self.name = name
        self.binary = binary
        self.template = template

    def start(self, ctx, log_path):
        env = dict(os.environ, **DUMMY_ENV)
        env.update({
            "LOG_PATH": ctx["log_dir"], "STATE_DIR": ctx["state_dir"], "LOG_GROUP": ctx["log_group"],
            "LOG_STREAM_PREFIX": ctx["log_stream"], "AWS_ENDPOINT_URL_CLOUDWATCH_LOGS": ctx["endpoint"],
        })
        if ctx.get("ca_file"):
            env["AWS_CA_BUNDLE"] = ctx["ca_file"]
        env.update(ctx.get("env", {}))
        if self.template is None:
            argv = [self.binary]
        else:
            # exec: the measured and signalled process is the shipper itself, not a shell.
            argv = ["/bin/sh", "-c", "exec " + self.template.format(**ctx)]
        out = open(log_path, "wb")
        try:
            return subprocess.Popen(argv, env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        finally:
            out.close()


def reap_if_exited(proc):
    """(exit code, rusage) if the child has ended, else None. Never proc.poll(): that
    would reap the child and lose its rusage."""
    pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
    if not pid:
        return None
    proc.returncode = os.waitstatus_to_exitcode(status)  # so Popen does not try to reap it again
    return proc.returncode, usage


def stop_and_reap(proc, grace_s=10, peak_kib=0):
    """SIGTERM, then SIGKILL after `grace_s`; returns (exit code, rusage from wait4, peak RSS
    KiB: the larger of `peak_kib` and the VmHWM seen while it stopped)."""
    peak_kib = max(peak_kib, procfs.peak_rss_kib(proc.pid))
    proc.send_signal(signal.SIGTERM)  # a zombie takes signals too, so this is safe after an exit
    deadline = time.monotonic() + grace_s
    while True:
        peak_kib = max(peak_kib, procfs.peak_rss_kib(proc.pid))
        done = reap_if_exited(proc)
        if done:
            return done[0], done[1], peak_kib
        if time.monotonic() > deadline:
            proc.send_signal(signal.SIGKILL)
        time.sleep(0.01)
