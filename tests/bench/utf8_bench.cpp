// UTF-8 validation throughput (#13 goals: mixed multi-byte text at least 8 GB/s, and
// never under 4 GB/s; ASCII at least 50 GB/s). BM_Utf8Ascii and BM_Utf8Mixed run the
// best path, as is_valid_utf8 does; the /scalar, /sse42 and /avx2 runs force a path, so
// one run shows each SIMD check against the DFA. BM_ByteSum, a plain sum of the same
// bytes, is the cost of reading them at all: the baseline the issue measured against.
// Every text is valid, so each run reads it to the end.
#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "codec/utf8.h"

namespace {

using wsprobe::codec::as_bytes;
using wsprobe::codec::ByteView;
using wsprobe::codec::is_valid_utf8;
using wsprobe::codec::Utf8Path;
using wsprobe::codec::utf8_path_supported;
using wsprobe::codec::Utf8Validator;

constexpr std::string_view ascii_sample =
    "The quick brown fox jumps over the lazy dog; {\"id\": 42, \"ok\": true}\n";

// Chat-like messages: Latin with accents, Greek, Chinese, Japanese and emoji, about
// 70% of the bytes in multi-byte sequences of every length.
constexpr std::string_view mixed_sample =
    "Café crème, naïve façade. Καλημέρα κόσμε, τι κάνεις; 你好，世界！今天天气很好。"
    "こんにちは、元気ですか？ Great news 🎉🚀 see you at 18:00 👍\n";

// `sample` repeated to `size` bytes, padded with spaces so no code point is cut.
std::string repeat_to(std::string_view sample, std::size_t size) {
  std::string text;
  text.reserve(size);
  while (text.size() + sample.size() <= size) text.append(sample);
  text.append(size - text.size(), ' ');
  return text;
}

template <typename Validate>
void run_validation(benchmark::State& state, std::string_view sample, Validate validate) {
  const std::string text = repeat_to(sample, static_cast<std::size_t>(state.range(0)));
  if (!validate(as_bytes(text))) {
    state.SkipWithError("benchmark text is not valid UTF-8");
    return;
  }
  for (auto _ : state) benchmark::DoNotOptimize(validate(as_bytes(text)));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}

// Adds every byte, as a compiler vectorises it: a lower bound for any validator's time.
std::uint64_t byte_sum(ByteView bytes) {
  std::uint64_t sum = 0;
  for (const std::uint8_t byte : bytes) sum += byte;
  return sum;
}

void BM_ByteSum(benchmark::State& state) {
  const std::string text = repeat_to(mixed_sample, static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(byte_sum(as_bytes(text)));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_ByteSum)->Arg(64 * 1024)->Arg(1024 * 1024);

void BM_Utf8Ascii(benchmark::State& state) { run_validation(state, ascii_sample, is_valid_utf8); }
BENCHMARK(BM_Utf8Ascii)->Arg(1024)->Arg(64 * 1024)->Arg(1024 * 1024);

void BM_Utf8Mixed(benchmark::State& state) { run_validation(state, mixed_sample, is_valid_utf8); }
BENCHMARK(BM_Utf8Mixed)->Arg(1024)->Arg(64 * 1024)->Arg(1024 * 1024);

void run_on_path(benchmark::State& state, std::string_view sample, Utf8Path path) {
  if (!utf8_path_supported(path)) {
    state.SkipWithError("this CPU lacks the path");
    return;
  }
  run_validation(state, sample, [path](ByteView text) {
    Utf8Validator validator(path);
    return validator.feed(text) && validator.complete();
  });
}

void BM_Utf8AsciiOn(benchmark::State& state, Utf8Path path) { run_on_path(state, ascii_sample, path); }
BENCHMARK_CAPTURE(BM_Utf8AsciiOn, scalar, Utf8Path::scalar)->Arg(64 * 1024)->Arg(1024 * 1024);
BENCHMARK_CAPTURE(BM_Utf8AsciiOn, sse42, Utf8Path::sse42)->Arg(64 * 1024)->Arg(1024 * 1024);
BENCHMARK_CAPTURE(BM_Utf8AsciiOn, avx2, Utf8Path::avx2)->Arg(64 * 1024)->Arg(1024 * 1024);

void BM_Utf8MixedOn(benchmark::State& state, Utf8Path path) { run_on_path(state, mixed_sample, path); }
BENCHMARK_CAPTURE(BM_Utf8MixedOn, scalar, Utf8Path::scalar)->Arg(64 * 1024)->Arg(1024 * 1024);
BENCHMARK_CAPTURE(BM_Utf8MixedOn, sse42, Utf8Path::sse42)->Arg(64 * 1024)->Arg(1024 * 1024);
BENCHMARK_CAPTURE(BM_Utf8MixedOn, avx2, Utf8Path::avx2)->Arg(64 * 1024)->Arg(1024 * 1024);

}  // namespace
