#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "codec/assembler.h"
#include "codec/message_encoder.h"
#include "fuzz/targets.h"

namespace wsprobe::fuzz {
namespace {

using namespace codec;

// A digest of every event, so two runs can be compared.
class EventLog : public MessageHandler {
 public:
  std::string log;
  void on_frame(const FrameHeader& header) override {
    add('f', std::to_string(header.opcode), std::to_string(header.payload_length));
  }
  void on_message(Opcode type, ByteView payload) override {
    add('m', std::to_string(static_cast<int>(type)), as_chars(payload));
  }
  void on_ping(ByteView payload) override { add('i', "", as_chars(payload)); }
  void on_pong(ByteView payload) override { add('o', "", as_chars(payload)); }
  void on_close(const CloseFrame& close) override { add('c', std::to_string(close.code.value_or(0)), close.reason); }
  void on_violation(const Violation& violation) override { add('v', "", violation.describe()); }

 private:
  void add(char tag, std::string_view first, std::string_view second) {
    log.push_back(tag);
    log.append(first).push_back(':');
    log.append(second).push_back(',');
  }
};

// Keeps the messages, for the round trip.
class Messages : public MessageHandler {
 public:
  std::vector<Bytes> messages;
  bool violated = false;
  void on_message(Opcode, ByteView payload) override { messages.emplace_back(payload.begin(), payload.end()); }
  void on_close(const CloseFrame&) override {}
  void on_violation(const Violation&) override { violated = true; }
};

// What the encoder compresses, the assembler inflates back equal: `payload` as two
// messages (the second one leans on the first's window unless takeover is off),
// fragmented every `fragment_size` bytes.
void check_round_trip(const AssemblerOptions& options, ByteView payload, std::size_t fragment_size) {
  MessageEncoder encoder({.as = options.from, .deflate = options.deflate});
  Bytes wire = encoder.message(Opcode::binary, payload, fragment_size);
  const Bytes second = encoder.message(Opcode::binary, payload, fragment_size);
  wire.insert(wire.end(), second.begin(), second.end());
  Messages received;
  MessageAssembler(options, received).feed(wire);
  const Bytes expected(payload.begin(), payload.end());
  if (received.violated || received.messages != std::vector<Bytes>{expected, expected}) std::abort();
}

}  // namespace

// Byte 0 picks the role (bit 1), permessage-deflate (2), a 64-byte size limit (4), and
// under deflate no context takeover (8) and 9-bit windows (16) on both sides; byte 1
// the read size. The rest is the stream from the peer, fed whole and then in reads of
// that size; under deflate, it is also a payload sent through the encoder and back.
int frame_fuzz(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  AssemblerOptions options{
      .from = (data[0] & 1) ? Role::client : Role::server,
      .max_message_size = (data[0] & 4) ? 64u : 1u << 20,
  };
  if (data[0] & 2) {
    const bool takeover = !(data[0] & 8);
    const std::optional<std::uint8_t> window_bits = (data[0] & 16) ? std::optional<std::uint8_t>(9) : std::nullopt;
    options.deflate = DeflateAgreement{.server_no_context_takeover = !takeover,
                                       .client_no_context_takeover = !takeover,
                                       .server_max_window_bits = window_bits,
                                       .client_max_window_bits = window_bits};
  }
  const std::size_t read_size = 1 + data[1] % 64;
  const Bytes stream(data + 2, data + size);

  EventLog whole;
  Bytes whole_input = stream;
  MessageAssembler(options, whole).feed(whole_input);

  EventLog pieces;
  MessageAssembler assembler(options, pieces);
  Bytes piece_input = stream;
  for (std::size_t at = 0; at < piece_input.size(); at += read_size) {
    const std::size_t length = std::min(read_size, piece_input.size() - at);
    if (!assembler.feed(MutableByteView(piece_input).subspan(at, length))) break;
  }
  if (whole.log != pieces.log) std::abort();

  if (options.deflate) {
    options.max_message_size = 1u << 20;  // the payload itself must fit
    check_round_trip(options, stream, read_size);
  }
  return 0;
}

}  // namespace wsprobe::fuzz
