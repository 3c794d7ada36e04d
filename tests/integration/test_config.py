"""Configuration: bad settings exit 2 with one line before any network call;
precedence flag > environment > dotenv > default; --help and --version."""

import datetime as dt
import os
import shutil
import socket
import tempfile
import time
import unittest

import moto_fixture as mf

PREFIX = "cw-sidecar: config error: "
ALL_VARIABLES = [
    "LOG_PATH", "LOG_EXTENSION", "LOG_GROUP", "LOG_STREAM_PREFIX", "AWS_REGION",
    "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL_CLOUDWATCH_LOGS", "AWS_ENDPOINT_URL",
    "AWS_PROFILE_NAME", "AWS_PROFILE", "STATE_DIR", "EXCLUDE_FIELDS", "TIMESTAMP_FIELD",
    "ENVIRONMENT", "ENV_FILE", "ONCE", "POLL_INTERVAL_MS", "LOG_LEVEL",
]
ALL_FLAGS = [
    "--log-path", "--log-extension", "--log-group", "--log-stream-prefix", "--region",
    "--endpoint-url", "--profile", "--state-dir", "--exclude-fields", "--timestamp-field",
    "--environment", "--env-file", "--once", "--poll-interval-ms", "--log-level",
    "--help", "--version",
]


class Recorder:
    """A listening TCP socket that never answers: after a run, tells whether anything
    tried to connect (a config error must be found before any network call)."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.setblocking(False)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"

    def connections(self):
        n = 0
        while True:
            try:
                conn, _ = self.sock.accept()
                conn.close()
                n += 1
            except BlockingIOError:
                return n

    def close(self):
        self.sock.close()


class ConfigErrorTest(unittest.TestCase):
    """No emulator needed: everything here must fail before the network."""

    @classmethod
    def setUpClass(cls):
        if not os.access(mf.sidecar_path(), os.X_OK):
            raise AssertionError(f"cw-sidecar not built: {mf.sidecar_path()}")

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="cw-it-config-")
        self.logdir = os.path.join(self.tmp, "logs")
        os.mkdir(self.logdir)
        with open(os.path.join(self.logdir, "app.log"), "w") as f:
            f.write('{"@timestamp": "2030-01-01T00:00:00Z", "message": "never sent"}\n')
        self.rec = Recorder()

    def tearDown(self):
        self.rec.close()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def base_env(self, **over):
        env = {"AWS_REGION": "us-east-1", "AWS_ENDPOINT_URL": self.rec.url,
               "AWS_ACCESS_KEY_ID": "AKIACONFIGTEST000000",
               "AWS_SECRET_ACCESS_KEY": "config-test-secret-value-0123456789abcd",
               "AWS_EC2_METADATA_SERVICE_ENDPOINT": self.rec.url,
               "LOG_PATH": self.logdir}
        for k, v in over.items():
            if v is None:
                env.pop(k, None)
            else:
                env[k] = v
        return env

    def assert_config_error(self, args, env, what):
        t = time.monotonic()
        rc, out, err = mf.run_sidecar(["--once", *args], env=env, home=self.tmp, cwd=self.tmp,
                                      timeout=20)
        elapsed = time.monotonic() - t
        self.assertEqual(rc, 2, f"{what}: want exit 2, got {rc}\nstderr:\n{err}")
        lines = err.splitlines()
        self.assertEqual(len(lines), 1, f"{what}: want exactly one stderr line, got:\n{err}")
        self.assertTrue(lines[0].startswith(PREFIX), f"{what}: line should start with {PREFIX!r}: {lines[0]!r}")
        self.assertGreater(len(lines[0]), len(PREFIX) + 5, f"{what}: the line should say what is wrong")
        self.assertEqual(self.rec.connections(), 0, f"{what}: a network connection was attempted")
        self.assertLess(elapsed, 5, f"{what}: took {elapsed:.1f}s; should fail at once")
        self.assertNotIn("config-test-secret-value", out + err)
        return lines[0]

    def test_no_region(self):
        # Off EC2 (IMDS disabled) nothing can give a region: a config error
        # before any network call. (With IMDS on, the region is asked there.)
        self.assert_config_error([], self.base_env(AWS_REGION=None, AWS_EC2_METADATA_DISABLED="true"), "no region")

    def test_invalid_group_names(self):
        for name in ["bad group", "bad!group", "aws/reserved", "x" * 513, "日本"]:
            with self.subTest(name=name[:20]):
                self.assert_config_error(["--log-group", name], self.base_env(), f"group {name[:20]!r}")
        with self.subTest(name="via LOG_GROUP"):
            self.assert_config_error([], self.base_env(LOG_GROUP="no spaces allowed"), "LOG_GROUP")

    def test_invalid_stream_prefix(self):
        for p in ["a:b", "a*b"]:
            with self.subTest(prefix=p):
                self.assert_config_error(["--log-stream-prefix", p], self.base_env(), f"prefix {p!r}")
        with self.subTest(prefix="env"):
            self.assert_config_error([], self.base_env(LOG_STREAM_PREFIX="x:y"), "LOG_STREAM_PREFIX")

    def test_log_path_is_a_file(self):
        f = os.path.join(self.logdir, "app.log")
        self.assert_config_error(["--log-path", f], self.base_env(), "LOG_PATH is a file")
        self.assert_config_error([], self.base_env(LOG_PATH=f), "LOG_PATH env is a file")

    def test_named_env_file_missing(self):
        missing = os.path.join(self.tmp, "nope", ".env")
        self.assert_config_error(["--env-file", missing], self.base_env(), "--env-file missing")
        self.assert_config_error([], self.base_env(ENV_FILE=missing), "ENV_FILE missing")

    def test_unknown_flag(self):
        self.assert_config_error(["--no-such-flag"], self.base_env(), "unknown flag")

    def test_bad_number(self):
        self.assert_config_error(["--poll-interval-ms", "abc"], self.base_env(), "bad number flag")
        self.assert_config_error([], self.base_env(POLL_INTERVAL_MS="12x"), "bad number env")

    def test_help_and_version(self):
        rc, out, err = mf.run_sidecar(["--help"], env={}, home=self.tmp, cwd=self.tmp, timeout=10)
        self.assertEqual(rc, 0, err)
        text = out + err
        missing = [v for v in ALL_VARIABLES if v not in text]
        self.assertEqual(missing, [], f"--help does not mention {missing}\n{text}")
        missing = [f for f in ALL_FLAGS if f not in text]
        self.assertEqual(missing, [], f"--help does not mention {missing}\n{text}")
        rc, out, err = mf.run_sidecar(["--version"], env={}, home=self.tmp, cwd=self.tmp, timeout=10)
        self.assertEqual(rc, 0, err)
        self.assertRegex(out + err, r"\d+\.\d+")
        self.assertEqual(self.rec.connections(), 0)


class PrecedenceTest(mf.MotoTestCase):
    """flag > environment > dotenv file > default, against the emulator."""


    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="cw-it-prec-")
        self.cwd = os.path.join(self.tmp, "work")
        os.makedirs(os.path.join(self.cwd, "env", "staging"))
        with open(os.path.join(self.cwd, "env", "staging", ".env"), "w") as f:
            f.write("# staging settings\n"
                    "LOG_GROUP=dotenv-group\n"
                    'LOG_STREAM_PREFIX="dotenv-pfx"\n'
                    "\n")
        self.n = 0

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def fresh_logdir(self, message):
        """Each run gets its own files (a shared one would be checkpointed)."""
        self.n += 1
        d = os.path.join(self.tmp, f"logs{self.n}")
        os.mkdir(d)
        ts = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 60))
        with open(os.path.join(d, "app.log"), "w") as f:
            f.write(f'{{"@timestamp": "{ts}", "message": "{message}"}}\n')
        return d

    def run_ok(self, args, env):
        rc, out, err = mf.run_sidecar(["--once", *args], env=env, home=self.tmp, cwd=self.cwd)
        self.assertEqual(rc, 0, f"rc={rc}\nstderr:\n{err}")

    def where(self, message):
        """{(group, stream-prefix)} of every event with this message, over the groups used."""
        found = set()
        for g in ["dotenv-group", "env-group", "flag-group", "python_logs_example"]:
            for e in mf.read_all_events(self.client, g):
                if e["message"] == f'{{"message":"{message}"}}':
                    found.add((g, e["stream"].rsplit("_", 1)[0]))
        return found

    def test_dotenv_selected_by_environment(self):
        d = self.fresh_logdir("from dotenv")
        self.run_ok([], self.moto.sidecar_env(ENVIRONMENT="staging", LOG_PATH=d))
        self.assertEqual(self.where("from dotenv"), {("dotenv-group", "dotenv-pfx")})
        # The stream is PREFIX_YYYYMMDD (local date, TZ=UTC here).
        streams = mf.list_streams(self.client, "dotenv-group")
        today = {dt.datetime.now(dt.timezone.utc).strftime("%Y%m%d"),
                 (dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=1)).strftime("%Y%m%d")}
        self.assertTrue(set(streams) <= {f"dotenv-pfx_{d}" for d in today}, streams)

    def test_environment_flag_selects_dotenv(self):
        d = self.fresh_logdir("from dotenv via flag")
        self.run_ok(["--environment", "staging"], self.moto.sidecar_env(LOG_PATH=d))
        self.assertEqual(self.where("from dotenv via flag"), {("dotenv-group", "dotenv-pfx")})

    def test_env_overrides_dotenv(self):
        d = self.fresh_logdir("env wins")
        self.run_ok([], self.moto.sidecar_env(ENVIRONMENT="staging", LOG_PATH=d, LOG_GROUP="env-group"))
        self.assertEqual(self.where("env wins"), {("env-group", "dotenv-pfx")})

    def test_flag_overrides_env_and_dotenv(self):
        d = self.fresh_logdir("flag wins")
        self.run_ok(["--log-group", "flag-group"],
                    self.moto.sidecar_env(ENVIRONMENT="staging", LOG_PATH=d, LOG_GROUP="env-group"))
        self.assertEqual(self.where("flag wins"), {("flag-group", "dotenv-pfx")})

    def test_named_env_file(self):
        other = os.path.join(self.tmp, "other.env")
        with open(other, "w") as f:
            f.write("LOG_GROUP=env-group\nLOG_STREAM_PREFIX=named\n")
        d = self.fresh_logdir("named file")
        self.run_ok(["--env-file", other], self.moto.sidecar_env(ENVIRONMENT="staging", LOG_PATH=d))
        self.assertEqual(self.where("named file"), {("env-group", "named")})

    def test_defaults_without_dotenv(self):
        # ENVIRONMENT=local (default): env/local/.env does not exist, which is fine.
        d = self.fresh_logdir("defaults")
        self.run_ok([], self.moto.sidecar_env(LOG_PATH=d))
        self.assertEqual(self.where("defaults"), {("python_logs_example", "default")})

    def test_default_log_path_is_cwd(self):
        d = self.fresh_logdir("cwd default")
        rc, out, err = mf.run_sidecar(["--once", "--log-group", "flag-group"],
                                      env=self.moto.sidecar_env(), home=self.tmp, cwd=d)
        self.assertEqual(rc, 0, err)
        self.assertEqual(self.where("cwd default"), {("flag-group", "default")})
        self.assertTrue(os.path.isdir(os.path.join(d, ".cw-sidecar")),
                        "default STATE_DIR is LOG_PATH/.cw-sidecar")

    def test_state_dir_setting(self):
        d = self.fresh_logdir("state dir")
        state = os.path.join(self.tmp, "state-elsewhere")
        self.run_ok(["--state-dir", state, "--log-group", "flag-group"], self.moto.sidecar_env(LOG_PATH=d))
        self.assertTrue(os.path.isdir(state) and os.listdir(state), "checkpoints go to --state-dir")
        self.assertFalse(os.path.exists(os.path.join(d, ".cw-sidecar")))
        # Same files, same state dir: nothing is sent twice.
        self.run_ok(["--state-dir", state, "--log-group", "flag-group"], self.moto.sidecar_env(LOG_PATH=d))
        self.assertEqual(len([e for e in mf.read_all_events(self.client, "flag-group")
                              if e["message"] == '{"message":"state dir"}']), 1)

    def test_endpoint_and_region_variables(self):
        rec = Recorder()
        try:
            d = self.fresh_logdir("specific endpoint")
            env = self.moto.sidecar_env(LOG_PATH=d, AWS_REGION=None,
                                        AWS_DEFAULT_REGION=self.moto.region,
                                        AWS_ENDPOINT_URL=rec.url,
                                        AWS_ENDPOINT_URL_CLOUDWATCH_LOGS=self.moto.endpoint)
            self.run_ok(["--log-group", "flag-group"], env)
            self.assertEqual(self.where("specific endpoint"), {("flag-group", "default")})
            d = self.fresh_logdir("endpoint flag")
            env = self.moto.sidecar_env(LOG_PATH=d, AWS_ENDPOINT_URL=rec.url,
                                        AWS_ENDPOINT_URL_CLOUDWATCH_LOGS=rec.url)
            self.run_ok(["--log-group", "flag-group", "--endpoint-url", self.moto.endpoint,
                         "--region", self.moto.region], env)
            self.assertEqual(self.where("endpoint flag"), {("flag-group", "default")})
            self.assertEqual(rec.connections(), 0, "the overridden endpoint was contacted")
        finally:
            rec.close()


if __name__ == "__main__":
    unittest.main()
