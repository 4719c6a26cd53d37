// Masking throughput (issue goal: at least 20 GB/s at 64 KiB on the 2-core CI machine).
#include <benchmark/benchmark.h>

#include "codec/mask.h"

namespace {

using wsprobe::codec::apply_mask;
using wsprobe::codec::Bytes;
using wsprobe::codec::MutableByteView;

// state.range(1) = 1: the slice starts at an odd address and mid-key, as reads fall.
void BM_Mask(benchmark::State& state) {
  const auto size = static_cast<std::size_t>(state.range(0));
  const bool unaligned = state.range(1) != 0;
  Bytes data(size + 1, 0x5a);
  const MutableByteView slice(data.data() + unaligned, size);
  const wsprobe::codec::MaskKey key{0x37, 0xfa, 0x21, 0x3d};
  for (auto _ : state) {
    apply_mask(slice, key, unaligned ? 3 : 0);
    benchmark::DoNotOptimize(data.data());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_Mask)->ArgNames({"bytes", "unaligned"})->ArgsProduct({{16, 1024, 64 * 1024, 1024 * 1024}, {0, 1}});

}  // namespace
