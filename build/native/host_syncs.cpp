// Counts, per process, the libtorch calls that make the host wait for the device on CUDA (or
// that would): scalar reads (Tensor::item, _local_scalar_dense), value-dependent shapes (nonzero,
// masked_select, and boolean indexing through them), tensors made from host memory (from_blob:
// TorchSharp's tensor(array), an upload on CUDA) and copies to the CPU that TorchSharp asks for
// (.cpu(), .to("cpu"); its item<T> and data<T> of a CUDA tensor go through .cpu()).
// The op is counted on any device, so a CPU run finds the syncs a CUDA run would have.
//
// How: the library defines libtorch's own (mangled, exported) symbols and forwards each call to
// libtorch. Loaded with RTLD_GLOBAL before libtorch, it comes first in the global lookup scope,
// so libLibTorchSharp's and libtorch's calls through the PLT bind here. A call made inside one of
// these (item calling _local_scalar_dense) is not counted again: one user-visible sync, one count.
// The signatures are libtorch 2.x's (std::optional); a libtorch whose symbols differ is never
// routed here, which the benchmark's calibration (one call of each kind) detects.
#include <dlfcn.h>
#include <execinfo.h>
#include <unistd.h>
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>

namespace {

enum Kind { ScalarRead, ValueShape, HostUpload, HostRead, Kinds };
std::atomic<long> counts[Kinds];
thread_local int depth = 0;

void* real(const char* name, const char* library = "libtorch_cpu.so") {
  void* lib = dlopen(library, RTLD_NOW | RTLD_NOLOAD);
  void* f = lib ? dlsym(lib, name) : nullptr;
  if (!f) {
    std::fprintf(stderr, "host sync counter: %s is not in the loaded %s\n", name, library);
    std::abort();
  }
  return f;
}

const char* const kind_names[Kinds] = {"scalar read", "value-dependent shape", "upload", "copy to host"};

// GAZEINSIGHT_HOST_SYNCS_TRACE=1: each counted call also prints its native stack to stderr
// (the libLibTorchSharp entry point names the TorchSharp call), to find where a sync comes from
void trace(Kind kind) {
  static const bool on = [] { const char* v = std::getenv("GAZEINSIGHT_HOST_SYNCS_TRACE"); return v && *v && *v != '0'; }();
  if (!on) return;
  void* frames[12];
  int n = backtrace(frames, 12);
  std::fprintf(stderr, "host sync: %s\n", kind_names[kind]);
  backtrace_symbols_fd(frames + 1, n - 1, STDERR_FILENO);
}

// counts one call (unless nested in a counted one) around the forwarded call
struct Counted {
  explicit Counted(Kind kind, bool count = true) {
    if (count && depth == 0) {
      counts[kind]++;
      trace(kind);
    }
    depth++;
  }
  ~Counted() { depth--; }
};

struct DeviceArg { int8_t type; int8_t index; };   // c10::Device: DeviceType (CPU = 0), index
constexpr int8_t Cpu = 0;

// Whether a return address lies in libLibTorchSharp.so: a to("cpu") asked for by TorchSharp's
// API (.cpu(), .to(cpu), data<T>() and item<T>() of a CUDA tensor). libtorch's own conversions
// (softmax with a dtype converts the input on its own device) are not reads to the host.
bool from_torchsharp(void* caller) {
  static const void* base = [] {
    Dl_info info{};
    void* lib = dlopen("libLibTorchSharp.so", RTLD_NOW | RTLD_NOLOAD);
    void* probe = lib ? dlsym(lib, "THSTensor_cpu") : nullptr;
    return probe && dladdr(probe, &info) ? info.dli_fbase : nullptr;
  }();
  Dl_info info{};
  return base && dladdr(caller, &info) && info.dli_fbase == base;
}

}  // namespace

// Tensor-returning ops: the result comes back through a hidden pointer (first argument).
#define UNARY_OP(symbol, kind)                                              \
  extern "C" void* symbol##_fwd(void* result, const void* self) __asm__(#symbol); \
  extern "C" void* symbol##_fwd(void* result, const void* self) {          \
    static auto f = (void* (*)(void*, const void*))real(#symbol);           \
    Counted c(kind);                                                        \
    return f(result, self);                                                 \
  }

UNARY_OP(_ZN2at4_ops19_local_scalar_dense4callERKNS_6TensorE, ScalarRead)  // returns c10::Scalar
UNARY_OP(_ZN2at4_ops4item4callERKNS_6TensorE, ScalarRead)
UNARY_OP(_ZN2at4_ops7nonzero4callERKNS_6TensorE, ValueShape)
// at::TensorMaker::make_tensor(): `this` is the argument after the result
UNARY_OP(_ZN2at11TensorMaker11make_tensorEv, HostUpload)

extern "C" void* masked_select_fwd(void* result, const void* self, const void* mask)
    __asm__("_ZN2at4_ops13masked_select4callERKNS_6TensorES4_");
extern "C" void* masked_select_fwd(void* result, const void* self, const void* mask) {
  static auto f = (void* (*)(void*, const void*, const void*))real("_ZN2at4_ops13masked_select4callERKNS_6TensorES4_");
  Counted c(ValueShape);
  return f(result, self, mask);
}

// Tensor::item<T>() const: the value comes back in a register
#define ITEM(symbol, type)                                          \
  extern "C" type symbol##_fwd(const void* self) __asm__(#symbol); \
  extern "C" type symbol##_fwd(const void* self) {                 \
    static auto f = (type (*)(const void*))real(#symbol);           \
    Counted c(ScalarRead);                                          \
    return f(self);                                                 \
  }
ITEM(_ZNK2at6Tensor4itemIfEET_v, float)
ITEM(_ZNK2at6Tensor4itemIdEET_v, double)
ITEM(_ZNK2at6Tensor4itemIlEET_v, int64_t)
ITEM(_ZNK2at6Tensor4itemIiEET_v, int32_t)
ITEM(_ZNK2at6Tensor4itemIsEET_v, int16_t)
ITEM(_ZNK2at6Tensor4itemIaEET_v, int8_t)
ITEM(_ZNK2at6Tensor4itemIhEET_v, uint8_t)
ITEM(_ZNK2at6Tensor4itemIbEET_v, bool)
ITEM(_ZNK2at6Tensor4itemIN3c104HalfEEET_v, uint16_t)       // c10::Half: 16 bits, in a register
ITEM(_ZNK2at6Tensor4itemIN3c108BFloat16EEET_v, uint16_t)

// Tensor::to(options) and Tensor::to(device, ...): counted when TorchSharp asks for the CPU
#define TO_DTYPE_LAYOUT _ZN2at4_ops15to_dtype_layout4callERKNS_6TensorESt8optionalIN3c1010ScalarTypeEES5_INS6_6LayoutEES5_INS6_6DeviceEES5_IbEbbS5_INS6_12MemoryFormatEE
#define TO_DEVICE _ZN2at4_ops9to_device4callERKNS_6TensorEN3c106DeviceENS5_10ScalarTypeEbbSt8optionalINS5_12MemoryFormatEE
#define STR2(x) #x
#define STR(x) STR2(x)

extern "C" void* to_dtype_layout_fwd(void* result, const void* self, std::optional<int8_t> dtype, std::optional<int8_t> layout,
    std::optional<DeviceArg> device, std::optional<bool> pin, bool non_blocking, bool copy, std::optional<int8_t> format)
    __asm__(STR(TO_DTYPE_LAYOUT));
extern "C" void* to_dtype_layout_fwd(void* result, const void* self, std::optional<int8_t> dtype, std::optional<int8_t> layout,
    std::optional<DeviceArg> device, std::optional<bool> pin, bool non_blocking, bool copy, std::optional<int8_t> format) {
  static auto f = (void* (*)(void*, const void*, std::optional<int8_t>, std::optional<int8_t>, std::optional<DeviceArg>,
      std::optional<bool>, bool, bool, std::optional<int8_t>))real(STR(TO_DTYPE_LAYOUT));
  Counted c(HostRead, device.has_value() && device->type == Cpu && from_torchsharp(__builtin_return_address(0)));
  return f(result, self, dtype, layout, device, pin, non_blocking, copy, format);
}

extern "C" void* to_device_fwd(void* result, const void* self, DeviceArg device, int8_t dtype, bool non_blocking, bool copy,
    std::optional<int8_t> format) __asm__(STR(TO_DEVICE));
extern "C" void* to_device_fwd(void* result, const void* self, DeviceArg device, int8_t dtype, bool non_blocking, bool copy,
    std::optional<int8_t> format) {
  static auto f = (void* (*)(void*, const void*, DeviceArg, int8_t, bool, bool, std::optional<int8_t>))real(STR(TO_DEVICE));
  Counted c(HostRead, device.type == Cpu && from_torchsharp(__builtin_return_address(0)));
  return f(result, self, device, dtype, non_blocking, copy, format);
}

// The counts so far, in the order scalar reads, value-dependent shapes, host uploads, copies to
// the CPU;
// returns how many kinds there are (the caller's array holds at least that many).
extern "C" int gazeinsight_host_syncs(long* out, int capacity) {
  for (int k = 0; k < Kinds && k < capacity; k++) out[k] = counts[k].load();
  return Kinds;
}
