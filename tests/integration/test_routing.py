"""Routing: name templates for groups and streams (files, fields, the environment,
the ECS task), against moto; and what a template gets wrong, at start."""

import http.server
import json
import os
import random
import threading
import unittest

import moto_fixture as mf

TS = "2030-01-01T00:00:00Z"


class FakeEcsMetadata:
    """The ECS task metadata endpoint v4 on 127.0.0.1: the container at /v4/c1, its
    task at /v4/c1/task. The first `fail_first` requests are answered 503 (the agent
    is not ready yet)."""

    def __init__(self, fail_first=0):
        outer = self
        self.fail_first = fail_first
        self.requests = 0

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                outer.requests += 1
                if outer.requests <= outer.fail_first:
                    self.send_response(503)
                    self.end_headers()
                    return
                if self.path == "/v4/c1":
                    body = {"DockerId": "abc", "Name": "api-sidecar"}
                elif self.path == "/v4/c1/task":
                    body = {"Cluster": "arn:aws:ecs:us-east-1:123456789012:cluster/prod",
                            "TaskARN": "arn:aws:ecs:us-east-1:123456789012:task/prod/0f1e2d3c4b5a",
                            "Family": "web-api", "Revision": "7"}
                else:
                    self.send_response(404)
                    self.end_headers()
                    return
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v4/c1"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class RoutingTest(mf.MotoTestCase):
    def setUp(self):
        self.make_temp_dirs("cw-it-routing-")

    def write(self, relative, lines):
        path = os.path.join(self.logdir, relative)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            for line in lines:
                f.write(line + "\n")

    def ship(self, **env):
        rc, _, err = mf.run_sidecar(["--once"], env=self.moto.sidecar_env(
            LOG_PATH=self.logdir, STATE_DIR=self.state, **env))
        self.assertEqual(rc, 0, err)
        return err

    def test_files_go_to_groups_and_streams_named_from_them(self):
        self.write("access.log", [json.dumps({"@timestamp": TS, "n": i, "f": "access"}) for i in range(30)])
        self.write("app.log", [json.dumps({"@timestamp": TS, "n": i, "f": "app"}) for i in range(20)])
        self.write("audit/trail.log", [json.dumps({"@timestamp": TS, "n": i, "f": "audit"}) for i in range(10)])
        self.ship(LOG_GROUP="it-route/{file_stem}", LOG_STREAM_NAME="{dir}-{hostname}-{file}",
                  INCLUDE="**/*.log")
        host = os.uname().nodename
        for stem, folder, name, count in (("access", ".", "access.log", 30), ("app", ".", "app.log", 20),
                                          ("trail", "audit", "trail.log", 10)):
            events = mf.read_all_events(self.client, "it-route/" + stem)
            self.assertEqual({e["stream"] for e in events}, {f"{folder}-{host}-{name}"})
            self.assertEqual([json.loads(e["message"])["n"] for e in events], list(range(count)))

    def test_a_stream_per_field_value_interleaved_at_random(self):
        rng = random.Random(16)
        services = [f"svc-{i:02d}" for i in range(20)]
        expected = {}
        lines = []
        for n in range(4000):
            service = rng.choice(services + [None])
            record = {"@timestamp": TS, "n": n}
            if service is not None:
                record["service"] = service
            lines.append(json.dumps(record))
            expected.setdefault(service or "none", []).append(n)
        self.write("app.log", lines)
        self.ship(LOG_GROUP="it-route-fields", LOG_STREAM_NAME="{field:service:-none}")
        got = {}
        for event in mf.read_all_events(self.client, "it-route-fields"):
            got.setdefault(event["stream"], []).append(json.loads(event["message"])["n"])
        self.assertEqual(got, expected)
        # Again from the checkpoints: nothing is sent twice.
        self.ship(LOG_GROUP="it-route-fields", LOG_STREAM_NAME="{field:service:-none}")
        self.assertEqual(len(mf.read_all_events(self.client, "it-route-fields")), 4000)

    def test_the_environment_and_the_ecs_task_name_the_destination(self):
        ecs = FakeEcsMetadata(fail_first=1)
        self.addCleanup(ecs.close)
        self.write("app.log", [json.dumps({"@timestamp": TS, "n": i}) for i in range(5)])
        self.ship(LOG_GROUP="it-ecs-{ecs_cluster}", ECS_CONTAINER_METADATA_URI_V4=ecs.url,
                  LOG_STREAM_NAME="{ecs_family}/{ecs_task_id}/{ecs_container}/{env:POD_NAME:-nopod}")
        events = mf.read_all_events(self.client, "it-ecs-prod")
        self.assertEqual({e["stream"] for e in events}, {"web-api/0f1e2d3c4b5a/api-sidecar/nopod"})
        self.assertEqual(len(events), 5)


class ValidateTest(unittest.TestCase):
    """--validate: each present file's route, no network call, nothing written."""

    def test_validate_prints_each_files_route(self):
        import tempfile, shutil
        tmp = tempfile.mkdtemp(prefix="cw-it-validate-")
        self.addCleanup(shutil.rmtree, tmp, ignore_errors=True)
        for relative in ("a.log", "sub/b.log", "sub/deeper/c.log", "notes.txt"):
            os.makedirs(os.path.dirname(os.path.join(tmp, relative)), exist_ok=True)
            with open(os.path.join(tmp, relative), "w") as f:
                f.write("{}\n")
        before = sorted(os.listdir(tmp))
        rc, out, err = mf.run_sidecar(["--validate"], env={
            "LOG_PATH": tmp, "INCLUDE": "**/*.log", "LOG_GROUP": "g/{dir}", "AWS_EC2_METADATA_DISABLED": "true",
            "LOG_STREAM_NAME": "{file_stem}-{env:POD:-p}", "AWS_ENDPOINT_URL": mf.closed_port_url()})
        self.assertEqual(rc, 0, err)
        self.assertEqual(out.splitlines()[1:], [
            "a.log  source default  group g/.  stream a-p",
            "sub/b.log  source default  group g/sub  stream b-p",
            "sub/deeper/c.log  source default  group g/sub/deeper  stream c-p",
        ])
        self.assertIn("3 file(s) match", out.splitlines()[0])
        self.assertEqual(sorted(os.listdir(tmp)), before)  # no state folder made
        rc, out, err = mf.run_sidecar(["--validate"], env={
            "LOG_PATH": tmp, "LOG_STREAM_NAME": "{field:svc:-none}/{ecs_task_id}", "AWS_REGION": "us-east-1"})
        self.assertEqual(rc, 0, err)
        self.assertIn("stream {field:svc:-none}/{ecs_task_id} (template)", out)
        rc, out, err = mf.run_sidecar(["--validate"], env={"LOG_PATH": tmp, "LOG_STREAM_NAME": "{nope}"})
        self.assertEqual(rc, 2, err)

    def test_check_no_probe_alone_is_an_error(self):
        rc, _, err = mf.run_sidecar(["--check-no-probe"], env={"LOG_PATH": "/tmp", "AWS_REGION": "us-east-1"})
        self.assertEqual(rc, 2)
        self.assertIn("--check-no-probe goes with --check", err)


class TemplateErrorTest(unittest.TestCase):
    """What a template gets wrong is found at start: exit 2, one line, no network."""

    def run_with(self, **env):
        base = {"AWS_REGION": "us-east-1", "AWS_ENDPOINT_URL": mf.closed_port_url(),
                "AWS_ACCESS_KEY_ID": "AKIAROUTINGTEST00000", "AWS_SECRET_ACCESS_KEY": "x" * 40,
                "LOG_PATH": "/tmp"}
        base.update(env)
        return mf.run_sidecar(["--once"], env=base)

    def assert_config_error(self, needle, **env):
        rc, out, err = self.run_with(**env)
        self.assertEqual(rc, 2, err)
        lines = err.strip().splitlines()
        self.assertEqual(len(lines), 1, err)
        self.assertIn(needle, lines[0])

    def test_errors(self):
        self.assert_config_error("unknown placeholder {pod}", LOG_STREAM_NAME="{prefix}-{pod}")
        self.assert_config_error("is not closed", LOG_STREAM_NAME="{prefix")
        self.assert_config_error("a log group allows", LOG_GROUP="my group/{file}")
        self.assert_config_error("{env:POD_NAME}, which is not set", LOG_STREAM_NAME="{env:POD_NAME}")
        self.assert_config_error("ECS_CONTAINER_METADATA_URI_V4 is not set", LOG_STREAM_NAME="{ecs_task_id}")


if __name__ == "__main__":
    unittest.main()
