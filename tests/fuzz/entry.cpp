// libFuzzer's entry point, bound to one target body by WSPROBE_FUZZ_TARGET.
#include "fuzz/targets.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return wsprobe::fuzz::WSPROBE_FUZZ_TARGET(data, size);
}
