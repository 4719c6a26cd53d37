// permessage-deflate throughput: compressing and inflating a stream of JSON messages
// like an API's events (similar keys, varying values) of 1 KiB and 64 KiB, with
// context takeover (the window carries over, so later messages refer back into
// earlier ones) and without (every message compressed afresh). Bytes are the
// uncompressed bytes; "ratio" is compressed / uncompressed.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>
#include <vector>

#include "codec/deflate.h"

namespace {

using namespace wsprobe::codec;

constexpr std::size_t stream_length = 32;  // messages, compressed in turn

// `count` messages of `size` bytes: arrays of event objects, values from a fixed LCG.
std::vector<Bytes> json_messages(std::size_t size, std::size_t count) {
  std::uint64_t state = 42;
  auto next = [&state](std::uint64_t bound) {
    state = state * 6364136223846793005u + 1442695040888963407u;
    return (state >> 33) % bound;
  };
  const char* const events[] = {"click", "view", "purchase", "scroll", "login"};
  std::vector<Bytes> messages;
  for (std::size_t m = 0; m < count; ++m) {
    std::string text = "[";
    while (text.size() < size) {
      text += "{\"id\":" + std::to_string(next(1'000'000)) + ",\"user\":\"user" + std::to_string(next(5000)) +
              "\",\"event\":\"" + events[next(5)] + "\",\"ts\":" + std::to_string(1'700'000'000'000 + next(1u << 30)) +
              ",\"value\":" + std::to_string(next(100'000)) + "." + std::to_string(next(100)) +
              ",\"tags\":[\"beta\",\"eu-west\"]},";
    }
    text.resize(size - 1);
    text += "]";
    messages.emplace_back(text.begin(), text.end());
  }
  return messages;
}

DeflateParameters parameters(const benchmark::State& state) {
  return {.window_bits = 15, .no_context_takeover = state.range(1) == 0};
}

void set_counters(benchmark::State& state, const std::vector<Bytes>& messages, std::size_t compressed) {
  std::size_t plain = 0;
  for (const Bytes& message : messages) plain += message.size();
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * plain));
  state.counters["ratio"] = static_cast<double>(compressed) / static_cast<double>(plain);
}

void BM_Compress(benchmark::State& state) {
  const std::vector<Bytes> messages = json_messages(static_cast<std::size_t>(state.range(0)), stream_length);
  MessageDeflater deflater(parameters(state));
  std::size_t compressed = 0;
  for (auto _ : state) {
    compressed = 0;
    for (const Bytes& message : messages) compressed += deflater.compress(message).size();
    benchmark::DoNotOptimize(compressed);
  }
  set_counters(state, messages, compressed);
}

// The inflater stays across iterations: the stream's first message refers to nothing
// before it, so inflating the stream again from its start finds the window it needs.
void BM_Inflate(benchmark::State& state) {
  const std::vector<Bytes> messages = json_messages(static_cast<std::size_t>(state.range(0)), stream_length);
  MessageDeflater deflater(parameters(state));
  std::vector<Bytes> stream;
  std::size_t compressed = 0;
  for (const Bytes& message : messages) {
    stream.push_back(deflater.compress(message));
    compressed += stream.back().size();
  }
  MessageInflater inflater(parameters(state), 1 << 20);
  Bytes inflated;
  for (auto _ : state) {
    for (const Bytes& message : stream) {
      inflated.clear();
      if (inflater.inflate(message, inflated) || inflater.finish_message(inflated)) {
        state.SkipWithError("the stream did not inflate");
        return;
      }
      benchmark::DoNotOptimize(inflated.data());
    }
  }
  set_counters(state, messages, compressed);
}

// Arguments: message size, context takeover (1) or not (0).
BENCHMARK(BM_Compress)->ArgsProduct({{1024, 64 * 1024}, {1, 0}})->ArgNames({"size", "takeover"});
BENCHMARK(BM_Inflate)->ArgsProduct({{1024, 64 * 1024}, {1, 0}})->ArgNames({"size", "takeover"});

}  // namespace
