#include <cstdlib>
#include <string>

#include "codec/assembler.h"
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

}  // namespace

// Byte 0 picks the role, RSV1 and size limit; byte 1 the read size. The rest is the
// stream from the peer, fed whole and then in reads of that size.
int frame_fuzz(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const AssemblerOptions options{
      .from = (data[0] & 1) ? Role::client : Role::server,
      .allowed_rsv = static_cast<std::uint8_t>((data[0] & 2) ? rsv1_bit : 0),
      .max_message_size = (data[0] & 4) ? 64u : 1u << 20,
  };
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
  return 0;
}

}  // namespace wsprobe::fuzz
