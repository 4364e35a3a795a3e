// Provides std::ios_base_library_init(), which libstdc++ gained in GCC 13 (GLIBCXX_3.4.32).
// TorchSharp 0.107's libLibTorchSharp.so references it; older system libstdc++ (Debian 12,
// Ubuntu 22.04) lacks it. The build links this library into a patched copy of libLibTorchSharp.
#include <ios>

namespace std {
void ios_base_library_init() { static ios_base::Init init; }
}
