#!/usr/bin/env bash
# Usage: benchmarks/cpu-ratio.sh [rounds] [iterations]
# Runs GazeInsight's FGI training step (./runner bench-train-step) and the PyTorch reference
# (benchmarks/fgi_step_pytorch.py, Debian python3-torch) alternately in one call on the CPU at a
# CPU-sized configuration (batch 4, 96 px, paper widths, 2 threads), and prints per-step wall and
# CPU time, their ratio (ours / PyTorch; < 1 means ours is faster) and the peak RSS of each process.
# Figures depend on the machine's load: take the final ones on a quiet machine.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-2}; iters=${2:-2}
B=4; H=96; T=2
py=/usr/bin/python3
"$py" -c 'import torch' 2>/dev/null || { echo "cpu-ratio.sh: $py has no torch: apt-get install -y python3-torch" >&2; exit 2; }
export OMP_NUM_THREADS=$T MKL_NUM_THREADS=$T
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
# one timed process: wall s, user+sys s and peak RSS (KiB) of the whole process go to $tmp/$1.time
timed() { local name=$1; shift; /usr/bin/time -f '%e %U %S %M' -o "$tmp/$name.time" "$@" > "$tmp/$name.log" 2>&1 || { cat "$tmp/$name.log" >&2; echo "cpu-ratio.sh: $name failed" >&2; exit 1; }; }
./runner --help > /dev/null  # build first, outside the timings
printf '%-8s %-6s %12s %12s %10s %s\n' who round 'wall s/step' 'cpu s/step' 'RSS GiB' 'line'
for r in $(seq 1 "$rounds"); do
  timed ours ./runner bench-train-step --device cpu --batch $B --size $H --iterations "$iters" --warmup 1
  timed torch "$py" benchmarks/fgi_step_pytorch.py --device cpu --batch $B --size $H --threads $T --iterations "$iters" --warmup 1 fp32
  for who in ours torch; do
    line=$(grep -m1 -E 'RESULT|ms/|img/s' "$tmp/$who.log" || true)
    # whole-process figures include start-up and warm-up; the in-process line is the timed steps only
    read -r wall user sys rss < "$tmp/$who.time"
    echo "$who $r $wall $user $sys $rss" >> "$tmp/all"
    printf '%-8s %-6s %12s %12s %10.2f %s\n' "$who" "$r" "-" "-" "$(echo "$rss/1048576" | bc -l)" "$line"
  done
done
echo "per-step figures (from each benchmark's own timed-step line) are above; whole-process totals:"
awk '{w[$1]+=$3; c[$1]+=$4+$5; if ($6>m[$1]) m[$1]=$6; n[$1]++}
     END { for (k in w) printf "%-6s process wall %.1f s, cpu %.1f s (mean of %d), peak RSS %.2f GiB\n", k, w[k]/n[k], c[k]/n[k], n[k], m[k]/1048576;
           printf "ratio ours/PyTorch: process cpu %.2f, peak RSS %.2f\n", c["ours"]/c["torch"], m["ours"]/m["torch"] }' "$tmp/all"
