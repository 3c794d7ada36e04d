"""Sources from CONFIG_FILE against moto: groups with their own retention, filters
(drop, sample, redact) counted and checkpointed, multiline text events (one cut
by a rotation); and what a config file gets wrong, at start."""

import json
import os
import unittest

import moto_fixture as mf

TS = "2030-01-01T00:00:00Z"


class SourcesTest(mf.MotoTestCase):
    def setUp(self):
        self.make_temp_dirs("cw-it-sources-")

    def write(self, relative, lines, mode="w"):
        path = os.path.join(self.logdir, relative)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, mode) as f:
            for line in lines:
                f.write(line + "\n")
        return path

    def config(self, text, name="sources.yaml"):
        path = os.path.join(self.tmp, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def ship(self, config, state=None, **env):
        rc, _, err = mf.run_sidecar(["--once"], env=self.moto.sidecar_env(
            LOG_PATH=self.logdir, STATE_DIR=state or self.state, CONFIG_FILE=config, **env))
        self.assertEqual(rc, 0, err)
        return err

    def test_three_files_to_three_groups_with_their_retention(self):
        for name in ("access", "app", "audit"):
            self.write(f"{name}.log", [json.dumps({"@timestamp": TS, "n": i, "f": name}) for i in range(10)])
        config = self.config("""
sources:
  - name: access
    include: access.log
    log_group: it-src/access
    retention_days: 7
  - name: audit
    include: audit.log
    log_group: it-src/audit
    retention_days: 3653
    log_group_tags: {team: "${TEAM:-sec}"}
  - name: rest
    include: "*.log"
    log_group: it-src/{file_stem}
    retention_days: 30
""")
        self.ship(config)
        groups = {g["logGroupName"]: g for g in self.client.describe_log_groups(logGroupNamePrefix="it-src/")["logGroups"]}
        self.assertEqual({name: g.get("retentionInDays") for name, g in groups.items()},
                         {"it-src/access": 7, "it-src/audit": 3653, "it-src/app": 30})
        for name in ("access", "app", "audit"):
            events = mf.read_all_events(self.client, "it-src/" + name)
            self.assertEqual([(json.loads(e["message"])["n"], json.loads(e["message"])["f"]) for e in events],
                             [(i, name) for i in range(10)])
        self.assertEqual(self.client.list_tags_log_group(logGroupName="it-src/audit")["tags"], {"team": "sec"})
        # Renaming a group between runs sends nothing already acknowledged:
        # checkpoints are per file.
        with open(config) as f:
            renamed = self.config(f.read().replace("it-src/{file_stem}", "it-src2/{file_stem}"), "renamed.yaml")
        self.ship(renamed)
        self.assertFalse(mf.group_exists(self.client, "it-src2/app"))
        self.assertEqual(len(mf.read_all_events(self.client, "it-src/app")), 10)

    def test_filters_drop_sample_and_redact_and_count_what_they_did(self):
        lines = []
        for n in range(3000):
            level = "DEBUG" if n % 100 == 7 else "INFO"
            lines.append(json.dumps({"@timestamp": TS, "n": n, "level": level}))
        self.write("app.log", lines)
        self.write("web/req.log", [json.dumps({"@timestamp": TS, "n": n, "level": "INFO"}) for n in range(2000)])
        self.write("audit.log", [json.dumps({
            "@timestamp": TS, "n": 0,
            "ctx": {"user": {"mail": "ann.lee@example.com"},
                    "env": ["AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", 42]},
            "note": "card 4111 1111 1111 1111, order 1234"})])
        config = self.config("""
sources:
  - name: app
    include: app.log
    log_group: it-filters-app
    filters:
      - drop: {field: level, values: [DEBUG, TRACE]}
  - name: web
    include: "web/*.log"
    log_group: ${WEB_GROUP}
    filters:
      - sample: {every: 10}
  - name: audit
    include: audit.log
    log_group: it-filters-audit
    filters:
      - redact: {builtin: [aws_secret_access_key, email, card_number]}
""")
        err = self.ship(config, WEB_GROUP="it-filters-web", SUMMARY_INTERVAL_S="1")
        app = [json.loads(e["message"]) for e in mf.read_all_events(self.client, "it-filters-app")]
        self.assertEqual([m["n"] for m in app], [n for n in range(3000) if n % 100 != 7])
        self.assertTrue(all(m["level"] == "INFO" for m in app))
        kept = [json.loads(e["message"])["n"] for e in mf.read_all_events(self.client, "it-filters-web")]
        self.assertGreater(len(kept), 140)
        self.assertLess(len(kept), 260)
        self.assertEqual(kept, sorted(kept))
        audit = mf.read_all_events(self.client, "it-filters-audit")
        self.assertEqual(len(audit), 1)
        message = json.loads(audit[0]["message"])
        self.assertEqual(message["ctx"]["user"]["mail"], "[REDACTED]")
        self.assertEqual(message["ctx"]["env"], ["AWS_SECRET_ACCESS_KEY=[REDACTED]", 42])
        self.assertEqual(message["note"], "card [REDACTED], order 1234")
        self.assertIn("filtered=", err)
        self.assertIn("source=app(dropped=30 not_kept=0 sampled_out=0 redacted=0)", err)
        self.assertIn("source=audit(dropped=0 not_kept=0 sampled_out=0 redacted=1)", err)
        # Everything was acknowledged, the lines ruled out too: a second run sends nothing.
        self.ship(config, WEB_GROUP="it-filters-web")
        self.assertEqual(len(mf.read_all_events(self.client, "it-filters-app")), 2970)
        # Read again from nothing (as after a lost checkpoint), the sample keeps the same lines.
        self.ship(config, state=os.path.join(self.tmp, "state2"), WEB_GROUP="it-filters-web2")
        again = [json.loads(e["message"])["n"] for e in mf.read_all_events(self.client, "it-filters-web2")]
        self.assertEqual(again, kept)

    def test_multiline_tracebacks_one_cut_by_a_rotation(self):
        def traceback(n):
            return [f"2030-01-01 00:00:{n % 60:02d} ERROR request {n} failed",
                    "Traceback (most recent call last):",
                    f'  File "app.py", line {n}, in handle',
                    "    raise ValueError(n)",
                    f"ValueError: {n}"]
        path = self.write("worker.txt", [line for n in range(5) for line in traceback(n)])
        config = self.config(r"""
sources:
  - name: worker
    include: "*.txt"
    log_group: it-multiline
    multiline_start: '^\d{4}-\d{2}-\d{2} '
""")
        errpath = os.path.join(self.tmp, "sidecar.stderr")
        proc = self.kill_at_cleanup(mf.start_sidecar([], env=self.moto.sidecar_env(
            LOG_PATH=self.logdir, STATE_DIR=self.state, CONFIG_FILE=config, MULTILINE_FLUSH_MS="300",
            POLL_INTERVAL_MS="100"), cwd=self.tmp, stderr_path=errpath))

        def messages():
            return [e["message"] for e in mf.read_all_events(self.client, "it-multiline")] \
                if mf.group_exists(self.client, "it-multiline") else []
        mf.wait_until(lambda: len(messages()) == 5, 30, 0.2, "the first five tracebacks")
        # A traceback half written when the file is rotated: its rest goes to the new file.
        cut = traceback(5)
        self.write("worker.txt", cut[:2], mode="a")
        os.rename(path, path + ".1")
        self.write("worker.txt", cut[2:] + [line for n in range(6, 8) for line in traceback(n)])
        mf.wait_until(lambda: len(messages()) == 9, 30, 0.2, "the cut traceback and two more")
        self.assertEqual(mf.stop_process(proc), 0)
        got = messages()
        whole = ["\n".join(traceback(n)) for n in range(8)]
        self.assertEqual(got[:5], whole[:5])
        self.assertCountEqual(got[5:], ["\n".join(cut[:2]), "\n".join(cut[2:]), whole[6], whole[7]])
        # Every line once: a restart sends nothing again.
        rc, _, err = mf.run_sidecar(["--once"], env=self.moto.sidecar_env(
            LOG_PATH=self.logdir, STATE_DIR=self.state, CONFIG_FILE=config))
        self.assertEqual(rc, 0, err)
        self.assertEqual(len(messages()), 9)


class ConfigFileErrorTest(unittest.TestCase):
    """What CONFIG_FILE gets wrong is found at start: exit 2, one line naming the line."""

    def setUp(self):
        import tempfile, shutil
        self.tmp = tempfile.mkdtemp(prefix="cw-it-config-file-")
        self.addCleanup(shutil.rmtree, self.tmp, ignore_errors=True)

    def run_with(self, yaml_text, *args):
        path = os.path.join(self.tmp, "c.yaml")
        with open(path, "w") as f:
            f.write(yaml_text)
        return mf.run_sidecar(list(args) or ["--once"], env={
            "AWS_REGION": "us-east-1", "AWS_ENDPOINT_URL": mf.closed_port_url(), "LOG_PATH": self.tmp,
            "AWS_ACCESS_KEY_ID": "AKIASOURCESTEST00000", "AWS_SECRET_ACCESS_KEY": "x" * 40, "CONFIG_FILE": path})

    def assert_config_error(self, needle, yaml_text):
        rc, _, err = self.run_with(yaml_text)
        self.assertEqual(rc, 2, err)
        lines = err.strip().splitlines()
        self.assertEqual(len(lines), 1, err)
        self.assertIn(needle, lines[0])

    def test_errors(self):
        self.assert_config_error("line 3: unknown key 'retention'", "sources:\n  - include: a.log\n    retention: 7\n")
        self.assert_config_error("unknown placeholder {pod}", "sources:\n  - include: a.log\n    log_stream_name: '{pod}'\n")
        self.assert_config_error("bad regex", "sources:\n  - include: a.log\n    filters:\n      - drop: {regex: '(x'}\n")
        self.assert_config_error("bad regex", "sources:\n  - include: a.log\n    multiline_start: '[a'\n")

    def test_validate_lists_sources_unmatched_files_and_warns_of_a_source_matching_nothing(self):
        for name in ("a.log", "b.txt", "sub/c.log"):
            os.makedirs(os.path.dirname(os.path.join(self.tmp, name)), exist_ok=True)
            open(os.path.join(self.tmp, name), "w").close()
        rc, out, err = self.run_with("""
sources:
  - name: logs
    include: ["**/*.log"]
    log_group: g/{dir}
  - name: none
    include: "*.gz"
""", "--validate")
        self.assertEqual(rc, 0, err)
        lines = out.splitlines()
        self.assertIn("2 file(s) match", lines[0])
        self.assertIn("a.log  source logs  group g/.  stream default_", lines[1])
        self.assertIn("sub/c.log  source logs  group g/sub", lines[2])
        self.assertIn("b.txt  matches no source: not read", out)
        self.assertIn("c.yaml  matches no source: not read", out)
        self.assertIn("warning: source none (CONFIG_FILE line 6) matches no file now", out)


if __name__ == "__main__":
    unittest.main()
