#!/usr/bin/env bash
# One-command demo of cw-sidecar on Debian 12 (run as root; only Debian packages are
# fetched, and only when one is missing):
#   1. installs the build dependencies that are missing (apt-get),
#   2. builds the release preset (cw-sidecar),
#   3. starts moto_server (CloudWatch Logs emulator with SigV4 checking) on a free port,
#      starts the sample API (demo/app.py), sends it ~20 requests,
#   4. runs `cw-sidecar --once` against the emulator with an IAM access key,
#   5. prints the events read back from the emulator, and stops everything.
# Usage: scripts/demo.sh [--requests N]
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

say() { printf '==> %s\n' "$*"; }
die() { printf 'demo: %s\n' "$*" >&2; exit 1; }

# --- 1. Debian packages and the Python that has moto ------------------------------
scripts/install-deps.sh
# moto + boto3 are Python packages (not in Debian 12): they must already be there.
PY=$(scripts/find-python.sh) || die "no python3 with moto and boto3 (the local CloudWatch Logs emulator); set CW_PYTHON"

# --- 2. build ------------------------------------------------------------------------
say "configuring (cmake --preset release) ..."
cmake --preset release -DCW_PYTHON="$PY" >/dev/null
say "building cw-sidecar ..."
cmake --build --preset release --target cw-sidecar >/dev/null || {
  # Show the errors only when it fails.
  cmake --build --preset release --target cw-sidecar 2>&1 | tail -40 >&2
  die "build failed"
}
BIN="$ROOT/build/release/src/app/cw-sidecar"
[[ -x "$BIN" ]] || die "no binary at $BIN after the build"
say "built $BIN ($("$BIN" --version 2>&1 | head -1))"

# --- 3-5. run (the Python driver stops moto and the API in its finally block) -------
export PYTHONDONTWRITEBYTECODE=1
exec "$PY" "$ROOT/demo/run_demo.py" --binary "$BIN" "$@"
