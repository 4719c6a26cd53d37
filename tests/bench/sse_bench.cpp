// Event stream parsing throughput (issue 13 goals: at least 1 GB/s on small events and
// 2 GB/s on long data lines): a realistic stream of small events with ids and types,
// the price ticks of scripts/sse_compare.sh, and one event of long data lines; in
// reads as a socket delivers them.
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

void parse_in_reads(benchmark::State& state, const std::string& stream, std::size_t read_size) {
  const ByteView bytes = as_bytes(stream);
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

void BM_SseTickerStream(benchmark::State& state) {
  parse_in_reads(state, ticker_stream(1 << 20), static_cast<std::size_t>(state.range(0)));
}
BENCHMARK(BM_SseTickerStream)->Arg(4096)->Arg(64 * 1024);

// The stream of scripts/sse_compare.sh: 26-byte events, in curl's 100 KiB reads.
void BM_SsePriceEvents(benchmark::State& state) {
  std::string stream;
  while (stream.size() < (1 << 20)) stream += "data: {\"price\":123.45}\n\n";
  parse_in_reads(state, stream, 100 * 1024);
}
BENCHMARK(BM_SsePriceEvents);

// One large event of many data lines (a JSON document sent line by line).
void BM_SseLongDataLines(benchmark::State& state) {
  std::string stream;
  while (stream.size() < (1 << 20)) stream += "data: " + std::string(120, 'x') + "\n";
  stream += "\n";
  parse_in_reads(state, stream, 100 * 1024);
}
BENCHMARK(BM_SseLongDataLines);

}  // namespace
