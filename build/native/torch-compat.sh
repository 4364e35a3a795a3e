#!/usr/bin/env bash
# Makes the copy of libLibTorchSharp.so in a build output load on systems whose libstdc++ lacks
# GLIBCXX_3.4.32 (Debian 12, Ubuntu 22.04). Does nothing where the system libstdc++ has it.
# Usage: torch-compat.sh OUTPUT_DIR CACHE_DIR
set -euo pipefail
out=$1; cache=$2
here=$(cd "$(dirname "$0")" && pwd)
shim=libgazeinsight_stdcxx_compat.so

mapfile -t targets < <(find "$out" -name libLibTorchSharp.so -type f 2>/dev/null)
[ ${#targets[@]} -gt 0 ] || exit 0

# awk reads to the end (no early exit): an early exit would kill ldconfig with SIGPIPE, which
# pipefail turns into a failed build whenever ldconfig's listing outgrows the pipe buffer
stdcxx=$( (/sbin/ldconfig -p 2>/dev/null || ldconfig -p 2>/dev/null) | awk '/libstdc\+\+\.so\.6 .*x86-64/ && !found {print $NF; found = 1}')
if [ -n "$stdcxx" ] && grep -q GLIBCXX_3.4.32 "$stdcxx"; then
  exit 0   # the system libstdc++ is new enough: nothing to do
fi

if ! command -v g++ >/dev/null 2>&1; then
  echo "error: TorchSharp needs GLIBCXX_3.4.32, which this system's libstdc++ lacks; install a C++ compiler so the build can add a compatibility shim (Debian/Ubuntu: sudo apt-get install g++)" >&2
  exit 1
fi

mkdir -p "$cache"
key=$(cat "$here/stdcxx_compat.cpp" "$here/elf_compat.cpp" | sha256sum | cut -c1-16)
if [ ! -f "$cache/$key/$shim" ] || [ ! -x "$cache/$key/elf_compat" ]; then
  mkdir -p "$cache/$key"
  g++ -O2 -shared -fPIC -o "$cache/$key/$shim.tmp" "$here/stdcxx_compat.cpp"
  g++ -O2 -std=c++17 -o "$cache/$key/elf_compat.tmp" "$here/elf_compat.cpp"
  mv "$cache/$key/$shim.tmp" "$cache/$key/$shim"
  mv "$cache/$key/elf_compat.tmp" "$cache/$key/elf_compat"
fi

for so in "${targets[@]}"; do
  dir=$(dirname "$so")
  cp "$cache/$key/$shim" "$dir/$shim.tmp" && mv "$dir/$shim.tmp" "$dir/$shim"
  # patch a private copy, then rename over the output file: never edits a hard-linked NuGet file
  cp "$so" "$so.patching"
  "$cache/$key/elf_compat" "$so.patching" "$shim"
  mv "$so.patching" "$so"
done
