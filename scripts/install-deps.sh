#!/usr/bin/env bash
# Installs every Debian 12 package gsmq needs to build, test and benchmark.
# Run as root (or with sudo). Safe to run again.
set -euo pipefail
packages=(
  # build
  cmake ninja-build g++ pkg-config ccache scdoc
  libcli11-dev libtomlplusplus-dev nlohmann-json3-dev libgrpc++-dev libabsl-dev libprotobuf-dev protobuf-compiler protobuf-compiler-grpc
  libpaho-mqttpp-dev libpaho-mqtt-dev libcoap3-dev libzmq3-dev cppzmq-dev libboost-dev libjemalloc-dev libssl-dev
  libre2-dev
  libnats-dev libhiredis-dev
  # tests: runners and the real peers the tests start on loopback
  libgtest-dev googletest bats bats-assert bats-support jq curl man-db groff-base procps psmisc openssl
  python3 python3-grpcio python3-grpc-tools python3-paho-mqtt python3-zmq
  mosquitto mosquitto-clients libcoap3-bin iproute2
  rabbitmq-server librabbitmq-dev python3-pika python3-stomp
  nats-server redis-server socat python3-websockets
  python3-prometheus-client chromium
  # scripts/fuzz.sh (and its short pass in scripts/test.sh): clang's libFuzzer
  clang libclang-rt-14-dev
  # tests/cli/disk_full.bats: a small loop-mounted ext4 file system
  e2fsprogs util-linux mount
  # tests/cli/deb.bats: cpack's dependency list (dpkg-shlibdeps), the package's postinst
  dpkg-dev adduser
  # tests/cli/service.bats and deb.bats: systemd-analyze verify and security on the unit
  systemd
)
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends "${packages[@]}"
# The offline checks of deploy/ (tests/cli/deploy.bats) run on Node.js with packages from
# the npm registry; Debian's Node.js where the machine has none of its own.
if ! command -v npm >/dev/null; then
  $SUDO apt-get install -y --no-install-recommends nodejs npm
fi
