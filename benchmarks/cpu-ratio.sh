#!/usr/bin/env bash
# Usage: benchmarks/cpu-ratio.sh [rounds] [iterations]   (run it under nice on a shared machine)
# Runs GazeInsight's FGI training step (./runner bench-train-step) and the PyTorch reference
# (benchmarks/fgi_step_pytorch.py, Debian python3-torch) alternately in one call on the CPU at a
# CPU-sized configuration (batch 4, 96 px, paper widths, 2 threads on both sides), and prints each
# round's per-step wall and CPU time (the timed steps only, from each benchmark's own line), the
# peak RSS of each whole process, and the ratios ours / PyTorch (< 1: ours is faster or smaller).
# The load average is printed before and after: figures taken under load are only comparable
# within one call (that is why the two alternate).
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-2}; iters=${2:-3}
case "$rounds$iters" in *[!0-9]*) echo "cpu-ratio.sh: rounds and iterations must be positive integers, got '$rounds' '$iters'" >&2; exit 2;; esac
[ "$rounds" -ge 1 ] && [ "$iters" -ge 1 ] || { echo "cpu-ratio.sh: rounds and iterations must be >= 1" >&2; exit 2; }
B=${CPU_RATIO_BATCH:-4}; H=${CPU_RATIO_SIZE:-96}; T=${CPU_RATIO_THREADS:-2}
py=/usr/bin/python3
"$py" -c 'import torch' 2>/dev/null || { echo "cpu-ratio.sh: $py has no torch: apt-get install -y python3-torch" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "cpu-ratio.sh: /usr/bin/time is missing: apt-get install -y time" >&2; exit 2; }
export OMP_NUM_THREADS=$T MKL_NUM_THREADS=$T
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
# timed NAME CMD...: the command's output goes to $tmp/NAME.log; its peak RSS (KiB) to $tmp/NAME.time
timed() {
  local name=$1; shift
  /usr/bin/time -f '%M' -o "$tmp/$name.time" "$@" > "$tmp/$name.log" 2>&1 \
    || { cat "$tmp/$name.log" >&2; echo "cpu-ratio.sh: $name failed" >&2; exit 1; }
}
# field LOG REGEX: the number captured by the first group of REGEX in the benchmark's result line
field() { sed -n -E "s#.*$2.*#\1#p" "$1" | head -1; }
./runner --help > /dev/null  # build first, outside the timings
echo "cpu-ratio: FGI step, batch $B, ${H}x${H}, paper widths, $T threads, $iters timed steps after 1 warm-up, $rounds rounds"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores; $("$py" -c 'import torch; print("pytorch", torch.__version__)')"
printf '%-6s %-5s %11s %11s %9s\n' who round 'wall s/step' 'cpu s/step' 'RSS GiB'
: > "$tmp/all"
for r in $(seq 1 "$rounds"); do
  timed ours ./runner bench-train-step --device cpu --batch "$B" --size "$H" --threads "$T" --iterations "$iters" --warmup 1
  timed torch "$py" benchmarks/fgi_step_pytorch.py --device cpu --batch "$B" --size "$H" --threads "$T" --iterations "$iters" --warmup 1 fp32
  grep -q '^FAIL' "$tmp/torch.log" && { cat "$tmp/torch.log" >&2; echo "cpu-ratio.sh: the PyTorch reference failed" >&2; exit 1; }
  for who in ours torch; do
    ms=$(field "$tmp/$who.log" ' ([0-9.]+) ms/(step|iter)')
    cpu=$(field "$tmp/$who.log" 'cpu ([0-9.]+) s/(step|iter)')
    rss=$(cat "$tmp/$who.time")
    [ -n "$ms" ] && [ -n "$cpu" ] || { cat "$tmp/$who.log" >&2; echo "cpu-ratio.sh: no result line from $who" >&2; exit 1; }
    echo "$who $r $ms $cpu $rss" >> "$tmp/all"
    printf '%-6s %-5s %11.2f %11.2f %9.2f\n' "$who" "$r" "$(echo "$ms/1000" | bc -l)" "$cpu" "$(echo "$rss/1048576" | bc -l)"
  done
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
grep -m1 -E '^FGI train step' "$tmp/ours.log" | sed 's/^/ours:  /'
grep -m1 -E '^RESULT' "$tmp/torch.log" | sed 's/^/torch: /'
awk '{w[$1]+=$3/1000; c[$1]+=$4; if ($5>m[$1]) m[$1]=$5; n[$1]++}
     END { for (k in w) printf "%-5s mean of %d rounds: wall %.2f s/step, cpu %.2f s/step, peak RSS %.2f GiB\n", k, n[k], w[k]/n[k], c[k]/n[k], m[k]/1048576;
           printf "ratio ours/PyTorch: wall %.2f, cpu %.2f, peak RSS %.2f\n", w["ours"]/w["torch"], c["ours"]/c["torch"], m["ours"]/m["torch"] }' "$tmp/all"
