// Masking throughput (issue goal: at least 20 GB/s at 64 KiB on the 2-core CI machine).
#include <benchmark/benchmark.h>

#include "codec/mask.h"

namespace {

using wsprobe::codec::apply_mask;
using wsprobe::codec::Bytes;

void BM_Mask(benchmark::State& state) {
  Bytes data(static_cast<std::size_t>(state.range(0)), 0x5a);
  const wsprobe::codec::MaskKey key{0x37, 0xfa, 0x21, 0x3d};
  for (auto _ : state) {
    apply_mask(data, key, 0);
    benchmark::DoNotOptimize(data.data());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_Mask)->Arg(16)->Arg(1024)->Arg(64 * 1024)->Arg(1024 * 1024);

// A payload slice that starts at an odd address and mid-key, as reads fall.
void BM_MaskUnaligned(benchmark::State& state) {
  Bytes data(static_cast<std::size_t>(state.range(0)) + 1, 0x5a);
  const wsprobe::codec::MaskKey key{0x37, 0xfa, 0x21, 0x3d};
  wsprobe::codec::MutableByteView slice(data.data() + 1, data.size() - 1);
  for (auto _ : state) {
    apply_mask(slice, key, 3);
    benchmark::DoNotOptimize(data.data());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_MaskUnaligned)->Arg(16)->Arg(1024)->Arg(64 * 1024)->Arg(1024 * 1024);

}  // namespace
