#pragma once
// The sending side of the message layer: a message as frames, fragmented on request,
// masked with a fresh key per frame when sent by a client (RFC 6455 5.3), and
// control frames. Everything a well-behaved endpoint sends goes through here; the
// frame builder (frame.h) stays for deliberately broken frames.
#include <cstddef>

#include "codec/bytes.h"
#include "codec/frame.h"

namespace wsprobe::codec {

struct EncoderOptions {
  Role as = Role::client;  // clients mask every frame, servers never do
};

class MessageEncoder {
 public:
  explicit MessageEncoder(EncoderOptions options = {}) : options_(options) {}

  // A text or binary message, in frames of at most `fragment_size` payload bytes
  // (0: one frame). An empty message is one empty frame.
  Bytes message(Opcode type, ByteView payload, std::size_t fragment_size = 0);
  // A ping, pong or close frame; the payload must be at most 125 bytes (our bug otherwise:
  // std::invalid_argument).
  Bytes control(Opcode type, ByteView payload);

 private:
  void append_frame(Bytes& out, bool fin, Opcode opcode, std::uint8_t rsv, ByteView payload);

  EncoderOptions options_;
};

}  // namespace wsprobe::codec
