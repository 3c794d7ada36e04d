"""The container image, tested without a Docker engine: its runtime stage is
complete. The root file system is rebuilt from the Dockerfile's own lines
(scripts/runtime-rootfs.sh as the build stage runs it, then the runtime
stage's COPY lines) and the binary runs chrooted into it, as the image's user,
on a read-only root with only the log folder writable: --help, a real --once
run against moto on 127.0.0.1, and the HEALTHCHECK command next to a running
sidecar. Needs root (chroot, unshare -m); skipped otherwise.
"""

import json
import os
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import unittest
import urllib.request

import moto_fixture as mf
from test_deploy import ROOT, dockerfile_instructions, help_variables

DEADLINE = 30.0


class RuntimeImageTest(unittest.TestCase):
    """The runtime stage rebuilt from the Dockerfile and run chrooted."""

    @classmethod
    def setUpClass(cls):
        if os.geteuid() != 0:
            raise unittest.SkipTest("chroot needs root")
        if not os.access(mf.sidecar_path(), os.X_OK):
            raise AssertionError(f"cw-sidecar not built: {mf.sidecar_path()}")
        linked = subprocess.run(["ldd", mf.sidecar_path()], capture_output=True, text=True).stdout
        if "libasan" in linked or "libtsan" in linked:
            raise unittest.SkipTest("the image holds a release build; this binary is a sanitizer build")
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


if __name__ == "__main__":
    unittest.main()
