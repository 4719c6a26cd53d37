// UTF-8 validation throughput (goal: at least 8 GB/s on ASCII and 1 GB/s on mixed
// multi-byte text). Every text is valid, so each run reads it to the end.
#include <benchmark/benchmark.h>

#include <cstddef>
#include <string>
#include <string_view>

#include "codec/utf8.h"

namespace {

using wsprobe::codec::as_bytes;
using wsprobe::codec::is_valid_utf8;

// `sample` repeated to `size` bytes, padded with spaces so no code point is cut.
std::string repeat_to(std::string_view sample, std::size_t size) {
  std::string text;
  text.reserve(size);
  while (text.size() + sample.size() <= size) text.append(sample);
  text.append(size - text.size(), ' ');
  return text;
}

void run_validation(benchmark::State& state, std::string_view sample) {
  const std::string text = repeat_to(sample, static_cast<std::size_t>(state.range(0)));
  if (!is_valid_utf8(as_bytes(text))) {
    state.SkipWithError("benchmark text is not valid UTF-8");
    return;
  }
  for (auto _ : state) benchmark::DoNotOptimize(is_valid_utf8(as_bytes(text)));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}

void BM_Utf8Ascii(benchmark::State& state) {
  run_validation(state, "The quick brown fox jumps over the lazy dog; {\"id\": 42, \"ok\": true}\n");
}
BENCHMARK(BM_Utf8Ascii)->Arg(1024)->Arg(64 * 1024)->Arg(1024 * 1024);

// Chat-like messages: Latin with accents, Greek, Chinese, Japanese and emoji, about
// 70% of the bytes in multi-byte sequences of every length.
void BM_Utf8Mixed(benchmark::State& state) {
  run_validation(state,
                 "Café crème, naïve façade. Καλημέρα κόσμε, τι κάνεις; 你好，世界！今天天气很好。"
                 "こんにちは、元気ですか？ Great news 🎉🚀 see you at 18:00 👍\n");
}
BENCHMARK(BM_Utf8Mixed)->Arg(1024)->Arg(64 * 1024)->Arg(1024 * 1024);

}  // namespace
