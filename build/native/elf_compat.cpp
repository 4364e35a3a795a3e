// Patches a copy of libLibTorchSharp.so so that it loads against a libstdc++ without
// GLIBCXX_3.4.32 (see docs in build/native/README.md). Edits a few bytes in place:
//   1. the GLIBCXX_3.4.32 entry of .gnu.version_r is marked weak (VER_FLG_WEAK),
//   2. every dynamic symbol bound to that version gets version 1 (global, unversioned),
//   3. a DT_NEEDED entry naming the compat library is added in a spare DT_NULL slot; its name is
//      stored where the RUNPATH string was, and RUNPATH is shortened to "$ORIGIN".
// Usage: elf_compat FILE COMPAT_SONAME.  Exit 0 = patched or already patched, 1 = cannot patch.
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <elf.h>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

static const char* kVersion = "GLIBCXX_3.4.32";

static int fail(const std::string& file, const std::string& why) {
  std::fprintf(stderr, "elf_compat: %s: %s\n", file.c_str(), why.c_str());
  return 1;
}

template <typename T> static T* at(std::vector<char>& bytes, uint64_t offset) {
  return reinterpret_cast<T*>(bytes.data() + offset);
}

int main(int argc, char** argv) {
  if (argc != 3) { std::fprintf(stderr, "usage: elf_compat FILE COMPAT_SONAME\n"); return 1; }
  const std::string file = argv[1], soname = argv[2];
  std::vector<char> bytes;
  {
    std::ifstream in(file, std::ios::binary);
    if (!in) return fail(file, "cannot open");
    bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  if (bytes.size() < sizeof(Elf64_Ehdr) || std::memcmp(bytes.data(), ELFMAG, SELFMAG) != 0 ||
      bytes[EI_CLASS] != ELFCLASS64 || bytes[EI_DATA] != ELFDATA2LSB)
    return fail(file, "not a 64-bit little-endian ELF file");
  auto* eh = at<Elf64_Ehdr>(bytes, 0);
  auto* sections = at<Elf64_Shdr>(bytes, eh->e_shoff);
  Elf64_Shdr *verneed = nullptr, *versym = nullptr, *dynsym = nullptr, *dynamic = nullptr;
  for (int i = 0; i < eh->e_shnum; ++i) {
    switch (sections[i].sh_type) {
      case SHT_GNU_verneed: verneed = &sections[i]; break;
      case SHT_GNU_versym: versym = &sections[i]; break;
      case SHT_DYNSYM: dynsym = &sections[i]; break;
      case SHT_DYNAMIC: dynamic = &sections[i]; break;
    }
  }
  if (!verneed || !versym || !dynsym || !dynamic) return fail(file, "missing dynamic sections");
  const Elf64_Shdr& dynstr = sections[dynsym->sh_link];
  auto str = [&](uint64_t off) { return std::string(bytes.data() + dynstr.sh_offset + off); };

  // 1. weaken the version requirement
  int versionIndex = -1;
  uint64_t need = verneed->sh_offset;
  for (;;) {
    auto* vn = at<Elf64_Verneed>(bytes, need);
    uint64_t aux = need + vn->vn_aux;
    for (int a = 0; a < vn->vn_cnt; ++a) {
      auto* va = at<Elf64_Vernaux>(bytes, aux);
      if (str(va->vna_name) == kVersion) {
        va->vna_flags |= VER_FLG_WEAK;
        versionIndex = va->vna_other;
      }
      aux += va->vna_next;
    }
    if (vn->vn_next == 0) break;
    need += vn->vn_next;
  }

  // 2. unversion the symbols that asked for it
  size_t symbolCount = dynsym->sh_size / sizeof(Elf64_Sym);
  auto* versions = at<uint16_t>(bytes, versym->sh_offset);
  auto* symbols = at<Elf64_Sym>(bytes, dynsym->sh_offset);
  for (size_t i = 0; versionIndex >= 0 && i < symbolCount; ++i) {
    if ((versions[i] & 0x7fff) != versionIndex) continue;
    std::string name = str(symbols[i].st_name);
    if (name != "_ZSt21ios_base_library_initv")
      return fail(file, "unexpected symbol needing " + std::string(kVersion) + ": " + name);
    versions[i] = 1;
  }

  // 3. add DT_NEEDED for the compat library
  size_t dynCount = dynamic->sh_size / sizeof(Elf64_Dyn);
  auto* dyn = at<Elf64_Dyn>(bytes, dynamic->sh_offset);
  Elf64_Dyn* runpath = nullptr;
  size_t firstNull = dynCount;
  for (size_t i = 0; i < dynCount; ++i) {
    if (dyn[i].d_tag == DT_NEEDED && str(dyn[i].d_un.d_val) == soname) {
      firstNull = SIZE_MAX;  // already present
      break;
    }
    if (dyn[i].d_tag == DT_RUNPATH) runpath = &dyn[i];
    if (dyn[i].d_tag == DT_NULL) { firstNull = i; break; }
  }
  if (firstNull != SIZE_MAX) {
    if (firstNull + 1 >= dynCount) return fail(file, "no spare slot in .dynamic for DT_NEEDED");
    if (!runpath) return fail(file, "no RUNPATH string to reuse for the compat library name");
    std::string oldPath = str(runpath->d_un.d_val);
    const std::string newPath = "$ORIGIN";
    if (oldPath.size() < newPath.size() + 1 + soname.size())
      return fail(file, "RUNPATH string too short to hold the compat library name");
    char* base = bytes.data() + dynstr.sh_offset + runpath->d_un.d_val;
    std::memset(base, 0, oldPath.size());
    std::memcpy(base, newPath.c_str(), newPath.size());
    std::memcpy(base + newPath.size() + 1, soname.c_str(), soname.size());
    dyn[firstNull].d_tag = DT_NEEDED;
    dyn[firstNull].d_un.d_val = runpath->d_un.d_val + newPath.size() + 1;
  }

  // write to a temporary file and rename, so a failure never leaves a half-written library
  std::string temp = file + ".compat-tmp";
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) return fail(file, "cannot write " + temp);
  }
  if (std::rename(temp.c_str(), file.c_str()) != 0) return fail(file, "cannot replace file");
  return 0;
}
