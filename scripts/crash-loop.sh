#!/usr/bin/env bash
# Crash loop by hand: a local stack, `ballast run` killed with SIGKILL at random moments while events stream in,
# restarted each time on the same state directory; at the end the latest snapshot must count every valid event once.
#   scripts/crash-loop.sh [EVENTS] [KILLS]        (defaults 50000 and 5)
# Uses ports 19092 (Kafka) and 18081 (registry) and a fresh directory under ${TMPDIR:-/tmp}; cleans up on exit.
# The JUnit form with exact label-statistics and dead-letter checks is CrashLoopTest (docs/reliability.md).
set -euo pipefail
events="${1:-50000}"
kills="${2:-5}"
bad=$(( events / 1000 > 18 ? events / 1000 : 18 ))
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/ballast-crash-loop.XXXXXX")"
settings=(--config "$root/config/ballast.properties"
  --set bootstrap.servers=127.0.0.1:19092 --set schema.registry.url=http://127.0.0.1:18081
  --set state.dir="$work/state" --set session.timeout.ms=6000 --set heartbeat.interval.ms=1000)
stack_pid="" app_pid="" producer_pid=""

cleanup() {
  for pid in "$producer_pid" "$app_pid" "$stack_pid"; do
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  done
  rm -rf "$work"
}
trap cleanup EXIT

# Events counted by the latest published snapshot; 0 before the first.
trained() {
  local count
  count="$("$root/ballast" models --json "${settings[@]}" 2>/dev/null \
    | sed -n 's/.*"eventsTrained" *: *\([0-9]*\).*/\1/p' | head -1)" || true
  echo "${count:-0}"
}

start_app() {
  "$root/ballast" run "${settings[@]}" >> "$work/run.log" 2>&1 &
  app_pid=$!
}

"$root/ballast" --version > /dev/null   # builds on first use, before anything is timed
"$root/ballast" stack --kafka-port 19092 --registry-port 18081 --data-dir "$work/stack" > "$work/stack.log" 2>&1 &
stack_pid=$!
until grep -q "127.0.0.1:18081" "$work/stack.log" 2>/dev/null; do
  kill -0 "$stack_pid" 2>/dev/null || { echo "stack failed:"; cat "$work/stack.log"; exit 1; }
  sleep 1
done

start_app
rate=$(( events / (kills * 5) ))
echo "producing $events events + $bad bad records at $rate/s; $kills kills"
"$root/ballast" produce --synthetic "$events" --bad-records "$bad" --rate "$rate" "${settings[@]}" > "$work/produce.log" 2>&1 &
producer_pid=$!

for kill_number in $(seq 1 "$kills"); do
  sleep $(( 4 + RANDOM % 4 ))
  kill -9 "$app_pid"; wait "$app_pid" 2>/dev/null || true
  echo "kill $kill_number: app killed at $(trained) events trained (as last published)"
  start_app
done
wait "$producer_pid"; producer_pid=""

deadline=$(( SECONDS + 300 ))
until [ "$(trained)" = "$events" ]; do
  if [ "$SECONDS" -gt "$deadline" ]; then
    echo "FAILED: after 5 minutes the latest snapshot counts $(trained) events, expected $events; see $work/run.log"
    tail -30 "$work/run.log"; trap - EXIT; exit 1
  fi
  sleep 2
done
echo "OK: $events events produced, $kills kills, latest snapshot counts exactly $events (lost 0, duplicates 0)"
