#!/usr/bin/env bash
# Builds the host-synchronisation counter (host_syncs.cpp) next to each libLibTorchSharp.so of a
# build output, for `runner bench-train-step --count-syncs`. Without a C++ compiler it warns and
# builds nothing: everything else works, and --count-syncs says what is missing.
# Usage: host-syncs.sh OUTPUT_DIR CACHE_DIR
set -euo pipefail
out=$1; cache=$2
here=$(cd "$(dirname "$0")" && pwd)
lib=libgazeinsight_host_syncs.so

mapfile -t targets < <(find "$out" -name libLibTorchSharp.so -type f 2>/dev/null)
[ ${#targets[@]} -gt 0 ] || exit 0
if ! command -v g++ >/dev/null 2>&1; then
  echo "warning: no g++: the host-sync counter ($lib) is not built; bench-train-step --count-syncs will not run (Debian/Ubuntu: sudo apt-get install g++)" >&2
  exit 0
fi
key=$(sha256sum "$here/host_syncs.cpp" | cut -c1-16)
if [ ! -f "$cache/$key/$lib" ]; then
  mkdir -p "$cache/$key"
  g++ -O2 -std=c++17 -shared -fPIC -Wall -o "$cache/$key/$lib.tmp" "$here/host_syncs.cpp" -ldl
  mv "$cache/$key/$lib.tmp" "$cache/$key/$lib"
fi
for so in "${targets[@]}"; do
  dir=$(dirname "$so")
  cp "$cache/$key/$lib" "$dir/$lib.tmp" && mv "$dir/$lib.tmp" "$dir/$lib"
done
