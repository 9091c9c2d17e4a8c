#!/usr/bin/env bats
# gsmqd as a systemd service (no systemd runs here): the unit deploy/systemd/gsmqd.service
# as installed, checked with systemd-analyze verify and security; gsmqd's readiness
# notification (Type=notify) received by a service manager's end of the protocol in Python.

load install_helpers

setup_file() { install_into_root; }
setup() { gsmq_setup; }
teardown() { daemon_teardown; }

UNIT=usr/lib/systemd/system/gsmqd.service

# The installed unit with ExecStart pointing at the gsmqd installed into $ROOT (verify
# checks that the program exists; nothing else differs), written to $1.
unit_for_root() {
  sed "s#^ExecStart=/usr/bin/gsmqd #ExecStart=$ROOT/usr/bin/gsmqd #" "$ROOT/$UNIT" >"$1"
  grep -q "^ExecStart=$ROOT/usr/bin/gsmqd " "$1"
}

@test "the installed unit is deploy/systemd/gsmqd.service, with the sandbox the issue asks" {
  run diff "$GSMQ_SOURCE_DIR/deploy/systemd/gsmqd.service" "$ROOT/$UNIT"
  assert_success
  local setting
  for setting in Type=notify 'ExecStart=/usr/bin/gsmqd --config /etc/gsmq/gsmqd.toml' \
    'ExecReload=/bin/kill -HUP $MAINPID' User=gsmq StateDirectory=gsmq ProtectSystem=strict \
    ReadWritePaths=/var/lib/gsmq NoNewPrivileges=yes PrivateTmp=yes ProtectHome=yes CapabilityBoundingSet= \
    'RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6 AF_NETLINK' SystemCallFilter=@system-service \
    Restart=on-failure; do
    grep -qxF -- "$setting" "$ROOT/$UNIT" || fail "$UNIT lacks $setting"
  done
  # Installed under another prefix, the unit names that prefix's gsmqd and config.
  DESTDIR="$BATS_TEST_TMPDIR/opt" cmake --install "$BUILD_DIR" --prefix /opt/gsmq >/dev/null
  run grep '^ExecStart=' "$BATS_TEST_TMPDIR/opt/opt/gsmq/lib/systemd/system/gsmqd.service"
  assert_output "ExecStart=/opt/gsmq/bin/gsmqd --config /opt/gsmq/etc/gsmq/gsmqd.toml"
  [[ -f "$BATS_TEST_TMPDIR/opt/opt/gsmq/etc/gsmq/gsmqd.toml" ]]
}

@test "systemd-analyze verify passes the unit, without a warning" {
  command -v systemd-analyze >/dev/null || skip "systemd-analyze is not installed (Debian package systemd)"
  unit_for_root "$BATS_TEST_TMPDIR/gsmqd.service"
  # Documentation= names man pages: verify looks them up, here in the installed ones.
  MANPATH="$ROOT/usr/share/man" run systemd-analyze verify "$BATS_TEST_TMPDIR/gsmqd.service"
  assert_success
  assert_output ""
  # The check can fail: a misspelt setting is reported (verify still exits 0 for it).
  sed -i 's/^ProtectSystem=strict$/ProtectSystem=strikt/' "$BATS_TEST_TMPDIR/gsmqd.service"
  MANPATH="$ROOT/usr/share/man" run systemd-analyze verify "$BATS_TEST_TMPDIR/gsmqd.service"
  assert_output --partial "Failed to parse protect system value, ignoring: strikt"
}

@test "systemd-analyze security rates the unit's sandbox OK or better (exposure below 2)" {
  command -v systemd-analyze >/dev/null || skip "systemd-analyze is not installed (Debian package systemd)"
  unit_for_root "$BATS_TEST_TMPDIR/gsmqd.service"
  run systemd-analyze security --offline=yes --no-pager "$BATS_TEST_TMPDIR/gsmqd.service"
  assert_success
  local exposure
  exposure=$(sed -n 's/.*Overall exposure level for gsmqd.service: \([0-9.]*\).*/\1/p' <<<"$output")
  [[ -n "$exposure" ]] || fail "no exposure level in: $output"
  echo "exposure $exposure" >&3
  awk -v e="$exposure" 'BEGIN { exit !(e < 2.0) }' || fail "exposure $exposure; the report: $output"
}

# Starts the notification listener on socket $1; sets LISTENER (its PID), NOTES (its output).
start_listener() {
  NOTES="$BATS_TEST_TMPDIR/notes"
  /usr/bin/python3 "$GSMQ_SOURCE_DIR/tests/cli/python/notify_listener.py" "$1" 20 >"$NOTES" 2>&1 &
  LISTENER=$!
  track_pid "$LISTENER"
  poll_until grep -q '^bound$' "$NOTES"
}

@test "gsmqd says READY=1 on \$NOTIFY_SOCKET once it serves, STOPPING=1 when it stops" {
  start_listener "$BATS_TEST_TMPDIR/notify.sock"
  NOTIFY_SOCKET="$BATS_TEST_TMPDIR/notify.sock" gsmqd_start
  poll_until grep -q "^READY=1|STATUS=serving on 127.0.0.1:0, port $GSMQD_PORT\$" "$NOTES"
  # Ready means serving: a client is answered at once.
  run gsmqd ping "$GSMQ"
  assert_success
  gsmqd_stop
  assert_exit_status "$LISTENER" 0 "$NOTES"
  run cat "$NOTES"
  assert_output "bound"$'\n'"READY=1|STATUS=serving on 127.0.0.1:0, port $GSMQD_PORT"$'\n'"STOPPING=1"
}

@test "an abstract @socket works too; without NOTIFY_SOCKET or with a bad one gsmqd just serves" {
  start_listener "@gsmq-test-$$-$BATS_TEST_NUMBER"
  NOTIFY_SOCKET="@gsmq-test-$$-$BATS_TEST_NUMBER" gsmqd_start
  poll_until grep -q '^READY=1' "$NOTES"
  gsmqd_stop
  assert_exit_status "$LISTENER" 0 "$NOTES"
  # Nobody listening there, or not a socket name: logged, and gsmqd serves all the same.
  NOTIFY_SOCKET="$BATS_TEST_TMPDIR/nobody.sock" gsmqd_start
  run gsmqd ping "$GSMQ"
  assert_success
  grep -q 'cannot notify the service manager' "$GSMQD_LOG"
  gsmqd_stop
  NOTIFY_SOCKET="relative/path" gsmqd_start
  run gsmqd ping "$GSMQ"
  assert_success
  grep -q 'NOTIFY_SOCKET is not a socket path' "$GSMQD_LOG"
}

@test "gsmqd marks its data directory's format, and refuses one of a newer gsmq with exit 3" {
  gsmqd_start
  gsmqd_stop
  run cat "$GSMQD_DATA/format"
  assert_output "gsmq data directory format 1"
  # As if a newer gsmq had run here: refused before anything in it is read.
  echo "gsmq data directory format 2" >"$GSMQD_DATA/format"
  run -3 gsmqd --listen 127.0.0.1:0 --data-dir "$GSMQD_DATA"
  assert_output --partial "$GSMQD_DATA/format: data directory format 2, written by a newer gsmq; this gsmqd ($(gsmq_version)) reads format 1 at most"
  # A directory from before format versions (queues/ and store/, no format file) is taken.
  rm "$GSMQD_DATA/format"
  gsmqd_start
  grep -q 'msg="data directory from before format versions: marked as format 1"' "$GSMQD_LOG"
  [[ "$(cat "$GSMQD_DATA/format")" == "gsmq data directory format 1" ]]
}
