"""Credentials, region and endpoint resolution (issue 5) with the real binary.

Against moto on 127.0.0.1 (IMDS at /latest/..., STS AssumeRole and
AssumeRoleWithWebIdentity, CloudWatch Logs with SigV4 checking) and small
servers of the test's own where moto has no equivalent:
  * ContainerEndpoint: the ECS/EKS credentials endpoint, handing out fresh role
    credentials (moto AssumeRole) that claim to expire in seconds;
  * ExpiryProxy: in front of moto's logs API, refuses a request signed with
    credentials past the expiry the container endpoint claimed (as AWS does),
    and can answer ExpiredTokenException once on demand.
Every captured output is scanned for every secret of the test.
"""

import datetime as dt
import http.client
import http.server
import json
import os
import re
import socket
import stat
import threading
import time
import unittest
import urllib.request

import boto3

import moto_fixture as mf

ACCOUNT = "123456789012"
ROLE = "cw-sidecar-role"
ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/{ROLE}"
CONTAINER_AUTH = "Bearer-container-auth-Zq8xT0k3nS3cr3t"
WEB_TOKEN = "eyJhbGciOiJSUzI1NiJ9.web-identity-token-S3cr3tBody.sig"
LINE = '{"@timestamp": "%s", "message": "credentials test %s %d"}\n'


def stamp():
    return (dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=30)).strftime("%Y-%m-%dT%H:%M:%SZ")


def iso(t):
    return dt.datetime.fromtimestamp(t, dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class _Server:
    """A ThreadingHTTPServer on a free 127.0.0.1 port, run in a thread."""

    def __init__(self, handler_cls):
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler_cls)
        self.httpd.owner = self
        self.port = self.httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.cond = threading.Condition()
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()

    def wait_for(self, predicate, timeout=30.0, what="condition"):
        with self.cond:
            if not self.cond.wait_for(predicate, timeout):
                raise TimeoutError(f"timed out waiting for {what}")


class _QuietHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, status, body, ctype="application/json"):
        data = body.encode() if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class ContainerEndpoint(_Server):
    """Serves role credentials (from moto's AssumeRole) claiming `lifetime` s."""

    def __init__(self, sts, lifetime=3600, auth=CONTAINER_AUTH):
        self.sts, self.lifetime, self.auth = sts, lifetime, auth
        self.requests, self.bad_auth, self.issued = 0, 0, []  # issued: (key, secret, token, expiry)

        class Handler(_QuietHandler):
            def do_GET(h):
                owner = h.server.owner
                if h.headers.get("Authorization") != owner.auth:
                    with owner.cond:
                        owner.bad_auth += 1
                        owner.cond.notify_all()
                    return h.reply(401, '{"code": "AccessDenied", "message": "bad token"}')
                c = owner.sts.assume_role(RoleArn=ROLE_ARN, RoleSessionName="container")["Credentials"]
                expiry = time.time() + owner.lifetime
                with owner.cond:
                    owner.requests += 1
                    owner.issued.append((c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"], expiry))
                    owner.cond.notify_all()
                h.reply(200, json.dumps({"AccessKeyId": c["AccessKeyId"], "SecretAccessKey": c["SecretAccessKey"],
                                         "Token": c["SessionToken"], "Expiration": iso(expiry)}))

        super().__init__(Handler)

    def expiry_of(self, key):
        with self.cond:
            for k, _s, _t, e in self.issued:
                if k == key:
                    return e
        return None

    def secrets(self):
        with self.cond:
            return [s for _k, s, t, _e in self.issued for s in (s, t)] + [self.auth]


class ExpiryProxy(_Server):
    """Forwards to moto; refuses credentials past their claimed expiry."""

    def __init__(self, target_port, container):
        self.target_port, self.container = target_port, container
        self.expired_refusals, self.inject_expired, self.puts_ok = 0, 0, 0

        class Handler(_QuietHandler):
            def do_POST(h):
                owner = h.server.owner
                body = h.rfile.read(int(h.headers.get("Content-Length", "0")))
                m = re.search(r"Credential=([^/]+)/", h.headers.get("Authorization", ""))
                key = m.group(1) if m else ""
                expiry = owner.container.expiry_of(key) if owner.container else None
                target = h.headers.get("X-Amz-Target", "")
                with owner.cond:
                    expired = expiry is not None and time.time() >= expiry
                    inject = owner.inject_expired > 0 and target.endswith("PutLogEvents")
                    if inject:
                        owner.inject_expired -= 1
                    if expired:
                        owner.expired_refusals += 1
                if expired or inject:
                    return h.reply(400, json.dumps({"__type": "ExpiredTokenException",
                                                    "message": "The security token included in the request is expired"}),
                                   "application/x-amz-json-1.1")
                conn = http.client.HTTPConnection("127.0.0.1", owner.target_port, timeout=30)
                headers = {k: v for k, v in h.headers.items() if k.lower() not in ("connection",)}
                conn.request("POST", h.path, body=body, headers=headers)
                resp = conn.getresponse()
                data = resp.read()
                if resp.status == 200 and target.endswith("PutLogEvents"):
                    with owner.cond:
                        owner.puts_ok += 1
                        owner.cond.notify_all()
                h.send_response(resp.status)
                for k, v in resp.getheaders():
                    if k.lower() not in ("content-length", "connection", "transfer-encoding", "server", "date"):
                        h.send_header(k, v)
                h.send_header("Content-Length", str(len(data)))
                h.end_headers()
                h.wfile.write(data)
                conn.close()

        super().__init__(Handler)


class CredentialsTest(mf.MotoTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Three unauthenticated IAM calls (moto's reset-auth allowance): a role
        # for logs:* that anyone may assume, and sts:AssumeRole for the user.
        cls.reset_auth(6)
        iam = boto3.client("iam", region_name=mf.REGION, endpoint_url=cls.moto.endpoint,
                           aws_access_key_id="setup", aws_secret_access_key="setup")
        iam.create_role(RoleName=ROLE, AssumeRolePolicyDocument=json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"},
                           "Action": ["sts:AssumeRole", "sts:AssumeRoleWithWebIdentity"]}]}))
        iam.put_role_policy(RoleName=ROLE, PolicyName="logs", PolicyDocument=json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "logs:*", "Resource": "*"}]}))
        iam.put_user_policy(UserName=mf.IAM_USER, PolicyName="assume", PolicyDocument=json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}]}))
        # A second user who may write events but not create groups (for --check).
        iam.create_user(UserName="cw-sidecar-writer")
        iam.put_user_policy(UserName="cw-sidecar-writer", PolicyName="write", PolicyDocument=json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                           "Resource": "*"}]}))
        key = iam.create_access_key(UserName="cw-sidecar-writer")["AccessKey"]
        cls.writer = {"AWS_ACCESS_KEY_ID": key["AccessKeyId"], "AWS_SECRET_ACCESS_KEY": key["SecretAccessKey"]}
        cls.sts = boto3.client("sts", region_name=mf.REGION, endpoint_url=cls.moto.endpoint,
                               aws_access_key_id=cls.moto.access_key_id,
                               aws_secret_access_key=cls.moto.secret_access_key)
        cls.secrets = [cls.moto.secret_access_key, key["SecretAccessKey"], CONTAINER_AUTH, WEB_TOKEN]

    @classmethod
    def reset_auth(cls, allowance):
        """The next `allowance` calls to moto skip authentication (0: none do)."""
        # A raw body: with a form content type the server would parse it away.
        req = urllib.request.Request(cls.moto.endpoint + "/moto-api/reset-auth", data=str(allowance).encode(),
                                     method="POST", headers={"Content-Type": "text/plain"})
        with urllib.request.urlopen(req, timeout=10) as resp:
            assert resp.status == 200

    def setUp(self):
        self.make_temp_dirs("cw-it-cred-")
        self.servers, self.procs = [], []
        self.group = "it-cred-" + self.id().rsplit(".", 1)[-1].replace("_", "-")

    def tearDown(self):
        for p in self.procs:
            if p.poll() is None:
                p.kill()
                p.wait(timeout=10)
        for s in self.servers:
            s.stop()

    # -- helpers -------------------------------------------------------------
    def file(self, name, text, mode=0o600):
        path = os.path.join(self.tmp, name)
        with open(path, "w") as f:
            f.write(text)
        os.chmod(path, mode)
        return path

    def write_lines(self, tag, count=3, name="app.log"):
        with open(os.path.join(self.logdir, name), "a") as f:
            for i in range(count):
                f.write(LINE % (stamp(), tag, i))

    def base_env(self, **extra):
        """Region and endpoints pointing at moto; IMDS off unless a test turns it on."""
        env = {"AWS_REGION": mf.REGION, "AWS_ENDPOINT_URL": self.moto.endpoint,
               "AWS_EC2_METADATA_DISABLED": "true", "LOG_LEVEL": "debug"}
        # Sanitizer builds of the binary keep their options (the environment is clean otherwise).
        env.update({k: os.environ[k] for k in ("ASAN_OPTIONS", "UBSAN_OPTIONS", "TSAN_OPTIONS") if k in os.environ})
        env.update(extra)
        return {k: v for k, v in env.items() if v is not None}

    def user_keys(self):
        return {"AWS_ACCESS_KEY_ID": self.moto.access_key_id, "AWS_SECRET_ACCESS_KEY": self.moto.secret_access_key}

    def container(self, lifetime=3600):
        c = ContainerEndpoint(self.sts, lifetime)
        self.servers.append(c)
        return c, {"AWS_CONTAINER_CREDENTIALS_FULL_URI": c.url + "/v2/credentials",
                   "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": self.file("auth-token", CONTAINER_AUTH + "\n")}

    def run_once(self, env, *extra):
        rc, out, err = mf.run_sidecar(["--once", "--log-path", self.logdir, "--log-group", self.group, *extra],
                                      env=env, home=self.tmp, cwd=self.tmp, timeout=90)
        self.assert_no_secret(out + err)
        return rc, out, err

    def check(self, env, *extra):
        return self.run_once(env, "--check", "--check-no-probe", *extra)

    def assert_no_secret(self, text, extra=()):
        for s in list(self.secrets) + list(extra):
            if s:
                self.assertNotIn(s, text, "a secret appears in the output")
                self.assertNotIn(s[-12:], text, "the end of a secret appears in the output")

    def events(self):
        return [e["message"] for e in mf.read_all_events(self.client, self.group)]

    def assert_delivered(self, rc, out, err, tag, count=3):
        self.assertEqual(rc, 0, f"stderr:\n{err}")
        got = [m for m in self.events() if tag in m]
        self.assertEqual(len(got), count, f"events: {self.events()}\nstderr:\n{err}")

    def credentials_line(self, err):
        m = re.search(r"credentials (\S+ from [^,]+)", err)
        self.assertTrue(m, f"no credentials line in:\n{err}")
        return m.group(1)

    # -- each source alone ----------------------------------------------------
    def test_environment_keys_from_docker_secret_files(self):
        self.write_lines("secretfiles")
        env = self.base_env(AWS_ACCESS_KEY_ID_FILE=self.file("id", self.moto.access_key_id + "\n"),
                            AWS_SECRET_ACCESS_KEY_FILE=self.file("secret", self.moto.secret_access_key + "\n"))
        rc, out, err = self.run_once(env)
        self.assert_delivered(rc, out, err, "secretfiles")
        self.assertIn("from environment", err)

    def test_profile_with_role_arn_assumes_the_role(self):
        self.write_lines("rolearn")
        creds = self.file("credentials", f"[base]\naws_access_key_id = {self.moto.access_key_id}\n"
                                         f"aws_secret_access_key = {self.moto.secret_access_key}\n")
        config = self.file("config", f"[profile shipper]\nrole_arn = {ROLE_ARN}\nsource_profile = base\n"
                                     "role_session_name = it-session\n")
        env = self.base_env(AWS_SHARED_CREDENTIALS_FILE=creds, AWS_CONFIG_FILE=config, AWS_PROFILE="shipper")
        rc, out, err = self.run_once(env)
        self.assert_delivered(rc, out, err, "rolearn")
        self.assertIn(f"from profile shipper (role {ROLE_ARN} via profile base)", err)
        self.assertRegex(self.credentials_line(err), r"^ASIA")

    def test_web_identity_assumes_the_role_unsigned(self):
        self.write_lines("webid")
        env = self.base_env(AWS_WEB_IDENTITY_TOKEN_FILE=self.file("web-token", WEB_TOKEN),
                            AWS_ROLE_ARN=ROLE_ARN, AWS_ROLE_SESSION_NAME="it-web")
        # moto checks signatures on every call once auth is on, but this STS
        # call is unsigned by design: let exactly that one call through.
        self.reset_auth(1)
        rc, out, err = self.run_once(env)
        self.assert_delivered(rc, out, err, "webid")
        self.assertIn(f"from web identity ({ROLE_ARN})", err)

    def test_credential_process(self):
        self.write_lines("process")
        own_env, sidecar_env = self.file("own-env", ""), self.file("sidecar-env", "")
        # Besides the credentials, the script records its own environment and
        # its sidecar's (found up the process tree), as the sidecar was started.
        script = self.file("creds.sh", "#!/bin/sh\n"
                           f"env > {own_env}\n"
                           "p=$PPID\n"
                           "while [ \"$p\" -gt 1 ] && ! grep -q cw-sidecar /proc/$p/cmdline; do\n"
                           "  p=$(awk '{print $4}' /proc/$p/stat)\n"
                           "done\n"
                           f"tr '\\0' '\\n' < /proc/$p/environ > {sidecar_env}\n"
                           "cat <<'EOF'\n" + json.dumps({
                               "Version": 1, "AccessKeyId": self.moto.access_key_id,
                               "SecretAccessKey": self.moto.secret_access_key}) + "\nEOF\n", 0o700)
        config = self.file("config", f"[profile proc]\ncredential_process = {script}\n")
        rc, out, err = self.run_once(self.base_env(AWS_CONFIG_FILE=config, AWS_PROFILE_NAME="proc"))
        self.assert_delivered(rc, out, err, "process")
        self.assertIn("from credential_process " + script + " of profile proc", err)
        # The sidecar restarted itself with GnuTLS's load-time set-up off
        # (app/gnutls_init.h), and its children do not inherit the switch.
        with open(sidecar_env) as f:
            self.assertIn("GNUTLS_NO_IMPLICIT_INIT=1", f.read().splitlines())
        with open(own_env) as f:
            self.assertNotIn("GNUTLS_NO_IMPLICIT_INIT", f.read())

    def test_container_endpoint_with_token_file(self):
        self.write_lines("container")
        c, cenv = self.container()
        rc, out, err = self.run_once(self.base_env(**cenv))
        self.assert_no_secret(out + err, c.secrets())
        self.assert_delivered(rc, out, err, "container")
        self.assertEqual(c.bad_auth, 0)
        self.assertEqual(c.requests, 1)

    def test_imds_credentials_and_region(self):
        # moto's IMDS hands out fixed keys ("test-key") that its own IAM check
        # does not know: switch authentication off for this test only.
        self.write_lines("imds")
        env = self.base_env(AWS_EC2_METADATA_DISABLED=None, AWS_REGION=None,
                            AWS_EC2_METADATA_SERVICE_ENDPOINT=self.moto.endpoint)
        self.reset_auth(10 ** 9)
        try:
            rc, out, err = self.run_once(env)
        finally:
            self.reset_auth(0)
        self.assert_delivered(rc, out, err, "imds")
        self.assertIn("from EC2 instance role default-role", err)
        self.assertIn(f"({mf.REGION})", err, "the region comes from IMDS")

    # -- the chain --------------------------------------------------------------
    def test_chain_precedence(self):
        c, cenv = self.container()
        web = {"AWS_WEB_IDENTITY_TOKEN_FILE": self.file("web-token", WEB_TOKEN), "AWS_ROLE_ARN": ROLE_ARN,
               "AWS_ENDPOINT_URL_STS": mf.closed_port_url()}
        creds = self.file("credentials", f"[default]\naws_access_key_id = AKIAPROFILEKEY000000\n"
                                         f"aws_secret_access_key = {'p' * 40}\n")
        imds = {"AWS_EC2_METADATA_DISABLED": None, "AWS_EC2_METADATA_SERVICE_ENDPOINT": self.moto.endpoint}
        cases = [
            ("env beats everything", {**self.user_keys(), **web, "AWS_SHARED_CREDENTIALS_FILE": creds, **cenv, **imds},
             "from environment"),
            ("web identity beats profile", {**web, "AWS_SHARED_CREDENTIALS_FILE": creds, **cenv, **imds},
             "web identity: STS AssumeRoleWithWebIdentity"),
            ("profile beats container", {"AWS_SHARED_CREDENTIALS_FILE": creds, **cenv, **imds}, "from profile default"),
            ("container beats IMDS", {**cenv, **imds}, "from container endpoint"),
            ("IMDS last", {**imds}, "from EC2 instance role default-role"),
            ("explicit profile alone", {**self.user_keys(), "AWS_PROFILE_NAME": "default",
                                        "AWS_SHARED_CREDENTIALS_FILE": creds}, "from profile default"),
        ]
        for name, extra, want in cases:
            with self.subTest(name):
                rc, out, err = self.check(self.base_env(**extra))
                self.assertIn(want, out + err, f"{name}: rc={rc}\nstdout:\n{out}\nstderr:\n{err}")
        self.assert_no_secret("", c.secrets())

    def test_region_resolution_order(self):
        config = self.file("config", "[default]\nregion = eu-west-3\n")
        imds = {"AWS_EC2_METADATA_DISABLED": None, "AWS_EC2_METADATA_SERVICE_ENDPOINT": self.moto.endpoint}
        cases = [
            ({"AWS_REGION": "eu-west-1", "AWS_DEFAULT_REGION": "eu-west-2"}, ["--region", "ap-south-1"], "ap-south-1"),
            ({"AWS_REGION": "eu-west-1", "AWS_DEFAULT_REGION": "eu-west-2"}, [], "eu-west-1"),
            ({"AWS_REGION": None, "AWS_DEFAULT_REGION": "eu-west-2"}, [], "eu-west-2"),
            ({"AWS_REGION": None}, [], "eu-west-3"),
            ({"AWS_REGION": None, "AWS_CONFIG_FILE": os.devnull}, [], mf.REGION),  # from moto's IMDS
        ]
        for extra, flags, want in cases:
            with self.subTest(want):
                env = self.base_env(AWS_CONFIG_FILE=config, **self.user_keys(), **imds)
                env.update(extra)
                env = {k: v for k, v in env.items() if v is not None}
                rc, out, err = self.check(env, *flags)
                self.assertIn(f"ok    region {want}\n", out, f"stderr:\n{err}")
        # Nothing names a region and IMDS is off: one clear config error.
        env = self.base_env(AWS_REGION=None, **self.user_keys())
        rc, out, err = self.run_once(env)
        self.assertEqual(rc, 2, err)
        self.assertIn("no AWS region: set AWS_REGION", err)
        self.assertIn("IMDS disabled by AWS_EC2_METADATA_DISABLED", err)

    def test_diagnostic_line_when_every_source_fails(self):
        # An IMDS that accepts connections but never answers: the token PUT
        # times out, as it does in a container when the hop limit is 1.
        silent = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        try:
            env = self.base_env(AWS_EC2_METADATA_DISABLED=None,
                                AWS_EC2_METADATA_SERVICE_ENDPOINT=f"http://127.0.0.1:{silent.getsockname()[1]}")
            rc, out, err = self.run_once(env)
        finally:
            silent.close()
        self.assertEqual(rc, 2, err)
        lines = [l for l in err.splitlines() if "credentials" in l]
        self.assertEqual(len(lines), 1, err)
        line = lines[0]
        for part in ("environment: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY", "web identity: AWS_WEB_IDENTITY_TOKEN_FILE not set",
                     "profile 'default' not found", "container: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
                     "IMDS: token request to", "timed out after 1 s", "hop limit is probably 1",
                     "--http-put-response-hop-limit 2"):
            self.assertIn(part, line)

    # -- --check -----------------------------------------------------------------
    def test_check_reports_what_works_and_the_missing_permission(self):
        rc, out, err = self.run_once(self.base_env(**self.user_keys()), "--check", "--check-no-probe")
        self.assertEqual(rc, 0, out + err)
        self.assertIn(f"ok    log group {self.group} created", out)
        self.assertEqual(self.events(), [], "--check-no-probe sends nothing")
        rc, out, err = self.run_once(self.base_env(**self.user_keys()), "--check")
        self.assertEqual(rc, 0, out + err)
        self.assertIn(f"ok    log group {self.group} exists", out)
        self.assertEqual(len(self.events()), 1, "one probe event")

        self.group += "-writer"
        rc, out, err = self.run_once(self.base_env(**self.writer), "--check")
        self.assertEqual(rc, 1, out + err)
        self.assertRegex(out, r"FAIL  CreateLogGroup: AccessDenied.*\(missing permission logs:CreateLogGroup\)")
        self.client.create_log_group(logGroupName=self.group)
        rc, out, err = self.run_once(self.base_env(**self.writer), "--check")
        self.assertEqual(rc, 0, out + err)
        self.assertRegex(out, r"warn  CreateLogGroup: AccessDenied.*logs:CreateLogGroup.*fine while it exists")
        self.assertIn("ok    PutLogEvents: probe event stored", out)

    # -- refresh ----------------------------------------------------------------
    def test_refresh_before_expiry_without_failed_puts(self):
        c, cenv = self.container(lifetime=4)  # refreshed every ~2 s
        proxy = ExpiryProxy(self.moto.port, c)
        self.servers.append(proxy)
        self.write_lines("refresh-a")
        errpath = os.path.join(self.tmp, "sidecar.stderr")
        env = self.base_env(AWS_ENDPOINT_URL=proxy.url, AWS_ENDPOINT_URL_STS=self.moto.endpoint, **cenv)
        p = mf.start_sidecar(["--log-path", self.logdir, "--log-group", self.group, "--poll-interval-ms", "100"],
                             env=env, cwd=self.tmp, home=self.tmp, stderr_path=errpath)
        self.procs.append(p)
        # Three generations of credentials later (the first lives 4 s), more lines.
        c.wait_for(lambda: c.requests >= 4, timeout=30, what="background refreshes")
        self.write_lines("refresh-b")
        mf.wait_until(lambda: len([m for m in self.events() if "refresh-" in m]) == 6, 30, 0.1, "all events")
        self.assertEqual(mf.stop_process(p), 0)
        with open(errpath, errors="replace") as f:
            err = f.read()
        self.assert_no_secret(err, c.secrets())
        self.assertEqual(proxy.expired_refusals, 0, f"a request used expired credentials:\n{err}")
        self.assertNotIn("ExpiredToken", err)
        self.assertEqual(c.bad_auth, 0)

    def test_expired_token_answer_then_success(self):
        c, cenv = self.container()
        proxy = ExpiryProxy(self.moto.port, c)
        proxy.inject_expired = 1
        self.servers.append(proxy)
        self.write_lines("expired")
        env = self.base_env(AWS_ENDPOINT_URL=proxy.url, AWS_ENDPOINT_URL_STS=self.moto.endpoint, **cenv)
        rc, out, err = self.run_once(env)
        self.assert_no_secret(out + err, c.secrets())
        self.assert_delivered(rc, out, err, "expired")
        self.assertEqual(proxy.inject_expired, 0, "the expired-token answer was given")
        self.assertEqual(c.requests, 2, "one fetch at start, one at once after the expired-token answer")


if __name__ == "__main__":
    unittest.main()
