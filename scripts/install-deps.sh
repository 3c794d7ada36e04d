#!/usr/bin/env bash
# Installs the Debian packages the build, the tests and the demo need; does
# nothing when they are all present. Run as root (or with sudo available).
# With --build-only: just what building cw-sidecar needs (the Dockerfile's
# build stage uses that, so the image and the tests build from one list).
set -euo pipefail
packages=(cmake ninja-build g++ pkg-config libcurl4-openssl-dev libssl-dev libsimdjson-dev
          libcpp-httplib-dev libexpat1-dev libyaml-cpp-dev libre2-dev ca-certificates)
if [[ "${1:-}" != "--build-only" ]]; then
  packages+=(libgtest-dev libgmock-dev libbenchmark-dev gnuplot-nox openssl logrotate clang libclang-rt-14-dev)
fi
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
