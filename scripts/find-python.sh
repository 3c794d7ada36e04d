#!/usr/bin/env bash
# Prints a python3 that has moto, boto3 and botocore (the tests' emulator and
# reference signer), or fails saying so.
for candidate in "${CW_PYTHON:-}" python3 /root/.pyenv/shims/python3 /usr/local/bin/python3 /usr/bin/python3; do
  [ -n "$candidate" ] || continue
  if command -v "$candidate" >/dev/null 2>&1 &&
     "$candidate" -c 'import moto, boto3, botocore' >/dev/null 2>&1; then
    command -v "$candidate"
    exit 0
  fi
done
echo "no python3 with moto, boto3 and botocore found (set CW_PYTHON)" >&2
exit 1
