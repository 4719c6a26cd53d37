// Event stream parsing throughput on a realistic stream: many small events with
// ids and types, in 4 KiB reads as a socket delivers them.
#include <benchmark/benchmark.h>

#include <string>

#include "codec/sse.h"

namespace {

using namespace wsprobe::codec;

class CountingHandler : public SseHandler {
 public:
  std::size_t events = 0;
  void on_event(const SseEvent&) override { ++events; }
  void on_violation(const Violation&) override { std::abort(); }
};

std::string ticker_stream(std::size_t size) {
  std::string stream;
  for (int n = 0; stream.size() < size; ++n) {
    stream += "id: " + std::to_string(n) + "\nevent: tick\ndata: {\"n\":" + std::to_string(n) +
              ",\"symbol\":\"ACME\",\"price\":101.25}\n\n";
    if (n % 50 == 0) stream += ": keep-alive\n\n";
  }
  return stream;
}

void BM_SseTickerStream(benchmark::State& state) {
  const std::string stream = ticker_stream(1 << 20);
  const ByteView bytes = as_bytes(stream);
  const auto read_size = static_cast<std::size_t>(state.range(0));
  for (auto _ : state) {
    CountingHandler handler;
    SseParser parser(handler);
    for (std::size_t at = 0; at < bytes.size(); at += read_size) {
      parser.feed(bytes.subspan(at, std::min(read_size, bytes.size() - at)));
    }
    benchmark::DoNotOptimize(handler.events);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes.size()));
}
BENCHMARK(BM_SseTickerStream)->Arg(4096)->Arg(64 * 1024);

// One large event of many data lines (a JSON document sent line by line).
void BM_SseLongDataLines(benchmark::State& state) {
  std::string stream;
  while (stream.size() < (1 << 20)) stream += "data: " + std::string(120, 'x') + "\n";
  stream += "\n";
  const ByteView bytes = as_bytes(stream);
  for (auto _ : state) {
    CountingHandler handler;
    SseParser parser(handler);
    for (std::size_t at = 0; at < bytes.size(); at += 4096) {
      parser.feed(bytes.subspan(at, std::min<std::size_t>(4096, bytes.size() - at)));
    }
    benchmark::DoNotOptimize(handler.events);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes.size()));
}
BENCHMARK(BM_SseLongDataLines);

}  // namespace
