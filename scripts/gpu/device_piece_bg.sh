#!/usr/bin/env bash
# device_piece_bg.sh: a piece longer than one device call (C3, eager mode,
# needs ~600 s of engine start and bench; one call may last 600 s).
# The lent host kills what a call leaves running when the call returns,
# except a process that started its own session (setsid), which runs on until
# the host is given back (~30 s idle). So:
#   call k:   bash scripts/gpu/device_piece_bg.sh start BUDGET_S PLAN [matrix args...]
#   call k+1: bash scripts/gpu/device_piece_bg.sh wait 560   # back to back, repeat until "done"
# PIECE (default scripts/gpu/device_piece.sh; or scripts/gpu/device_capacity.sh)
# names the piece script.
# `start` runs the piece script (same arguments) under setsid, detached, its
# output in $BG/log and its piece.tar.xz in $BG/out; it returns at once.
# `wait S` waits up to S seconds for it to end, prints the log's tail, and when
# it has ended copies piece.tar.xz and the log to $OUT and exits with the
# piece's status; while it still runs it exits 75 ("call again").
set -uo pipefail
cd "$(dirname "$0")/../.."
BG=${BG:-/tmp/piece-bg}
cmd=${1:?usage: device_piece_bg.sh start BUDGET_S PLAN [args...] | wait SECONDS}
shift
case $cmd in
  start)
    if [ -f "$BG/pid" ] && kill -0 "$(cat "$BG/pid")" 2>/dev/null; then
      echo "device_piece_bg: a piece is already running (pid $(cat "$BG/pid")); use wait"
      exit 2
    fi
    rm -rf "$BG"; mkdir -p "$BG/out"
    # setsid: a new session, so the call's end does not stop it; argv, no shell string.
    piece=${PIECE:-scripts/gpu/device_piece.sh}
    OUT="$BG/out" setsid bash "$piece" "$@" >"$BG/log" 2>&1 </dev/null &
    echo $! >"$BG/pid"
    sleep 2
    echo "device_piece_bg: started pid $(cat "$BG/pid") at $(date -u +%FT%TZ): $piece $*"
    tail -n 5 "$BG/log"
    ;;
  wait)
    limit=${1:?usage: device_piece_bg.sh wait SECONDS}
    [ -f "$BG/pid" ] || { echo "device_piece_bg: nothing started in $BG"; exit 2; }
    pid=$(cat "$BG/pid")
    waited=0
    while kill -0 "$pid" 2>/dev/null && [ "$waited" -lt "$limit" ]; do sleep 5; waited=$((waited + 5)); done
    tail -n 8 "$BG/log"
    if kill -0 "$pid" 2>/dev/null; then
      # Finished parts of a longer piece (device_plans.sh renames each plan's
      # tarball into $BG/out when it is complete) come back with every call.
      mkdir -p "${OUT:-/tmp/out}"
      for f in "$BG"/out/*.tar.xz; do [ -f "$f" ] && cp "$f" "${OUT:-/tmp/out}/"; done
      cp "$BG/log" "${OUT:-/tmp/out}/piece-bg.log"
      echo "device_piece_bg: still running after ${waited}s of this call; call wait again"
      exit 75
    fi
    rc=$(sed -n 's/^device_piece: [a-z]* exit \([0-9]*\).*/\1/p' "$BG/log" | tail -n 1)
    mkdir -p "${OUT:-/tmp/out}"
    cp "$BG/log" "${OUT:-/tmp/out}/piece-bg.log"
    for f in "$BG"/out/*.tar.xz; do [ -f "$f" ] && cp "$f" "${OUT:-/tmp/out}/"; done
    echo "device_piece_bg: done, exit ${rc:-unknown}"
    exit "${rc:-2}"
    ;;
  *)
    echo "device_piece_bg: unknown command '$cmd' (start or wait)"
    exit 2
    ;;
esac
