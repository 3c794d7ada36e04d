"""The deployment files, tested without a Docker engine:

* the image's runtime stage is complete: its root file system is rebuilt from
  the Dockerfile's own lines (scripts/runtime-rootfs.sh as the build stage runs
  it, then the runtime stage's COPY lines) and the binary runs chrooted into
  it, as the image's user, on a read-only root with only the log folder
  writable: --help, a real --once run against moto on 127.0.0.1, and the
  HEALTHCHECK command next to a running sidecar;
* deploy/docker-stack.yml and deploy/kubernetes.yaml parse as YAML and set
  only variables the binary accepts (cross-checked against --help), and the
  stack's own environment ships to moto with its secrets as files;
* deploy/iam-policy.json allows only the calls the sidecar makes, on its group;
* the demo API image runs app:app, which writes JSON lines to LOG_PATH.
"""

import io
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import unittest
import urllib.request
import wsgiref.util

import moto_fixture as mf

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DEADLINE = 30.0


def load_yaml_documents(path):
    """PyYAML from this python, else from Debian's /usr/bin/python3 (python3-yaml)."""
    try:
        import yaml
        with open(path) as f:
            return list(yaml.safe_load_all(f))
    except ImportError:
        pass
    code = "import json,sys,yaml; print(json.dumps(list(yaml.safe_load_all(open(sys.argv[1])))))"
    try:
        out = subprocess.run(["/usr/bin/python3", "-c", code, path], capture_output=True, check=True, timeout=60)
    except (OSError, subprocess.CalledProcessError) as e:
        raise unittest.SkipTest(f"no YAML parser (PyYAML) for any python3: {e}")
    return json.loads(out.stdout)


def dockerfile_instructions(path):
    """[(stage index, INSTRUCTION, arguments)] with continuation lines joined."""
    out, stage, pending = [], -1, ""
    with open(path) as f:
        for raw in f:
            line = raw.rstrip("\n")
            if not pending and (not line.strip() or line.lstrip().startswith("#")):
                continue
            if line.endswith("\\"):
                pending += line[:-1] + " "
                continue
            line = (pending + line).strip()
            pending = ""
            word, _, args = line.partition(" ")
            word = word.upper()
            if word == "FROM":
                stage += 1
            out.append((stage, word, args.strip()))
    return out


def help_variables(help_text):
    return set(re.findall(r"\b[A-Z][A-Z0-9_]{2,}\b", help_text))


def accepted(name, help_text, variables):
    """A variable --help names, or a Docker-secret <NAME>_FILE of one."""
    if name in variables:
        return True
    return name.endswith("_FILE") and name[:-5] in variables and "<NAME>_FILE" in help_text


class DeployFilesTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not os.access(mf.sidecar_path(), os.X_OK):
            raise AssertionError(f"cw-sidecar not built: {mf.sidecar_path()}")
        rc, out, err = mf.run_sidecar(["--help"])
        assert rc == 0, err
        cls.help = out
        cls.variables = help_variables(out)
        cls.stack = load_yaml_documents(os.path.join(ROOT, "deploy", "docker-stack.yml"))[0]
        cls.k8s = load_yaml_documents(os.path.join(ROOT, "deploy", "kubernetes.yaml"))

    def sidecar_env_of_stack(self):
        env = {}
        for item in self.stack["services"]["cw-sidecar"]["environment"]:
            k, _, v = item.partition("=")
            env[k] = v
        return env

    def test_stack_sets_only_accepted_settings_and_matches_the_seed(self):
        services = self.stack["services"]
        self.assertEqual(set(services), {"api", "cw-sidecar"})
        env = self.sidecar_env_of_stack()
        for name in env:
            self.assertTrue(accepted(name, self.help, self.variables), f"{name} is not a setting of cw-sidecar")
        sidecar, api = services["cw-sidecar"], services["api"]
        # The seed's API service, unchanged.
        self.assertEqual(api["command"], "gunicorn -w 1 app:app -b 0.0.0.0:5000 --timeout 180")
        self.assertIn("logs_volume:/src/logs", api["volumes"])
        self.assertIn(f"logs_volume:{env['LOG_PATH']}", sidecar["volumes"])
        self.assertIn("logs_volume", self.stack["volumes"])
        # Shutdown: Docker waits longer than the sidecar's grace before SIGKILL.
        self.assertEqual(sidecar["stop_signal"], "SIGTERM")
        grace_ms = int(env.get("SHUTDOWN_GRACE_MS", "5000"))
        m = re.fullmatch(r"(\d+)s", sidecar["stop_grace_period"])
        self.assertTrue(m, sidecar["stop_grace_period"])
        self.assertGreaterEqual(int(m.group(1)) * 1000, grace_ms + 2000)
        self.assertTrue(sidecar["read_only"])
        # Credentials from Docker secrets, as files.
        for var in ("AWS_ACCESS_KEY_ID_FILE", "AWS_SECRET_ACCESS_KEY_FILE"):
            secret = os.path.basename(env[var])
            self.assertEqual(env[var], f"/run/secrets/{secret}")
            self.assertIn(secret, [s["source"] for s in sidecar["secrets"]])
            self.assertTrue(self.stack["secrets"][secret]["external"])
        self.assertNotIn("AWS_ACCESS_KEY_ID", env)
        self.assertNotIn("AWS_SECRET_ACCESS_KEY", env)

    def test_kubernetes_native_sidecar(self):
        deployment = next(d for d in self.k8s if d["kind"] == "Deployment")
        pod = deployment["spec"]["template"]["spec"]
        (sidecar,) = pod["initContainers"]
        self.assertEqual(sidecar["restartPolicy"], "Always")
        env = {e["name"]: e.get("value") for e in sidecar["env"]}
        for name in env:
            self.assertTrue(accepted(name, self.help, self.variables), f"{name} is not a setting of cw-sidecar")
        # The shared emptyDir, mounted where LOG_PATH says.
        volume = next(v for v in pod["volumes"] if "emptyDir" in v)
        for container in [sidecar] + pod["containers"]:
            mounts = {m["name"]: m["mountPath"] for m in container["volumeMounts"]}
            self.assertEqual(mounts.get(volume["name"]), env["LOG_PATH"], container["name"])
        # Probes on /healthz, on the port METRICS_ADDRESS listens on, reachable from the kubelet.
        host, _, port = env["METRICS_ADDRESS"].rpartition(":")
        self.assertNotIn(host, ("127.0.0.1", "localhost", "[::1]"))
        ports = {p["name"]: p["containerPort"] for p in sidecar["ports"]}
        for probe in ("readinessProbe", "livenessProbe"):
            get = sidecar[probe]["httpGet"]
            self.assertEqual(get["path"], "/healthz")
            self.assertEqual(ports[get["port"]], int(port))
        security = sidecar["securityContext"]
        self.assertTrue(security["readOnlyRootFilesystem"])
        self.assertTrue(security["runAsNonRoot"])
        self.assertEqual(security["runAsUser"], 65532)
        grace_ms = int(env.get("SHUTDOWN_GRACE_MS", "5000"))
        self.assertGreater(pod["terminationGracePeriodSeconds"] * 1000, grace_ms)
        (api,) = pod["containers"]
        self.assertEqual(" ".join(api["command"]), self.stack["services"]["api"]["command"])

    def test_readme_lists_every_setting(self):
        with open(os.path.join(ROOT, "README.md")) as f:
            readme = f.read()
        rows = {m.group(1): m.group(0) for m in re.finditer(r"^\| `(--[a-z-]+)` \|.*$", readme, re.M)}
        for flag, variables in re.findall(r"^  (--[a-z-]+)(?: VALUE)?\n      (.+?) \(default:", self.help, re.M):
            self.assertIn(flag, rows, f"README's configuration table lacks {flag}")
            for var in variables.split(", then "):
                if var != "flag only":
                    self.assertIn(f"`{var}`", rows[flag], f"README's row of {flag} lacks {var}")

    def test_iam_policy_is_minimal_and_scoped(self):
        with open(os.path.join(ROOT, "deploy", "iam-policy.json")) as f:
            policy = json.load(f)
        group = self.sidecar_env_of_stack()["LOG_GROUP"]
        actions = set()
        for statement in policy["Statement"]:
            self.assertEqual(statement["Effect"], "Allow")
            acts = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
            actions.update(acts)
            resources = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
            for r in resources:
                self.assertTrue(r.startswith("arn:aws:logs:REGION:ACCOUNT_ID:log-group:" + group), r)
        self.assertEqual(actions, {"logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents",
                                   "logs:PutRetentionPolicy", "logs:TagResource"})

    def test_demo_api_writes_json_lines(self):
        instructions = dockerfile_instructions(os.path.join(ROOT, "demo", "Dockerfile"))
        cmd = json.loads(next(a for _, w, a in instructions if w == "CMD"))
        self.assertEqual(" ".join(cmd), self.stack["services"]["api"]["command"])
        self.assertIn("app:app", cmd)
        tmp = tempfile.mkdtemp(prefix="cw-it-demo-")
        try:
            code = ("import io, json, os, sys, wsgiref.util; sys.path.insert(0, sys.argv[1]); import app; "
                    "env = {}; wsgiref.util.setup_testing_defaults(env); env['PATH_INFO'] = '/users/1'; "
                    "body = b''.join(app.app(env, lambda s, h: None)); print(body.decode())")
            proc = subprocess.run([sys.executable, "-c", code, os.path.join(ROOT, "demo")],
                                  env={"LOG_PATH": tmp, "PATH": os.environ.get("PATH", ""),
                                       "PYTHONDONTWRITEBYTECODE": "1"},
                                  capture_output=True, timeout=60)
            self.assertEqual(proc.returncode, 0, proc.stderr)
            with open(os.path.join(tmp, "api.log")) as f:
                doc = json.loads(f.readline())
            self.assertIn("@timestamp", doc)
            self.assertEqual(doc["path"], "/users/1")
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


class RuntimeImageTest(unittest.TestCase):
    """The runtime stage rebuilt from the Dockerfile and run chrooted."""

    @classmethod
    def setUpClass(cls):
        if os.geteuid() != 0:
            raise unittest.SkipTest("chroot needs root")
        if not os.access(mf.sidecar_path(), os.X_OK):
            raise AssertionError(f"cw-sidecar not built: {mf.sidecar_path()}")
        probe = subprocess.run(["unshare", "-m", "true"], capture_output=True)
        if probe.returncode != 0:
            raise unittest.SkipTest(f"unshare -m is not allowed here: {probe.stderr!r}")
        cls.tmp = tempfile.mkdtemp(prefix="cw-it-image-")
        cls.instructions = dockerfile_instructions(os.path.join(ROOT, "Dockerfile"))
        cls.root = os.path.join(cls.tmp, "root")
        cls.size = cls.build_root()
        cls.moto = mf.MotoServer().start()
        cls.client = cls.moto.logs_client()

    @classmethod
    def tearDownClass(cls):
        cls.moto.stop()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    @classmethod
    def runtime(cls, word):
        last = max(s for s, _, _ in cls.instructions)
        return [a for s, w, a in cls.instructions if s == last and w == word]

    @classmethod
    def build_root(cls):
        """Runs the build stage's runtime-rootfs.sh step on our binary (stripped,
        as the build stage strips it), then the runtime stage's COPY lines."""
        build_stage = [a for s, w, a in cls.instructions if s == 0 and w == "RUN"]
        step = next(a for a in build_stage if "runtime-rootfs.sh" in a)
        script, _binary, builder_dest = shlex.split(step)[:3]
        binary = os.path.join(cls.tmp, "cw-sidecar")
        shutil.copy(mf.sidecar_path(), binary)
        subprocess.run(["strip", binary], check=True)
        builder_root = os.path.join(cls.tmp, "builder" + builder_dest)
        out = subprocess.run([os.path.join(ROOT, "scripts", os.path.basename(script)), binary, builder_root],
                             capture_output=True, text=True, check=True)
        print("\n" + out.stdout.strip() + " (binary stripped: " + str(os.path.getsize(binary)) + " bytes)",
              file=sys.stderr)
        os.mkdir(cls.root)
        for args in cls.runtime("COPY"):
            words = shlex.split(args)
            options = [w for w in words if w.startswith("--")]
            src, dst = [w for w in words if not w.startswith("--")]
            assert "--from=build" in options, args
            assert src.startswith(builder_dest), f"COPY from outside {builder_dest}: {args}"
            source = os.path.join(cls.tmp, "builder" + src)
            target = os.path.join(cls.root, dst.lstrip("/"))
            shutil.copytree(source, target, symlinks=True, dirs_exist_ok=True)
            for o in options:
                if o.startswith("--chown="):
                    uid, gid = (int(x) for x in o.split("=", 1)[1].split(":"))
                    for d, _, files in os.walk(target):
                        os.chown(d, uid, gid)
                        for f in files:
                            os.chown(os.path.join(d, f), uid, gid)
        out = subprocess.run(["du", "-sb", cls.root], capture_output=True, text=True, check=True)
        return int(out.stdout.split()[0])

    def env_of_image(self):
        env = {}
        for args in self.runtime("ENV"):
            for word in shlex.split(args):
                k, _, v = word.partition("=")
                env[k] = v
        return env

    def chroot(self, argv, env, logs):
        """The command line running argv in the image root: own mount namespace,
        root read-only, the log folder bind-mounted writable at LOG_PATH."""
        (user,) = self.runtime("USER")
        inner = os.path.join(self.root, env["LOG_PATH"].lstrip("/"))
        mount, chroot = shutil.which("mount"), shutil.which("chroot")
        script = (f"{mount} --bind {shlex.quote(self.root)} {shlex.quote(self.root)} && "
                  f"{mount} --bind {shlex.quote(logs)} {shlex.quote(inner)} && "
                  f"{mount} -o remount,bind,ro {shlex.quote(self.root)} && "
                  f"exec {chroot} --userspec={user} {shlex.quote(self.root)} "
                  + " ".join(shlex.quote(a) for a in argv))
        # PATH as in the image (none): the binary must need nothing from the host.
        return [shutil.which("unshare"), "-m", "/bin/sh", "-c", script], dict(env, PATH="/nonexistent")

    def logs_dir(self, name):
        path = os.path.join(self.tmp, name)
        os.mkdir(path)
        os.chmod(path, 0o1777)  # as the shared volume: written by the app, state written by the sidecar
        return path

    def test_stage_lines(self):
        self.assertEqual([a for s, w, a in self.instructions if w == "FROM"][0].split()[0], "debian:12")
        self.assertEqual(self.runtime("FROM")[0].split()[0], "scratch")
        build_runs = " ".join(a for s, w, a in self.instructions if s == 0 and w == "RUN")
        self.assertIn("install-deps.sh --build-only", build_runs)  # the same package list as the tests
        (user,) = self.runtime("USER")
        self.assertNotIn(user.split(":")[0], ("0", "root"))
        self.assertEqual(self.runtime("STOPSIGNAL"), ["SIGTERM"])
        (entry,) = self.runtime("ENTRYPOINT")
        (health,) = self.runtime("HEALTHCHECK")
        cmd = json.loads(health[health.index("CMD") + 3:])
        self.assertEqual(cmd, json.loads(entry) + ["--healthcheck"])
        for name in self.env_of_image():
            self.assertIn(name, help_variables(mf.run_sidecar(["--help"])[1]), name)
        # Nothing but the binary's needs: no shell, no curl.
        for tool in ("bin/sh", "usr/bin/curl", "bin/bash"):
            self.assertFalse(os.path.exists(os.path.join(self.root, tool)), tool)
        self.assertLess(self.size, 40 << 20, "the runtime root grew unexpectedly")
        with open(os.path.join(ROOT, ".dockerignore")) as f:
            allowed = {line[1:].strip().rstrip("/") for line in f if line.startswith("!")}
        for s, w, a in self.instructions:
            if w == "COPY" and "--from" not in a:
                self.assertIn(shlex.split(a)[0].rstrip("/"), allowed, a)

    def test_help_and_a_real_run_in_the_image_root(self):
        env = self.env_of_image()
        logs = self.logs_dir("logs-once")
        argv, run_env = self.chroot(json.loads(self.runtime("ENTRYPOINT")[0]) + ["--help"], env, logs)
        proc = subprocess.run(argv, env=run_env, capture_output=True, text=True, timeout=60)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn("METRICS_ADDRESS", proc.stdout)

        with open(os.path.join(logs, "api.log"), "w") as f:
            for n in range(10):
                f.write(json.dumps({"@timestamp": "2026-01-01T00:00:00Z", "n": n}) + "\n")
        group = "it-image-once"
        run_env = self.moto.sidecar_env(**env, LOG_GROUP=group, OUT_OF_WINDOW="restamp")
        argv, run_env = self.chroot(json.loads(self.runtime("ENTRYPOINT")[0]) + ["--once"], run_env, logs)
        proc = subprocess.run(argv, env=run_env, capture_output=True, text=True, timeout=120)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(len(mf.read_all_events(self.client, group)), 10)
        state = os.path.join(logs, ".cw-sidecar")
        self.assertTrue(os.listdir(state), "no checkpoint written")
        self.assertEqual(os.stat(state).st_uid, 65532)

    def test_healthcheck_command_in_the_image_root(self):
        env = dict(self.env_of_image(), METRICS_ADDRESS=f"127.0.0.1:{mf.free_port()}")  # 9880 may be taken here
        logs = self.logs_dir("logs-follow")
        group = "it-image-follow"
        argv, run_env = self.chroot(json.loads(self.runtime("ENTRYPOINT")[0]),
                                    self.moto.sidecar_env(**env, LOG_GROUP=group), logs)
        proc = subprocess.Popen(argv, env=run_env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE)
        try:
            url = "http://" + env["METRICS_ADDRESS"] + "/healthz"

            def up():
                if proc.poll() is not None:
                    self.fail(f"sidecar exited rc={proc.returncode}: {proc.stderr.read().decode()}")
                try:
                    with urllib.request.urlopen(url, timeout=2) as resp:
                        return resp.status == 200
                except OSError:
                    return False
            mf.wait_until(up, DEADLINE, interval=0.1, what="the sidecar's /healthz")
            health = self.runtime("HEALTHCHECK")[0]
            cmd = json.loads(health[health.index("CMD") + 3:])
            argv, hc_env = self.chroot(cmd, env, logs)
            check = subprocess.run(argv, env=hc_env, capture_output=True, text=True, timeout=60)
            self.assertEqual(check.returncode, 0, check.stdout + check.stderr)
            # STOPSIGNAL SIGTERM: a clean stop.
            proc.send_signal(signal.SIGTERM)
            self.assertEqual(proc.wait(timeout=30), 0)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait(timeout=10)
            proc.stderr.close()
        check = subprocess.run(argv, env=hc_env, capture_output=True, text=True, timeout=60)
        self.assertEqual(check.returncode, 1, check.stdout)  # nothing listens any more


class StackEnvironmentTest(unittest.TestCase):
    """The stack's sidecar environment, as written, ships to moto: only the
    region, endpoint and paths are replaced, the secrets become files."""

    def test_stack_environment_ships(self):
        stack = load_yaml_documents(os.path.join(ROOT, "deploy", "docker-stack.yml"))[0]
        env = {}
        for item in stack["services"]["cw-sidecar"]["environment"]:
            k, _, v = item.partition("=")
            env[k] = v
        tmp = tempfile.mkdtemp(prefix="cw-it-stack-")
        try:
            with mf.MotoServer() as moto:
                for var, value in (("AWS_ACCESS_KEY_ID_FILE", moto.access_key_id),
                                   ("AWS_SECRET_ACCESS_KEY_FILE", moto.secret_access_key)):
                    path = os.path.join(tmp, os.path.basename(env[var]))
                    with open(path, "w") as f:
                        f.write(value + "\n")
                    env[var] = path
                logs = os.path.join(tmp, "logs")
                os.mkdir(logs)
                with open(os.path.join(logs, "api.log"), "w") as f:
                    f.write('{"@timestamp":"2026-01-01T00:00:00Z","message":"hello"}\n')
                env.update(LOG_PATH=logs, AWS_REGION=moto.region, AWS_ENDPOINT_URL=moto.endpoint,
                           METRICS_ADDRESS=f"127.0.0.1:{mf.free_port()}")
                rc, _, err = mf.run_sidecar(["--once"], env=env, timeout=120)
                self.assertEqual(rc, 0, err)
                events = mf.read_all_events(moto.logs_client(), env["LOG_GROUP"])
                self.assertEqual(len(events), 1)
                for line in err.splitlines():
                    json.loads(line)  # LOG_FORMAT=json as the stack sets it
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    unittest.main()
