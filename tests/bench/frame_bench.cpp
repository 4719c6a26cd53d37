// Frame parsing and message assembly throughput, as the server reads client frames:
// masked, so unmasking is included; text, so UTF-8 validation is included.
#include <benchmark/benchmark.h>

#include "codec/assembler.h"

namespace {

using namespace wsprobe::codec;

class CountingHandler : public MessageHandler {
 public:
  std::size_t messages = 0;
  void on_message(Opcode, ByteView payload) override { messages += !payload.empty(); }
  void on_close(const CloseFrame&) override {}
  void on_violation(const Violation&) override { std::abort(); }
};

// A stream of masked text frames of `payload_size` bytes each, about 1 MiB in all.
Bytes client_stream(std::size_t payload_size) {
  const Bytes payload(payload_size, 'x');
  Bytes stream;
  while (stream.size() < (1u << 20)) {
    const Bytes frame = build_frame({.opcode = 1, .masked = true, .mask_key = {1, 2, 3, 4}}, payload);
    stream.insert(stream.end(), frame.begin(), frame.end());
  }
  return stream;
}

void BM_AssembleClientTextFrames(benchmark::State& state) {
  const Bytes stream = client_stream(static_cast<std::size_t>(state.range(0)));
  Bytes buffer = stream;
  for (auto _ : state) {
    state.PauseTiming();
    buffer = stream;  // the parser unmasks in place
    state.ResumeTiming();
    CountingHandler handler;
    MessageAssembler assembler({.from = Role::client}, handler);
    assembler.feed(buffer);
    benchmark::DoNotOptimize(handler.messages);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * stream.size()));
}
BENCHMARK(BM_AssembleClientTextFrames)->Arg(16)->Arg(128)->Arg(1024)->Arg(64 * 1024);

// The frame layer alone, in 4 KiB reads as a socket delivers them.
void BM_ParseClientFramesIn4KiBReads(benchmark::State& state) {
  const Bytes stream = client_stream(static_cast<std::size_t>(state.range(0)));
  Bytes buffer = stream;
  for (auto _ : state) {
    state.PauseTiming();
    buffer = stream;
    state.ResumeTiming();
    FrameParser parser({Role::client, 0});
    std::size_t frames = 0;
    for (std::size_t at = 0; at < buffer.size(); at += 4096) {
      MutableByteView input = MutableByteView(buffer).subspan(at, std::min<std::size_t>(4096, buffer.size() - at));
      for (;;) {
        const FrameParser::Event event = parser.next(input);
        input = input.subspan(event.consumed);
        if (event.step == FrameParser::Step::need_more) break;
        frames += event.frame_end;
      }
    }
    benchmark::DoNotOptimize(frames);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * stream.size()));
}
BENCHMARK(BM_ParseClientFramesIn4KiBReads)->Arg(16)->Arg(128)->Arg(1024)->Arg(64 * 1024);

}  // namespace
