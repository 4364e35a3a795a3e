#!/usr/bin/env bash
# Usage: tests/slurm/measure-array.sh [runner sweep options, e.g. --engine fake:delay=20 or --set train.iterations=50]
# Times the same cells of experiments/synthetic.toml twice, from the command to the written
# table: with the local executor (-j 2) and as one Slurm array (-j 2: %2) on a local
# single-node cluster (tests/slurm/start-local-cluster.sh, 2 CPUs), each into a fresh results
# folder. Prints one line per executor and whether the two tables are identical. Run it on a
# quiet machine (the figures are wall-clock times).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d /tmp/gi-measure-XXXXXX)
cluster="$work/cluster"
trap '"$root/tests/slurm/stop-local-cluster.sh" "$cluster"; rm -rf "$work"' EXIT
"$root/tests/slurm/start-local-cluster.sh" "$cluster" > /dev/null
export SLURM_CONF="$cluster/slurm.conf" GAZEINSIGHT_SLURM_POLL=1
"$root/runner" --help > /dev/null   # build first, outside the timing
exp="$root/experiments/synthetic.toml"
t0=$(date +%s.%N)
"$root/runner" sweep "$exp" --plain -j 2 --results "$work/local" "$@" > "$work/local.txt"
t1=$(date +%s.%N)
"$root/runner" sweep "$exp" --executor slurm --wait -j 2 --results "$work/slurm" "$@" > "$work/slurm.txt"
t2=$(date +%s.%N)
cells=$(grep -oE '[0-9]+ of [0-9]+ cells finished' "$work/local.txt" | tail -1)
printf 'local executor (-j 2):      %6.1f s to the table (%s)\n' "$(awk "BEGIN { print $t1 - $t0 }")" "$cells"
printf 'slurm array (%%2, 1 node):   %6.1f s from submission to table (%s)\n' "$(awk "BEGIN { print $t2 - $t1 }")" "$(grep -oE '[0-9]+ of [0-9]+ cells finished' "$work/slurm.txt" | tail -1)"
if cmp -s "$work/local/synthetic/table.md" "$work/slurm/synthetic/table.md"; then echo "table.md: identical"; else echo "table.md: DIFFERENT"; exit 1; fi
