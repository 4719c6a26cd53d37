#!/usr/bin/env bash
# Sets up a Debian 12 machine for wsprobe and builds it: installs the Debian packages
# that are missing (apt-get; nothing is downloaded from elsewhere), configures a
# Release build in build/ and builds build/wsprobe, then runs the main job: the
# built-in server on a free port and `wsprobe handshake` against it. Quiet and quick
# when everything is already there; run it again at any time.
set -euo pipefail
cd "$(dirname "$0")/.."

# Build: compiler, CMake, Ninja and the libraries (libedit for connect's prompt). Tests:
# the libFuzzer toolchain, the interop peers nobody here wrote (Python websockets,
# tinyproxy, nginx), openssl for test certificates, chromium, in which a test opens
# check's HTML report, and zsh and fish, in which the completions are loaded. The curl
# tool is the baseline of scripts/sse_compare.sh.
packages=(
  g++ cmake ninja-build pkg-config libedit-dev
  libcurl4-openssl-dev libssl-dev libcli11-dev libfmt-dev libgtest-dev libgmock-dev zlib1g-dev libbenchmark-dev
  clang-14 libclang-rt-14-dev
  python3 python3-websockets tinyproxy nginx-light openssl chromium zsh fish curl
)

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
if ((${#missing[@]})); then
  echo "bootstrap: installing ${missing[*]}"
  sudo=()
  if [ "$(id -u)" -ne 0 ]; then sudo=(sudo); fi
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

log=build/bootstrap.log
mkdir -p build
if ! { cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release && cmake --build build; } >"$log" 2>&1; then
  cat "$log" >&2
  echo "bootstrap: build failed (log: $log)" >&2
  exit 1
fi

# The main job, as the README shows it: the built-in server on a free loopback port,
# and wsprobe handshake against it.
coproc SERVER { exec build/wsprobe serve --port 0; }
server_pid=$SERVER_PID
trap 'kill -TERM "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null' EXIT
if ! read -r -t 10 first_line <&"${SERVER[0]}"; then
  echo "bootstrap: wsprobe serve did not start" >&2
  exit 1
fi
url=${first_line#listening on }
echo "\$ wsprobe serve --port 0    # $first_line"
echo "\$ wsprobe handshake $url"
build/wsprobe handshake "$url"
