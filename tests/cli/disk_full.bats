#!/usr/bin/env bats
# gsmqd on a small file system that fills up: below --min-free-space, and on a disk that is
# really full, sends are refused with a clear error (gsmq-send exits 1 and says "disk
# full"), receives and acks keep working, sends come back without a restart once there is
# room, and a write cut short by the full disk leaves no damage: nothing acknowledged is
# lost across a crash and recovery cuts the torn record off.
#
# The data directory is on an ext4 file system in a 16 MiB image file, loop-mounted in a
# mount namespace of gsmqd's own (unshare -m), so nothing is mounted for the rest of the
# machine and the mount goes when gsmqd does; the test reaches that file system through
# /proc/GSMQD_PID/root. Skipped, saying why, where mounting is not permitted (not root,
# no loop devices).

bats_require_minimum_version 1.5.0
load daemon_helpers

setup() {
  gsmq_setup
  local tool
  for tool in unshare mount mkfs.ext4 dd truncate stat; do
    command -v "$tool" >/dev/null || skip "needs $tool"
  done
  FS_IMAGE="$BATS_TEST_TMPDIR/disk.img"
  MNT="$BATS_TEST_TMPDIR/mnt"
  mkdir -p "$MNT" "$BATS_TEST_TMPDIR/bin"
  truncate -s 16M "$FS_IMAGE"
  mkfs.ext4 -q -F -m 0 -b 4096 "$FS_IMAGE"
  if ! unshare -m sh -c 'mount -o loop "$1" "$2"' sh "$FS_IMAGE" "$MNT" 2>"$BATS_TEST_TMPDIR/mount.err"; then
    skip "cannot loop-mount a file system here (needs root and /dev/loop*): $(cat "$BATS_TEST_TMPDIR/mount.err")"
  fi
  # gsmqd_start runs this gsmqd: the real one, in its own namespace with the image mounted.
  cat >"$BATS_TEST_TMPDIR/bin/gsmqd" <<EOF
#!/bin/sh
exec unshare -m sh -c 'mount -o loop "\$1" "\$2" && shift 2 && exec "\$@"' sh "$FS_IMAGE" "$MNT" "$GSMQ_BIN_DIR/gsmqd" "\$@"
EOF
  chmod +x "$BATS_TEST_TMPDIR/bin/gsmqd"
  PATH="$BATS_TEST_TMPDIR/bin:$PATH"
  GSMQD_DATA="$MNT/data"
}

teardown() {
  daemon_teardown
}

# The mounted file system as gsmqd sees it.
fs() {
  echo "/proc/$GSMQD_PID/root$MNT"
}

# Bytes free on it (for an unprivileged user, as statvfs's f_bavail).
free_bytes() {
  stat -f -c '%a %S' "$(fs)" | awk '{ print $1 * $2 }'
}

# The first data segment file of queue channel q.
segment() {
  echo "$(fs)/data/queues/q/data/00000000000000000001.seg"
}

# Fills the file system with the file "filler", then frees $1 KiB of it again.
fill_leaving_kib() {
  dd if=/dev/zero of="$(fs)/filler" bs=64k 2>/dev/null || true
  sync -f "$(fs)/filler"
  truncate -s "-${1}K" "$(fs)/filler"
  sync -f "$(fs)/filler"
}

@test "below --min-free-space (from --config): sends refused, receives and acks work, sends resume" {
  printf 'min-free-space = "4MiB"\n' >gsmqd.toml
  gsmqd_start --config gsmqd.toml
  gsmq-send -m m1 -m m2 -m m3 "$GSMQ/q"
  fill_leaving_kib 2048
  (($(free_bytes) < 4 * 1024 * 1024))

  run --separate-stderr gsmq-send -m refused "$GSMQ/q"
  assert_failure 1
  [[ "$stderr" == *"disk full: the data directory $GSMQD_DATA has "*" bytes free, less than --min-free-space 4MiB"* ]]
  run --separate-stderr gsmq-send --store -m refused "$GSMQ/log"
  assert_failure 1
  [[ "$stderr" == *"disk full: "* ]]
  grep -q 'refusing sends: too little disk space' "$GSMQD_LOG"

  # Receiving (each one acked) goes on.
  run --separate-stderr gsmq-recv --count 3 "$GSMQ/q"
  assert_success
  [[ "$(echo "$output" | jq -r .body | paste -sd ' ')" == "m1 m2 m3" ]]
  run --separate-stderr gsmq-recv --count 1 --wait 200ms "$GSMQ/q"
  assert_failure 5

  # Room again: taken at once, same daemon.
  rm "$(fs)/filler"
  gsmq-send -m back "$GSMQ/q"
  run --separate-stderr gsmq-recv --count 1 "$GSMQ/q"
  [[ "$(echo "$output" | jq -r .body)" == back ]]
  grep -q 'taking sends again: disk space is back' "$GSMQD_LOG"
}

@test "a full disk cuts a write short: the send fails, a crash loses nothing acknowledged, recovery cuts the torn record" {
  gsmqd_start --min-free-space 0 --fsync always --segment-size 4MiB
  gsmq-send -m a1 -m a2 -m a3 "$GSMQ/q"
  [[ -f "$(segment)" ]]
  local before
  before="$(stat -c %s "$(segment)")"
  fill_leaving_kib 24
  (($(free_bytes) > 0))

  # 200 KB does not fit in the 24 KiB left: part of the record is written, then ENOSPC.
  head -c 200000 /dev/zero | tr '\0' x >big
  run --separate-stderr gsmq-send --raw "$GSMQ/q" <big
  assert_failure 1
  [[ "$stderr" == *"disk full: cannot store message: No space left on device"* ]]
  (($(stat -c %s "$(segment)") > before)) # the torn part is in the file

  # A crash now, with the torn part still there, and a restart on the still full disk.
  gsmqd_kill9
  gsmqd_start --min-free-space 0 --fsync always --segment-size 4MiB
  grep -q 'truncated torn tail' "$GSMQD_LOG"
  run grep 'skipped corrupt record' "$GSMQD_LOG"
  assert_failure
  (($(stat -c %s "$(segment)") == before))

  run --separate-stderr gsmq-recv --count 3 "$GSMQ/q"
  assert_success
  [[ "$(echo "$output" | jq -r .body | paste -sd ' ')" == "a1 a2 a3" ]]
  # What fits is taken on the same disk, and reads back after the next restart.
  gsmq-send -m a4 "$GSMQ/q"
  gsmqd_stop
  gsmqd_start --min-free-space 0
  run --separate-stderr gsmq-recv --count 1 --wait 2s "$GSMQ/q"
  assert_success
  [[ "$(echo "$output" | jq -r .body)" == a4 ]]
  run grep 'skipped corrupt record' "$GSMQD_LOG"
  assert_failure
}
