#pragma once
// The sending side of the message layer: a message as frames, compressed when
// permessage-deflate was agreed (RFC 7692), fragmented on request, masked with a fresh
// key per frame when sent by a client (RFC 6455 5.3), and control frames. Everything a
// well-behaved endpoint sends goes through here; the frame builder (frame.h) stays
// for deliberately broken frames.
#include <cstddef>
#include <optional>

#include "codec/bytes.h"
#include "codec/deflate.h"
#include "codec/extensions.h"
#include "codec/frame.h"

namespace wsprobe::codec {

struct EncoderOptions {
  Role as = Role::client;  // clients mask every frame, servers never do
  // The agreed permessage-deflate, if any: messages are compressed with `as`'s
  // parameters (client_* for a client, server_* for a server).
  std::optional<DeflateAgreement> deflate;
  // Mask as a server must not, for `wsprobe serve --fault masked-frames`.
  bool mask_as_server = false;
};

class MessageEncoder {
 public:
  explicit MessageEncoder(EncoderOptions options = {});

  // A text or binary message, in frames of at most `fragment_size` payload bytes
  // (0: one frame). An empty message is one empty frame. Under permessage-deflate the
  // message is compressed first, its first frame marked with RSV1, and the compressed
  // bytes fragmented; `compress` false sends this one uncompressed, as RFC 7692 6
  // allows. Without permessage-deflate `compress` has no effect.
  Bytes message(Opcode type, ByteView payload, std::size_t fragment_size = 0, bool compress = true);
  // A ping, pong or close frame; the payload must be at most 125 bytes (our bug otherwise:
  // std::invalid_argument).
  Bytes control(Opcode type, ByteView payload);
  // The same, appended to `out`: no buffer of its own per message.
  void append_message(Bytes& out, Opcode type, ByteView payload, std::size_t fragment_size = 0, bool compress = true);
  void append_control(Bytes& out, Opcode type, ByteView payload);

 private:
  void append_frame(Bytes& out, bool fin, Opcode opcode, std::uint8_t rsv, ByteView payload);

  EncoderOptions options_;
  std::optional<MessageDeflater> deflater_;  // with options_.deflate
};

}  // namespace wsprobe::codec
