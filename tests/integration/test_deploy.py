"""The deployment files, tested without a Docker engine (the image itself:
test_image.py):

* deploy/docker-stack.yml and deploy/kubernetes.yaml parse as YAML and set
  only variables the binary accepts (cross-checked against --help), and the
  stack's own environment ships to moto with its secrets as files;
* deploy/ecs-task-definition.json is valid for RegisterTaskDefinition (botocore's
  model, offline) and orders, mounts and stops the containers as the README says;
* deploy/iam-policy.json allows only the calls the sidecar makes, on its group;
* the demo API image runs app:app, which writes JSON lines to LOG_PATH;
* README's configuration table has every setting --help lists.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

import moto_fixture as mf

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


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
        policy = sidecar["deploy"]["restart_policy"]
        self.assertIn("delay", policy)
        self.assertIn("window", policy)
        self.assertIn("memory", sidecar["deploy"]["resources"]["limits"])
        self.assertIn("{hostname}", env["LOG_STREAM_NAME"])
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
        templates = " ".join(v for v in env.values() if v)
        for name in env:
            # A setting, or a variable a name template reads ({env:NAME}).
            self.assertTrue(accepted(name, self.help, self.variables) or "{env:" + name in templates,
                            f"{name} is not a setting of cw-sidecar")
        # The shared emptyDir, mounted where LOG_PATH says.
        volume = next(v for v in pod["volumes"] if "emptyDir" in v)
        for container in [sidecar] + pod["containers"]:
            mounts = {m["name"]: m["mountPath"] for m in container["volumeMounts"]}
            self.assertEqual(mounts.get(volume["name"]), env["LOG_PATH"], container["name"])
        # Probes on /healthz, on the port METRICS_ADDRESS listens on, reachable from the kubelet.
        host, _, port = env["METRICS_ADDRESS"].rpartition(":")
        self.assertNotIn(host, ("127.0.0.1", "localhost", "[::1]"))
        ports = {p["name"]: p["containerPort"] for p in sidecar["ports"]}
        # The app's readiness does not hang on CloudWatch: no readiness probe.
        self.assertNotIn("readinessProbe", sidecar)
        for probe in ("startupProbe", "livenessProbe"):
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
        self.assertIn("sizeLimit", volume["emptyDir"])
        # A stream per pod, from the downward API.
        pod_name = next(e for e in sidecar["env"] if e["name"] == "POD_NAME")
        self.assertEqual(pod_name["valueFrom"]["fieldRef"]["fieldPath"], "metadata.name")
        self.assertIn("{env:POD_NAME}", env["LOG_STREAM_NAME"])

    def test_kubernetes_optional_blocks_are_valid_when_uncommented(self):
        path = os.path.join(ROOT, "deploy", "kubernetes.yaml")
        with open(path) as f:
            lines = f.read().split("\n")
        blocks = [i for i, line in enumerate(lines) if line.strip().startswith("# --- optional")]
        self.assertTrue(blocks)
        for start in blocks:
            end = next(i for i in range(start + 1, len(lines)) if lines[i].strip() == "# ---")
            edited = list(lines)
            for i in range(start + 1, end):
                edited[i] = edited[i].replace("# ", "", 1)
            out = os.path.join(tempfile.mkdtemp(prefix="cw-it-k8s-"), "k8s.yaml")
            self.addCleanup(shutil.rmtree, os.path.dirname(out), ignore_errors=True)
            with open(out, "w") as f:
                f.write("\n".join(edited))
            docs = load_yaml_documents(out)
            account = next(d for d in docs if d["kind"] == "ServiceAccount")
            self.assertIn("eks.amazonaws.com/role-arn", account["metadata"]["annotations"], lines[start])

    def test_ecs_task_definition_is_valid_and_ships_the_apps_last_lines(self):
        import botocore.session
        from botocore.validate import ParamValidator
        with open(os.path.join(ROOT, "deploy", "ecs-task-definition.json")) as f:
            task = json.load(f)
        # Offline, against botocore's model of the call: no request is made.
        model = botocore.session.get_session().get_service_model("ecs")
        report = ParamValidator().validate(task, model.operation_model("RegisterTaskDefinition").input_shape)
        self.assertFalse(report.has_errors(), report.generate_report())
        containers = {c["name"]: c for c in task["containerDefinitions"]}
        api, sidecar = containers["api"], containers["cw-sidecar"]
        env = {e["name"]: e["value"] for e in sidecar["environment"]}
        for name in env:
            self.assertTrue(accepted(name, self.help, self.variables), f"{name} is not a setting of cw-sidecar")
        # The shared volume, mounted where LOG_PATH says in both.
        (volume,) = task["volumes"]
        for container in (api, sidecar):
            mounts = {m["sourceVolume"]: m["containerPath"] for m in container["mountPoints"]}
            self.assertEqual(mounts[volume["name"]], env["LOG_PATH"], container["name"])
        # The app starts after the sidecar and, the order reversed at stop, stops
        # before it; it does not wait for CloudWatch (START, not HEALTHY).
        self.assertEqual(api["dependsOn"], [{"containerName": "cw-sidecar", "condition": "START"}])
        self.assertTrue(api["essential"])
        self.assertFalse(sidecar["essential"])
        self.assertTrue(sidecar["restartPolicy"]["enabled"])
        self.assertEqual(sidecar["healthCheck"]["command"], ["CMD", "/usr/local/bin/cw-sidecar", "--healthcheck"])
        self.assertGreater(sidecar["stopTimeout"] * 1000, int(env["SHUTDOWN_GRACE_MS"]))
        self.assertTrue(sidecar["readonlyRootFilesystem"])
        self.assertEqual(sidecar["user"], "65532:65532")
        self.assertIn("taskRoleArn", task)
        self.assertIn("executionRoleArn", task)
        self.assertEqual(sidecar["logConfiguration"]["logDriver"], "awslogs")
        # The names are templates the sidecar accepts as they are.
        rc, _, err = mf.run_sidecar(["--validate"], env={
            "LOG_PATH": "/nonexistent", "AWS_REGION": "eu-west-1", "LOG_GROUP": env["LOG_GROUP"],
            "LOG_STREAM_NAME": env["LOG_STREAM_NAME"]})
        self.assertEqual(rc, 0, err)

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
