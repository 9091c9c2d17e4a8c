#!/usr/bin/env bats
# A power cut under a running gsmqd: everything not fsynced is lost, the page cache
# included (kill -9 alone keeps it). With --fsync always and batch, every message whose
# send gsmq-send saw acknowledged is there after the cut and gsmqd starts; with --fsync
# never, acknowledged messages are lost, which shows that the cut drops what was not synced.
#
# How: gsmqd runs with tests/power_cut/preload.cpp loaded (LD_PRELOAD), which wraps the
# C library's fsync/fdatasync and journals what each successful call made durable (file
# sizes, directory entries). At the cut gsmqd is killed (-9) in the middle of a stream of
# sends, and tests/power_cut/reboot.py puts its data directory back to what the journal
# says survived: entries never synced into their directory go, files are cut back to their
# last synced size, and (seeded, so a failure repeats) a random part of the unsynced tail
# stays as a torn write with a zeroed block in it. Device-mapper (dm-flakey,
# dm-log-writes) would do this below the file system, but is not in every kernel (not in
# the one this was written on); this works wherever LD_PRELOAD does.

bats_require_minimum_version 1.5.0
load daemon_helpers

setup() {
  gsmq_setup
  POWER_CUT_LIB="$(cd "$GSMQ_BIN_DIR/.." && pwd)/tests/libgsmq_power_cut.so"
  [[ -f "$POWER_CUT_LIB" ]] || fail "not built: $POWER_CUT_LIB"
  mkdir data
  GSMQD_DATA="$(realpath data)"
  JOURNAL="$BATS_TEST_TMPDIR/sync.journal"
}

teardown() {
  daemon_teardown
}

# gsmqd_start with every fsync/fdatasync below the data directory journalled.
start_recorded() {
  export GSMQ_POWER_CUT_ROOT="$GSMQD_DATA" GSMQ_POWER_CUT_JOURNAL="$JOURNAL" LD_PRELOAD="$POWER_CUT_LIB"
  # Under ASan, the preloaded library comes before the sanitizer's runtime: allowed.
  local asan="${ASAN_OPTIONS:-}"
  export ASAN_OPTIONS="${asan:+$asan:}verify_asan_link_order=0"
  local status=0
  gsmqd_start "$@" || status=$?
  unset GSMQ_POWER_CUT_ROOT GSMQ_POWER_CUT_JOURNAL LD_PRELOAD
  if [[ -n "$asan" ]]; then export ASAN_OPTIONS="$asan"; else unset ASAN_OPTIONS; fi
  return "$status"
}

# The URL of channel $1 of the running gsmqd. A long connect timeout: on a loaded machine
# (ASan, other suites) the first answer can take more than the default 5 s.
at() {
  echo "$GSMQ/$1?connect_timeout=30s"
}

# N JSON lines with bodies $1-1 .. $1-N, 120 bytes each.
bodies() {
  local prefix=$1 n=$2
  seq 1 "$n" | awk -v p="$prefix" '{ printf "{\"body\":\"%s-%d-%0100d\"}\n", p, $1, 0 }'
}

# Ids (sorted) of the JSON lines in file $1.
ids() {
  jq -r .id "$1" | sort
}

# The cut, and the restart: kill -9 in the middle of a stream of sends to queue "cut", the
# tree put back to what was synced (seed $1), gsmqd started again (--fsync $2).
# Before it: acknowledged sends to queue "q" and events-store "log", and a consumer
# that acked some of q (so there are state records and dropped segments).
# After it: acked.ids (every acknowledged send), consumed.ids, and q.ids, cut.ids,
# log.ids (what each channel holds after the restart).
cut_power_during_sends() {
  local seed=$1 policy=$2
  start_recorded --fsync "$policy" --segment-size 64KiB
  bodies q 600 | gsmq-send --print "$(at q)" >acked-q.jsonl
  bodies log 150 | gsmq-send --print --store "$(at log)" >acked-log.jsonl
  # One at a time: messages taken beyond the count would go back when gsmq-recv ends, but
  # that settlement may not be durable at the cut, and then they are in flight after it
  # (invisible for their visibility timeout, not lost: gsmqd(8), STORAGE).
  gsmq-recv --prefetch 1 --count 250 "$(at q)" >consumed.jsonl
  # A stream that is still sending when the power goes.
  bodies cut 200000 | gsmq-send --print "$(at cut)" >acked-cut.jsonl 2>send.err &
  local sender=$!
  track_pid "$sender"
  poll_until has_lines acked-cut.jsonl 1000
  gsmqd_kill9
  # Its acknowledgements so far are in acked-cut.jsonl (flushed line by line); the rest
  # would only be retries against a daemon that is gone.
  kill -9 "$sender" 2>/dev/null || true
  wait "$sender" 2>/dev/null || true
  /usr/bin/python3 "$GSMQ_SOURCE_DIR/tests/power_cut/reboot.py" "$GSMQD_DATA" "$JOURNAL" "$seed" 2>reboot.txt

  gsmqd_start --fsync "$policy" --segment-size 64KiB
  cat acked-q.jsonl acked-log.jsonl acked-cut.jsonl | jq -r .id | sort >acked.ids
  ids consumed.jsonl >consumed.ids
  gsmq-recv "$(at q)" >q.jsonl
  gsmq-recv "$(at cut)" >cut.jsonl
  gsmq-recv --store --from first --count "$(count_lines acked-log.jsonl)" --wait 3s "$(at log)" >log.jsonl || true
  ids q.jsonl >q.ids
  ids cut.jsonl >cut.ids
  ids log.jsonl >log.ids
}

# The acknowledged ids (not consumed before the cut) that no channel holds after it.
lost_ids() {
  sort -u q.ids cut.ids log.ids consumed.ids | comm -23 acked.ids -
}

# Fails, saying how many and which, if an acknowledged message was lost.
assert_none_lost() {
  lost_ids >lost.ids
  [[ ! -s lost.ids ]] ||
    fail "$(wc -l <lost.ids) acknowledged messages lost in the cut (of $(wc -l <acked.ids)), the first: $(head -3 lost.ids | paste -sd ' ')"
}

@test "--fsync always: a power cut loses no acknowledged message, and gsmqd starts" {
  cut_power_during_sends 1 always
  (($(count_lines acked-cut.jsonl) >= 1000))
  assert_none_lost
  # Nothing is there twice, and nothing is there that was not sent.
  [[ -z "$(sort q.ids cut.ids log.ids | uniq -d)" ]]
  grep -q '^power cut: ' reboot.txt
}

@test "--fsync batch: a power cut loses no acknowledged message, and gsmqd starts" {
  cut_power_during_sends 2 batch
  assert_none_lost
  [[ -z "$(sort q.ids cut.ids log.ids | uniq -d)" ]]
}

@test "--fsync never: the same cut loses acknowledged messages (the cut is real), and gsmqd starts" {
  cut_power_during_sends 3 never
  lost_ids >lost.ids
  [[ -s lost.ids ]]
  # Without a sync, the segments were cut back to what torn writes kept of them.
  grep -qE '^power cut: .* cut [1-9][0-9]* unsynced bytes' reboot.txt
}
