#!/usr/bin/env bash
# Usage: tests/slurm/stop-local-cluster.sh DIR
# Stops what start-local-cluster.sh DIR started: the daemons whose pids are in DIR's pid files
# (only while that process's command line still names DIR: a reused pid is left alone), SIGTERM
# then SIGKILL after 10 s; then the job steps left behind (a test that failed while tasks ran):
# the processes whose environment names this cluster (SLURM_CONF=DIR/slurm.conf, which slurmd
# and its slurmstepd children inherit) that are a step daemon or a job's process, by pid, SIGKILL.
set -uo pipefail
dir=${1:?usage: stop-local-cluster.sh DIR}
dir=$(cd "$dir" 2>/dev/null && pwd) || exit 0
ours() { [ -r "/proc/$1/cmdline" ] && tr '\0' ' ' < "/proc/$1/cmdline" | grep -qF "$dir"; }
steps() {
  for e in /proc/[0-9]*/environ; do
    pid=${e#/proc/}; pid=${pid%/environ}
    env=$( { tr '\0' '\n' < "$e"; } 2>/dev/null) || continue
    [ "$pid" != $$ ] && grep -qxF "SLURM_CONF=$dir/slurm.conf" <<<"$env" || continue
    # a step daemon, or a job's own process (it has a job id); not the clients (sbatch, a sweep)
    if { tr '\0' ' ' < "/proc/$pid/cmdline"; } 2>/dev/null | grep -q '^slurmstepd' || grep -q '^SLURM_JOB_ID=' <<<"$env"; then echo "$pid"; fi
  done
}
leftover() { for pid in $(steps); do kill -KILL "$pid" 2>/dev/null; done; }
pids=()
for f in slurmd slurmctld munged; do
  [ -f "$dir/$f.pid" ] || continue
  pid=$(tr -dc 0-9 < "$dir/$f.pid")
  if [ -n "$pid" ] && ours "$pid"; then kill -TERM "$pid" 2>/dev/null && pids+=("$pid"); fi
done
for _ in $(seq 50); do
  alive=()
  for pid in "${pids[@]}"; do ours "$pid" && alive+=("$pid"); done
  [ ${#alive[@]} -eq 0 ] && break
  sleep 0.2
done
for pid in "${alive[@]}"; do ours "$pid" && kill -KILL "$pid" 2>/dev/null; done
leftover
exit 0
