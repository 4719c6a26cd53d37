#include "codec/message_encoder.h"

#include <algorithm>
#include <stdexcept>
#include <utility>

#include "codec/mask.h"

namespace wsprobe::codec {

void MessageEncoder::append_frame(Bytes& out, bool fin, Opcode opcode, std::uint8_t rsv, ByteView payload) {
  FrameHeader header;
  header.fin = fin;
  header.rsv = rsv;
  header.opcode = static_cast<std::uint8_t>(opcode);
  header.masked = options_.as == Role::client || options_.mask_as_server;
  if (header.masked) header.mask_key = random_mask_key();
  header.payload_length = payload.size();
  std::uint8_t head[max_frame_header_size];
  const std::size_t head_size = write_frame_header(header, head);
  const std::size_t start = out.size();
  out.insert(out.end(), head, head + head_size);
  out.insert(out.end(), payload.begin(), payload.end());
  if (header.masked) apply_mask(MutableByteView(out).subspan(start + head_size), header.mask_key);
}

MessageEncoder::MessageEncoder(EncoderOptions options) : options_(std::move(options)) {
  if (options_.deflate) deflater_.emplace(deflate_parameters(*options_.deflate, options_.as));
}

Bytes MessageEncoder::message(Opcode type, ByteView payload, std::size_t fragment_size, bool compress) {
  Bytes out;
  append_message(out, type, payload, fragment_size, compress);
  return out;
}

void MessageEncoder::append_message(Bytes& out, Opcode type, ByteView payload, std::size_t fragment_size,
                                    bool compress) {
  if (type != Opcode::text && type != Opcode::binary) throw std::invalid_argument("a message is text or binary");
  Bytes compressed;
  std::uint8_t rsv = 0;  // RSV1 marks a compressed message's first frame only (RFC 7692 6.1)
  if (deflater_ && compress) {
    compressed = deflater_->compress(payload);
    payload = compressed;
    rsv = rsv1_bit;
  }
  const std::size_t step = fragment_size == 0 ? std::max<std::size_t>(payload.size(), 1) : fragment_size;
  std::size_t at = 0;
  Opcode opcode = type;
  do {
    const std::size_t size = std::min(step, payload.size() - at);
    const bool last = at + size == payload.size();
    append_frame(out, last, opcode, rsv, payload.subspan(at, size));
    at += size;
    opcode = Opcode::continuation;
    rsv = 0;
  } while (at < payload.size());
}

Bytes MessageEncoder::control(Opcode type, ByteView payload) {
  Bytes out;
  append_control(out, type, payload);
  return out;
}

void MessageEncoder::append_control(Bytes& out, Opcode type, ByteView payload) {
  if (!is_control_opcode(static_cast<std::uint8_t>(type)) || payload.size() > max_control_payload) {
    throw std::invalid_argument("a control frame is ping, pong or close, with at most 125 bytes");
  }
  append_frame(out, true, type, 0, payload);
}

}  // namespace wsprobe::codec
