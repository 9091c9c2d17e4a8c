#!/usr/bin/env bash
# The main job, end to end on a fresh Debian 12 machine: installs the packages, builds,
# starts gsmqd on its default data directory and port, and runs a small sensor pipeline
# through it (priority queue, events-store replay, request-reply). Stops gsmqd at the end.
# Usage: bash scripts/demo.sh        (SKIP_DEPS=1 to skip apt-get; READINGS=N to send more)
set -euo pipefail
cd "$(dirname "$0")/.."
[ "${SKIP_DEPS:-0}" = 1 ] || bash scripts/install-deps.sh
cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build/release -j "$(nproc)"
export PATH="$PWD/build/release/tools:$PATH"
readings=${READINGS:-10}
url=gsmq://127.0.0.1:7878

echo "== starting gsmqd (default data directory, 127.0.0.1:7878) =="
gsmqd &
daemon=$!
trap 'kill $daemon 2>/dev/null; wait $daemon 2>/dev/null || true' EXIT
for _ in $(seq 100); do  # readiness: until a request goes through (10 s at most)
  gsmq-recv --peek "$url/demo.ready" >/dev/null 2>&1 && break
  sleep 0.1
done

echo "== $readings door/motion readings into the durable queue sensors.in (alarms at priority 9) =="
for i in $(seq "$readings"); do
  kind=$([ $((i % 2)) = 0 ] && echo door || echo motion)
  prio=$([ $((i % 5)) = 0 ] && echo 9 || echo 0)
  printf '{"channel":"sensors.in","body":{"sensor":"%s-%d","value":%d},"priority":%d,"meta":{"site":"lab"}}\n' \
    "$kind" "$i" $((i % 2)) "$prio"
done | gsmq-send --print "$url/sensors.in" | jq -c '{id, seq}'

echo "== consumer: alarms first, each stamped with created_at and appended to the events-store =="
stamped=$(mktemp)
gsmq-recv --count "$readings" --wait 10s "$url/sensors.in" |
  jq -c --arg now "$(date -u +%FT%TZ)" '.body.created_at = $now | {channel: "sensors.log", body, priority: (.priority // 0), meta}' \
    >"$stamped"
cat "$stamped"
# The data directory persists across runs: this run's readings start at the first seq --print reports.
first=$(gsmq-send --store --print "$url/sensors.log" <"$stamped" | jq -s '.[0].seq')
rm -f "$stamped"

echo "== replay of the events-store from this run's first reading (seq $first), last three shown =="
gsmq-recv --store --from "seq:$first" --count "$readings" --format '{seq} {body}' "$url/sensors.log" | tail -n 3

echo "== request-reply: a responder answers status requests =="
gsmq-recv --respond --raw --exec 'echo "ok: $(cat)"' --count 1 "$url/status" &
responder=$!
for _ in $(seq 50); do
  reply=$(gsmq-send --request --timeout 1s -m "are you there?" "$url/status" 2>/dev/null) && break
  sleep 0.1
done
wait $responder || true
echo "$reply" | jq -c .
echo "== done: gsmqd stops cleanly; its data stays in ${GSMQ_DATA_DIR:-the default data directory} =="
