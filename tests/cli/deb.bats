#!/usr/bin/env bats
# The Debian package (cmake/GsmqPackage.cmake): built with `cpack -G DEB` from the build
# tree, checked with dpkg-deb, installed with apt-get on this machine, its gsmqd run as
# the gsmq user it made, then removed and purged. This changes the machine (a package, a
# system user, /var/lib/gsmq), so it runs only as root (as in CI), only where gsmq is not
# installed already, and teardown_file purges the package whatever happened (and puts
# back a /var/lib/gsmq that was there before).

load daemon_helpers

# apt-get without questions, waiting (bounded) for dpkg's lock if another apt-get holds it.
apt_get() {
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=120 "$@"
}

# Whether dpkg knows a gsmq package in any state but not-installed (installed, config
# files left, half-configured, ...).
package_known() {
  local state
  state=$(dpkg-query -W -f '${db:Status-Status}' gsmq 2>/dev/null) || return 1
  [[ -n "$state" && "$state" != not-installed ]]
}

setup_file() {
  [[ "$(id -u)" -eq 0 ]] || skip "installs a package: needs root (CI runs as root)"
  command -v apt-get >/dev/null || skip "needs apt-get (a Debian machine)"
  command -v dpkg-shlibdeps >/dev/null || skip "needs dpkg-shlibdeps (dpkg-dev; scripts/install-deps.sh installs it)"
  package_known && skip "a gsmq package is installed on this machine already: not touching it"
  getent passwd gsmq >/dev/null && skip "a user gsmq exists already: not touching it"
  BUILD_DIR="$(cd "$GSMQ_BIN_DIR/.." && pwd)"
  PKG_DIR="$BATS_FILE_TMPDIR/pkg"
  (cd "$BUILD_DIR" && cpack -G DEB -B "$PKG_DIR") >"$BATS_FILE_TMPDIR/cpack.log" 2>&1 ||
    { cat "$BATS_FILE_TMPDIR/cpack.log" >&3; return 1; }
  DEB="$(echo "$PKG_DIR"/gsmq_*.deb)"
  [[ -f "$DEB" ]] || { echo "cpack made no gsmq_*.deb" >&3; return 1; }
  # A gsmqd run as root without --data-dir (scripts/demo.sh) leaves /var/lib/gsmq: moved
  # aside while the package owns that path, put back by teardown_file; not when in use.
  if [[ -e /var/lib/gsmq ]]; then
    if [[ -e /var/lib/gsmq/gsmqd.lock ]] && ! flock -n /var/lib/gsmq/gsmqd.lock true; then
      skip "a gsmqd is running on /var/lib/gsmq: not touching it"
    fi
    SAVED_DATA_DIR=$(mktemp -d /var/lib/gsmq.saved-by-deb-bats.XXXXXX)
    mv /var/lib/gsmq "$SAVED_DATA_DIR/"
    export SAVED_DATA_DIR
  fi
  export BUILD_DIR PKG_DIR DEB
}

teardown_file() {
  if package_known; then
    apt_get purge -y gsmq >/dev/null 2>&1 || dpkg --purge gsmq >/dev/null 2>&1 || true
  fi
  if [[ -n "${SAVED_DATA_DIR:-}" && -d "$SAVED_DATA_DIR/gsmq" && ! -e /var/lib/gsmq ]]; then
    mv "$SAVED_DATA_DIR/gsmq" /var/lib/gsmq && rmdir "$SAVED_DATA_DIR"
  fi
}

setup() { gsmq_setup; }
teardown() {
  daemon_teardown
  [[ -z "${RUN_DIR:-}" ]] || rm -rf "$RUN_DIR"
}

@test "the .deb: runtime libraries as Depends, the files, the config a conffile" {
  run dpkg-deb -f "$DEB" Package Version Architecture
  assert_success
  assert_line "Package: gsmq"
  assert_line "Version: $(gsmq_version)"
  local depends
  depends=$(dpkg-deb -f "$DEB" Depends)
  # Computed from the binaries by dpkg-shlibdeps: the libraries the tools load, at runtime
  # package names, and nothing a build needs.
  [[ "$depends" == *"libgrpc++1.51"* && "$depends" == *"libprotobuf32"* && "$depends" == *"libc6"* ]] ||
    fail "Depends lacks the runtime libraries: $depends"
  [[ "$depends" == *adduser* ]] || fail "Depends lacks adduser (postinst): $depends"
  if grep -Eq -- '-dev\b|cmake|g\+\+|protobuf-compiler|scdoc' <<<"$depends"; then
    fail "Depends names build-only packages: $depends"
  fi
  run dpkg-deb -c "$DEB"
  assert_success
  local f
  for f in ./usr/bin/gsmqd ./usr/bin/gsmq-send ./usr/bin/gsmq-recv ./usr/bin/gsmq-bridge ./usr/bin/gsmq-gen \
    ./etc/gsmq/gsmqd.toml ./usr/share/man/man8/gsmqd.8.gz ./usr/share/gsmq/proto/gsmq/v1/broker.proto \
    ./usr/share/bash-completion/completions/gsmqd; do
    assert_output --regexp " $f"$'(\n|$)'
  done
  run bash -c "dpkg-deb --ctrl-tarfile '$DEB' | tar -xO ./conffiles"
  assert_success
  assert_output /etc/gsmq/gsmqd.toml
}

@test "apt-get installs the .deb; its gsmqd runs as gsmq and round-trips; purge removes all" {
  run apt_get install -y "$DEB"
  assert_success
  # The system user and its data directory.
  local uid
  uid=$(id -u gsmq)
  ((uid < 1000)) || fail "gsmq is not a system user (uid $uid)"
  [[ "$(stat -c %U:%G:%a /var/lib/gsmq)" == gsmq:gsmq:750 ]] || fail "/var/lib/gsmq: $(stat -c %U:%G:%a /var/lib/gsmq)"
  # The unit as installed, now that the gsmqd and man pages it names are in place.
  if command -v systemd-analyze >/dev/null; then
    run systemd-analyze verify /usr/lib/systemd/system/gsmqd.service
    assert_success
    assert_output ""
  fi
  # The installed gsmqd as gsmq (setpriv execs it, so GSMQD_PID is gsmqd's), with the
  # installed config and its data directory (/var/lib/gsmq); a free port instead of 7878.
  RUN_DIR=$(mktemp -d /tmp/gsmq-deb.XXXXXX)  # where gsmq may write its port file
  chown gsmq:gsmq "$RUN_DIR"
  GSMQD_LOG="$BATS_TEST_TMPDIR/gsmqd.log"
  setpriv --reuid gsmq --regid gsmq --init-groups /usr/bin/gsmqd --config /etc/gsmq/gsmqd.toml --listen 127.0.0.1:0 \
    --port-file "$RUN_DIR/port" </dev/null >>"$GSMQD_LOG" 2>&1 3>&- &
  GSMQD_PID=$!
  track_pid "$GSMQD_PID"
  poll_until test -s "$RUN_DIR/port"
  local url="gsmq://127.0.0.1:$(cat "$RUN_DIR/port")"
  run /usr/bin/gsmqd ping "$url"
  assert_success
  assert_output --partial '"data_dir":"/var/lib/gsmq"'
  run /usr/bin/gsmq-send -m "from the package" "$url/deb"
  assert_success
  run /usr/bin/gsmq-recv --count 1 --raw "$url/deb"
  assert_success
  assert_output "from the package"
  gsmqd_stop
  # What gsmqd wrote is the gsmq user's.
  run find /var/lib/gsmq -mindepth 1 ! -user gsmq
  assert_success
  assert_output ""

  # remove: the binaries go, the edited config (a conffile), the user and the data stay.
  echo '# edited here' >>/etc/gsmq/gsmqd.toml
  run apt_get remove -y gsmq
  assert_success
  [[ ! -e /usr/bin/gsmqd && ! -e /usr/bin/gsmq-send && ! -e /usr/share/man/man8/gsmqd.8.gz ]]
  grep -q '# edited here' /etc/gsmq/gsmqd.toml
  getent passwd gsmq >/dev/null
  [[ -d /var/lib/gsmq/queues ]]
  # purge: the config, the data directory and the user go too.
  run apt_get purge -y gsmq
  assert_success
  [[ ! -e /etc/gsmq/gsmqd.toml && ! -e /var/lib/gsmq ]]
  run getent passwd gsmq
  assert_failure
  run getent group gsmq
  assert_failure
  run package_known
  assert_failure
}
