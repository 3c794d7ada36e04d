"""Credentials: a wrong secret or an unknown key is a fatal error (exit 1) with one
clear line; the right key works; no secret ever appears in the output."""

import os
import re
import shutil
import tempfile
import time
import unittest

import moto_fixture as mf

GROUP = "it-auth"
SIGNATURE_ERRORS = ("SignatureDoesNotMatch", "InvalidSignatureException")
UNKNOWN_KEY_ERRORS = ("InvalidClientTokenId", "UnrecognizedClient")
LINE = '{"@timestamp": "%s", "message": "auth test %d"}\n'


class AuthTest(mf.MotoTestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="cw-it-auth-")
        self.logdir = os.path.join(self.tmp, "logs")
        os.mkdir(self.logdir)
        stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 60))
        with open(os.path.join(self.logdir, "app.log"), "w") as f:
            for i in range(3):
                f.write(LINE % (stamp, i))

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def run_sidecar(self, env, *extra, timeout=60):
        start = time.monotonic()
        rc, out, err = mf.run_sidecar(["--once", "--log-path", self.logdir, "--log-group", GROUP,
                                       *extra], env=env, home=self.tmp, cwd=self.tmp,
                                      timeout=timeout)
        return rc, out, err, time.monotonic() - start

    def assert_no_secret(self, text, *secrets):
        for s in secrets:
            self.assertNotIn(s, text, "a secret value appears in the output")
            # Nor a recognisable chunk of it (e.g. partially masked).
            self.assertNotIn(s[:12], text, "the start of a secret appears in the output")
            self.assertNotIn(s[-12:], text, "the end of a secret appears in the output")

    def assert_fatal(self, rc, out, err, errors, secrets):
        self.assertEqual(rc, 1, f"want exit 1 for a rejected request, got {rc}\nstderr:\n{err}")
        lines = [line for line in err.splitlines() if any(e in line for e in errors)]
        self.assertTrue(lines, f"stderr should name one of {errors}:\n{err}")
        self.assertLessEqual(len(lines), 3, f"the error should be one clear line, not a flood:\n{err}")
        self.assertRegex(lines[-1], re.compile(r"error", re.I), "the line should be an error line")
        self.assertNotIn("<?xml", err, "the raw XML body should not be dumped")
        self.assert_no_secret(out + err, *secrets)

    def test_wrong_secret_is_fatal_and_not_printed(self):
        wrong = "Wr0ngSecretKeyValue" + "x" * 21
        env = self.moto.sidecar_env(AWS_SECRET_ACCESS_KEY=wrong)
        rc, out, err, elapsed = self.run_sidecar(env)
        self.assert_fatal(rc, out, err, SIGNATURE_ERRORS, [wrong, self.moto.secret_access_key])
        self.assertLess(elapsed, 30, "a signature error must not be retried for long")
        self.assertEqual(mf.read_all_events(self.client, GROUP), [],
                         "nothing may be stored with a wrong secret")

    def test_unknown_access_key_is_fatal(self):
        secret = "S3cretForAnUnknownKey" + "y" * 19
        env = self.moto.sidecar_env(AWS_ACCESS_KEY_ID="AKIAUNKNOWNKEY000000",
                                    AWS_SECRET_ACCESS_KEY=secret)
        rc, out, err, _ = self.run_sidecar(env)
        self.assert_fatal(rc, out, err, UNKNOWN_KEY_ERRORS + SIGNATURE_ERRORS, [secret])

    def test_right_key_works_and_debug_log_has_no_secret(self):
        env = self.moto.sidecar_env(AWS_SESSION_TOKEN=None)
        group = GROUP + "-ok"
        rc, out, err, _ = self.run_sidecar(env, "--log-group", group, "--log-level", "debug")
        self.assertEqual(rc, 0, f"rc={rc}\nstderr:\n{err}")
        self.assertTrue(err.strip(), "--log-level debug should log something on stderr")
        for line in err.splitlines():
            self.assertRegex(line, r"\b(DEBUG|INFO|WARN|WARNING|ERROR|debug|info|warn|warning|error)\b",
                             "every self-log line carries a level")
        self.assert_no_secret(out + err, self.moto.secret_access_key)
        events = mf.read_all_events(self.client, group)
        self.assertEqual(sorted(e["message"] for e in events),
                         ['{"message":"auth test %d"}' % i for i in range(3)])

    def test_profile_from_shared_credentials_file(self):
        creds = os.path.join(self.tmp, "credentials")
        with open(creds, "w") as f:
            f.write("[default]\naws_access_key_id = AKIADEFAULTWRONG0000\n"
                    "aws_secret_access_key = nope\n\n"
                    f"[itprofile]\naws_access_key_id = {self.moto.access_key_id}\n"
                    f"aws_secret_access_key = {self.moto.secret_access_key}\n")
        env = {"AWS_REGION": self.moto.region, "AWS_ENDPOINT_URL": self.moto.endpoint,
               "AWS_SHARED_CREDENTIALS_FILE": creds,
               "AWS_CONFIG_FILE": os.path.join(self.tmp, "no-config"),
               "AWS_EC2_METADATA_DISABLED": "true"}
        group = GROUP + "-profile"
        rc, out, err, _ = self.run_sidecar(env, "--profile", "itprofile", "--log-group", group,
                                           "--log-level", "debug")
        self.assertEqual(rc, 0, f"rc={rc}\nstderr:\n{err}")
        self.assert_no_secret(out + err, self.moto.secret_access_key)
        self.assertEqual(len(mf.read_all_events(self.client, group)), 3)


if __name__ == "__main__":
    unittest.main()
