#!/usr/bin/env bash
# Installs the Debian packages Eddy builds with. Idempotent: installs only what
# is missing, and touches nothing when everything is there. Needs root (or sudo).
set -euo pipefail

# parallel and python3-yaml: the fuzz campaign's spread tests (GNU parallel,
# the Kubernetes manifest's shape). chromium: the browser test of report.html
# (tests/report/browser_test.cc renders it headless; skipped without it).
packages=(cmake make g++ nlohmann-json3-dev librapidcheck-dev libgtest-dev libbenchmark-dev
          libcli11-dev libsimdjson-dev parallel python3-yaml chromium)

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" ||
    missing+=("$package")
done
if [[ ${#missing[@]} -eq 0 ]]; then
  echo "setup: all build packages are installed"
  exit 0
fi

as_root=()
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "setup: run as root to install: ${missing[*]}" >&2; exit 1; }
  as_root=(sudo)
fi
echo "setup: installing ${missing[*]}"
"${as_root[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq --no-install-recommends \
  "${missing[@]}" >/dev/null
echo "setup: done"
