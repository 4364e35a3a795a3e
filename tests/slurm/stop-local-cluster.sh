#!/usr/bin/env bash
# Usage: tests/slurm/stop-local-cluster.sh DIR
# Stops the daemons start-local-cluster.sh DIR started: exactly the pids in DIR's pid files,
# and only while that process's command line still names DIR (a reused pid is left alone).
# SIGTERM, then SIGKILL after 10 s. Jobs still running on the node end with their slurmd.
set -uo pipefail
dir=${1:?usage: stop-local-cluster.sh DIR}
dir=$(cd "$dir" 2>/dev/null && pwd) || exit 0
ours() { [ -r "/proc/$1/cmdline" ] && tr '\0' ' ' < "/proc/$1/cmdline" | grep -qF "$dir"; }
pids=()
for f in slurmd slurmctld munged; do
  [ -f "$dir/$f.pid" ] || continue
  pid=$(tr -dc 0-9 < "$dir/$f.pid")
  if [ -n "$pid" ] && ours "$pid"; then kill -TERM "$pid" 2>/dev/null && pids+=("$pid"); fi
done
for _ in $(seq 50); do
  alive=()
  for pid in "${pids[@]}"; do ours "$pid" && alive+=("$pid"); done
  [ ${#alive[@]} -eq 0 ] && exit 0
  sleep 0.2
done
for pid in "${alive[@]}"; do ours "$pid" && kill -KILL "$pid" 2>/dev/null; done
exit 0
