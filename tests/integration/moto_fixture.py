"""Shared fixture for the cw-sidecar integration tests and the demo.

* MotoServer: a real `moto_server` process on a free 127.0.0.1 port with SigV4
  verification switched on after the IAM set-up calls (INITIAL_NO_AUTH_ACTION_COUNT),
  plus an IAM user whose inline policy allows logs:* and its access key pair.
* run_sidecar(): run the binary (path from $CW_SIDECAR) with a clean environment.
* read_all_events(): every event of a log group, over all its streams, all pages.
* free_port(): a TCP port that is free right now on 127.0.0.1.

Only the standard library plus boto3/botocore (installed with moto).
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.request

import boto3
import botocore.config
import botocore.exceptions

REGION = "us-east-1"
IAM_USER = "cw-sidecar-it"
# The IAM set-up below makes exactly this many calls without authentication;
# every later request (the sidecar's and the tests') must be correctly signed.
SETUP_ACTIONS = 3

_BOTO_CONFIG = botocore.config.Config(retries={"max_attempts": 2, "mode": "standard"},
                                      connect_timeout=5, read_timeout=30)


def free_port():
    """A port that was free on 127.0.0.1 when asked (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def closed_port_url():
    """An http URL on 127.0.0.1 where nothing listens (connecting is refused)."""
    return f"http://127.0.0.1:{free_port()}"


def sidecar_path():
    path = os.environ.get("CW_SIDECAR")
    if not path:
        here = os.path.dirname(os.path.abspath(__file__))
        path = os.path.join(here, "..", "..", "build", "release", "src", "app", "cw-sidecar")
    return os.path.abspath(path)


def wait_until(predicate, timeout, interval=0.05, what="condition"):
    """Poll predicate() until it returns a truthy value or the deadline passes."""
    deadline = time.monotonic() + timeout
    last = None
    while True:
        last = predicate()
        if last:
            return last
        if time.monotonic() >= deadline:
            raise TimeoutError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


class MotoServer:
    """A moto_server subprocess with IAM authentication enabled after set-up."""

    def __init__(self, region=REGION):
        self.region = region
        self.port = None
        self.endpoint = None
        self.access_key_id = None
        self.secret_access_key = None
        self.proc = None
        self._logdir = None
        self._logfile = None

    # -- life cycle -------------------------------------------------------
    def start(self, timeout=30.0):
        exe = shutil.which("moto_server")
        cmd = [exe] if exe else [sys.executable, "-m", "moto.server"]
        self._logdir = tempfile.mkdtemp(prefix="cw-moto-")
        self._logfile = open(os.path.join(self._logdir, "moto.log"), "wb")
        env = dict(os.environ)
        env["INITIAL_NO_AUTH_ACTION_COUNT"] = str(SETUP_ACTIONS)
        # Never let moto or boto pick up the developer's AWS settings.
        for k in list(env):
            if k.startswith("AWS_"):
                del env[k]
        # Retry a few times in case the port gets taken between free_port() and bind.
        for _attempt in range(3):
            self.port = free_port()
            self.endpoint = f"http://127.0.0.1:{self.port}"
            self.proc = subprocess.Popen(cmd + ["-H", "127.0.0.1", "-p", str(self.port)],
                                         stdout=self._logfile, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL, env=env,
                                         start_new_session=True)
            if self._wait_ready(timeout):
                break
            self._kill()
        else:
            raise RuntimeError("moto_server did not start; log:\n" + self.log())
        try:
            self._create_iam_user()
        except Exception:
            self.stop()
            raise
        return self

    def _wait_ready(self, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return False
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    pass
                # A TCP accept alone could be the socket before the app is ready:
                # also ask moto's own API, which does not count as an action.
                with urllib.request.urlopen(f"{self.endpoint}/moto-api/data.json",
                                            timeout=2) as resp:
                    if resp.status == 200:
                        return True
            except (OSError, urllib.error.URLError):
                time.sleep(0.05)
        return False

    def _create_iam_user(self):
        iam = boto3.client("iam", region_name=self.region, endpoint_url=self.endpoint,
                           aws_access_key_id="setup", aws_secret_access_key="setup",
                           config=_BOTO_CONFIG)
        # These SETUP_ACTIONS calls use the no-auth allowance.
        iam.create_user(UserName=IAM_USER)
        iam.put_user_policy(UserName=IAM_USER, PolicyName="logs-all", PolicyDocument=json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "logs:*", "Resource": "*"}],
        }))
        key = iam.create_access_key(UserName=IAM_USER)["AccessKey"]
        self.access_key_id = key["AccessKeyId"]
        self.secret_access_key = key["SecretAccessKey"]

    def _kill(self):
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self.proc = None

    def stop(self):
        self._kill()
        if self._logfile:
            self._logfile.close()
            self._logfile = None
        if self._logdir:
            shutil.rmtree(self._logdir, ignore_errors=True)
            self._logdir = None

    def log(self):
        try:
            with open(os.path.join(self._logdir, "moto.log"), "rb") as f:
                return f.read().decode("utf-8", "replace")[-4000:]
        except (OSError, TypeError):
            return ""

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # -- clients & environment ---------------------------------------------
    def logs_client(self, secret=None):
        return boto3.client("logs", region_name=self.region, endpoint_url=self.endpoint,
                            aws_access_key_id=self.access_key_id,
                            aws_secret_access_key=secret or self.secret_access_key,
                            config=_BOTO_CONFIG)

    def sidecar_env(self, **extra):
        """Environment variables that point cw-sidecar at this server."""
        env = {
            "AWS_REGION": self.region,
            "AWS_ENDPOINT_URL": self.endpoint,
            "AWS_ACCESS_KEY_ID": self.access_key_id,
            "AWS_SECRET_ACCESS_KEY": self.secret_access_key,
        }
        env.update({k: v for k, v in extra.items() if v is not None})
        return env


class MotoTestCase(unittest.TestCase):
    """A test case class with one moto_server (signatures checked) for all its tests:
    cls.moto, and cls.client (boto3 logs client with the IAM user's key)."""

    @classmethod
    def setUpClass(cls):
        if not os.access(sidecar_path(), os.X_OK):
            raise AssertionError(f"cw-sidecar not built: {sidecar_path()}")
        cls.moto = MotoServer().start()
        cls.client = cls.moto.logs_client()

    @classmethod
    def tearDownClass(cls):
        cls.moto.stop()

    def make_temp_dirs(self, prefix):
        """self.tmp with self.logdir (created) and self.state (not yet) in it,
        removed after the test."""
        self.tmp = tempfile.mkdtemp(prefix=prefix)
        self.addCleanup(shutil.rmtree, self.tmp, ignore_errors=True)
        self.logdir = os.path.join(self.tmp, "logs")
        self.state = os.path.join(self.tmp, "state")
        os.mkdir(self.logdir)

    def kill_at_cleanup(self, proc):
        """`proc`, killed after the test if it is still running (an assertion failed)."""
        self.addCleanup(kill_if_running, proc)
        return proc


def kill_if_running(proc):
    if proc.poll() is None:
        proc.kill()
        proc.wait(timeout=10)


def clean_env(home, env=None, tz="UTC"):
    """PATH, HOME, TZ and the given variables: nothing of the caller's AWS set-up."""
    out = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": home, "TZ": tz}
    if env:
        out.update(env)
    return out


def run_sidecar(args, env=None, cwd=None, timeout=60, home=None, tz="UTC"):
    """Run cw-sidecar to completion; returns (rc, stdout, stderr) as text."""
    own_home = None
    if home is None:
        own_home = tempfile.mkdtemp(prefix="cw-home-")
        home = own_home
    try:
        proc = subprocess.run([sidecar_path()] + list(args), env=clean_env(home, env, tz),
                              cwd=cwd or home, stdin=subprocess.DEVNULL,
                              capture_output=True, timeout=timeout)
        return (proc.returncode, proc.stdout.decode("utf-8", "replace"),
                proc.stderr.decode("utf-8", "replace"))
    finally:
        if own_home:
            shutil.rmtree(own_home, ignore_errors=True)


def start_sidecar(args, env=None, cwd=None, home=None, tz="UTC", stderr_path=None, preexec_fn=None):
    """Start cw-sidecar in the background (follow mode). Caller stops it.
    `preexec_fn` runs in the child before the exec (e.g. to set its limits)."""
    home = home or cwd
    err = open(stderr_path, "wb") if stderr_path else subprocess.DEVNULL
    try:
        return subprocess.Popen([sidecar_path()] + list(args), env=clean_env(home, env, tz),
                                cwd=cwd, stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=err, preexec_fn=preexec_fn)
    finally:
        if stderr_path:
            err.close()


def stop_process(proc, sig=signal.SIGTERM, timeout=10):
    """Send sig and wait; returns the exit code (kills it if it does not stop)."""
    if proc.poll() is None:
        proc.send_signal(sig)
        try:
            return proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
            raise
    return proc.returncode


def list_streams(client, group):
    names = []
    kwargs = {"logGroupName": group}
    while True:
        resp = client.describe_log_streams(**kwargs)
        names.extend(s["logStreamName"] for s in resp.get("logStreams", []))
        tok = resp.get("nextToken")
        if not tok:
            return names
        kwargs["nextToken"] = tok


def group_exists(client, group):
    resp = client.describe_log_groups(logGroupNamePrefix=group)
    return any(g["logGroupName"] == group for g in resp.get("logGroups", []))


def read_stream_events(client, group, stream):
    events = []
    kwargs = {"logGroupName": group, "logStreamName": stream, "startFromHead": True}
    prev = None
    while True:
        resp = client.get_log_events(**kwargs)
        events.extend(resp.get("events", []))
        tok = resp.get("nextForwardToken")
        if not tok or tok == prev:
            return events
        prev = tok
        kwargs["nextToken"] = tok


def read_all_events(client, group):
    """Every event of the group: a list of dicts with stream, timestamp, message.

    Returns [] when the group does not exist. Sorted by (stream, timestamp, order
    of arrival within the stream is kept by the stable sort)."""
    try:
        streams = list_streams(client, group)
    except botocore.exceptions.ClientError as e:
        if e.response.get("Error", {}).get("Code") == "ResourceNotFoundException":
            return []
        raise
    out = []
    for s in streams:
        for ev in read_stream_events(client, group, s):
            out.append({"stream": s, "timestamp": ev["timestamp"], "message": ev["message"]})
    return out


if __name__ == "__main__":
    # Self-check: wrong-secret calls are refused; right ones work.
    with MotoServer() as m:
        print("endpoint", m.endpoint, "key", m.access_key_id)
        good = m.logs_client()
        good.create_log_group(logGroupName="selfcheck")
        print("good call ok; groups:", [g["logGroupName"] for g in good.describe_log_groups()["logGroups"]])
        bad = m.logs_client(secret="wrong" + m.secret_access_key[5:])
        try:
            bad.describe_log_groups()
            print("UNEXPECTED: wrong secret accepted")
            sys.exit(1)
        except botocore.exceptions.ClientError as e:
            print("wrong secret refused:", e.response["ResponseMetadata"]["HTTPStatusCode"],
                  e.response["Error"].get("Code"))
