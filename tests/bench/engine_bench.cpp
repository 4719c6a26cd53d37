// Messages through the connection engine in memory, both roles: a client engine sends
// a text message, a server engine reads it and echoes it, the client engine reads the
// echo; each side's output is copied out as a socket would take it. The baseline does
// the same with the assembler and the encoder alone, as serve and the client loop
// drove them before the engine (a message encoded, then queued in an output buffer):
// the ratio of the two is what the engine costs, or saves.
#include <benchmark/benchmark.h>

#include <optional>

#include "codec/assembler.h"
#include "codec/engine.h"
#include "codec/message_encoder.h"
#include "codec/output_buffer.h"

namespace {

using namespace wsprobe::codec;

const EngineTime now{};

std::optional<DeflateAgreement> deflate_if(bool compressed) {
  return compressed ? std::optional<DeflateAgreement>(DeflateAgreement{}) : std::nullopt;
}

Bytes message_of(std::size_t size) {
  Bytes payload(size);
  for (std::size_t i = 0; i < size; ++i) payload[i] = static_cast<std::uint8_t>("{\"price\":123.45} "[i % 17]);
  return payload;
}

// Moves queued output into `into` (the other side's input), as a socket would.
void transfer(OutputBuffer& from, Bytes& into) {
  const ByteView pending = from.pending();
  into.assign(pending.begin(), pending.end());
  from.consume(pending.size());
}

class Echo : public EngineHandler {
 public:
  ConnectionEngine* engine = nullptr;
  void on_message(Opcode type, ByteView payload) override { engine->send_message(type, payload); }
};

class Count : public EngineHandler {
 public:
  std::size_t messages = 0;
  void on_message(Opcode, ByteView) override { ++messages; }
};

void BM_EngineEcho(benchmark::State& state) {
  const Bytes payload = message_of(static_cast<std::size_t>(state.range(0)));
  const auto deflate = deflate_if(state.range(1) != 0);
  Echo echo;
  Count count;
  ConnectionEngine server({.role = Role::server, .max_message_size = 1 << 24, .deflate = deflate}, echo);
  ConnectionEngine client({.role = Role::client, .max_message_size = 1 << 24, .deflate = deflate}, count);
  echo.engine = &server;
  Bytes wire;
  for (auto _ : state) {
    client.send_message(Opcode::text, payload);
    transfer(client.output(), wire);
    server.receive_data(wire, now);
    transfer(server.output(), wire);
    client.receive_data(wire, now);
  }
  if (count.messages != static_cast<std::size_t>(state.iterations())) state.SkipWithError("lost messages");
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(payload.size()) * 2);
}

class AssemblerEcho : public MessageHandler {
 public:
  AssemblerEcho(MessageEncoder* encoder = nullptr, OutputBuffer* out = nullptr) : encoder(encoder), out(out) {}
  MessageEncoder* encoder;
  OutputBuffer* out;
  std::size_t messages = 0;
  void on_message(Opcode type, ByteView payload) override {
    ++messages;
    if (encoder) out->append(encoder->message(type, payload));
  }
  void on_close(const CloseFrame&) override {}
  void on_violation(const Violation&) override { std::abort(); }
};

void BM_AssemblerEncoderEcho(benchmark::State& state) {
  const Bytes payload = message_of(static_cast<std::size_t>(state.range(0)));
  const auto deflate = deflate_if(state.range(1) != 0);
  MessageEncoder client_out({.as = Role::client, .deflate = deflate});
  MessageEncoder server_out({.as = Role::server, .deflate = deflate});
  OutputBuffer client_queue, server_queue;
  Bytes wire;
  AssemblerEcho server_reads{&server_out, &server_queue};
  AssemblerEcho client_reads;
  MessageAssembler server_in({.from = Role::client, .max_message_size = 1 << 24, .deflate = deflate}, server_reads);
  MessageAssembler client_in({.from = Role::server, .max_message_size = 1 << 24, .deflate = deflate}, client_reads);
  for (auto _ : state) {
    client_queue.append(client_out.message(Opcode::text, payload));
    transfer(client_queue, wire);
    server_in.feed(wire);
    transfer(server_queue, wire);
    client_in.feed(wire);
  }
  if (client_reads.messages != static_cast<std::size_t>(state.iterations())) state.SkipWithError("lost messages");
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(payload.size()) * 2);
}

// {payload bytes, deflate}
void Sizes(benchmark::internal::Benchmark* bench) {
  for (const int deflate : {0, 1}) {
    for (const int size : {16, 64 * 1024}) bench->Args({size, deflate});
  }
  bench->ArgNames({"bytes", "deflate"});
}

BENCHMARK(BM_AssemblerEncoderEcho)->Apply(Sizes);
BENCHMARK(BM_EngineEcho)->Apply(Sizes);

}  // namespace
