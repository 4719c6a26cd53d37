// Masking throughput against its limit, measured in the same run (issue 13 goal: each
// path at least 0.8 times the in-place XOR baseline built for the same instruction set,
// at 64 KiB, aligned or not). BM_XorBaseline is that limit: a plain in-place XOR of the
// same slice with one 32-byte value, nothing to turn, so no masking can beat it by much.
#include <benchmark/benchmark.h>

#include "codec/mask.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace {

using wsprobe::codec::apply_mask;
using wsprobe::codec::Bytes;
using wsprobe::codec::MaskPath;
using wsprobe::codec::MutableByteView;

constexpr wsprobe::codec::MaskKey key{0x37, 0xfa, 0x21, 0x3d};

// A slice of `bytes` bytes; with `unaligned` it starts at an odd address and mid-key,
// as reads fall.
struct Slice {
  Slice(std::size_t bytes, bool unaligned) : buffer(bytes + 64, 0x5a), view(buffer.data() + 32 + unaligned, bytes) {}
  Bytes buffer;
  MutableByteView view;
};

void run_mask(benchmark::State& state, MaskPath path) {
  if (!wsprobe::codec::mask_path_supported(path)) {
    state.SkipWithError("this CPU lacks the path");
    return;
  }
  const bool unaligned = state.range(1) != 0;
  Slice slice(static_cast<std::size_t>(state.range(0)), unaligned);
  for (auto _ : state) {
    apply_mask(path, slice.view, key, unaligned ? 3 : 0);
    benchmark::DoNotOptimize(slice.buffer.data());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}

void BM_Mask(benchmark::State& state) { run_mask(state, wsprobe::codec::best_mask_path()); }
void BM_MaskAvx2(benchmark::State& state) { run_mask(state, MaskPath::avx2); }
void BM_MaskPortable(benchmark::State& state) { run_mask(state, MaskPath::portable); }

#if defined(__x86_64__) || defined(__i386__)
[[gnu::target("avx2")]] void xor_in_place(std::uint8_t* data, std::size_t size) {
  const __m256i value = _mm256_set1_epi32(0x3d21fa37);
  std::size_t i = 0;
  for (; i + 32 <= size; i += 32) {
    auto* at = reinterpret_cast<__m256i*>(data + i);
    _mm256_storeu_si256(at, _mm256_xor_si256(_mm256_loadu_si256(at), value));
  }
  for (; i < size; ++i) data[i] ^= 0x5a;
}

void BM_XorBaseline(benchmark::State& state) {
  if (!__builtin_cpu_supports("avx2")) {
    state.SkipWithError("this CPU lacks AVX2");
    return;
  }
  Slice slice(static_cast<std::size_t>(state.range(0)), state.range(1) != 0);
  for (auto _ : state) {
    xor_in_place(slice.view.data(), slice.view.size());
    benchmark::DoNotOptimize(slice.buffer.data());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_XorBaseline)->ArgNames({"bytes", "unaligned"})->ArgsProduct({{1024, 64 * 1024, 1024 * 1024}, {0, 1}});
#endif

BENCHMARK(BM_Mask)->ArgNames({"bytes", "unaligned"})->ArgsProduct({{16, 1024, 64 * 1024, 1024 * 1024}, {0, 1}});
BENCHMARK(BM_MaskAvx2)->ArgNames({"bytes", "unaligned"})->ArgsProduct({{1024, 64 * 1024, 1024 * 1024}, {0, 1}});
BENCHMARK(BM_MaskPortable)->ArgNames({"bytes", "unaligned"})->ArgsProduct({{1024, 64 * 1024, 1024 * 1024}, {0, 1}});

}  // namespace
