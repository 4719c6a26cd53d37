#include "codec/frame.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>

namespace wsprobe::codec {
namespace {

// "0x" and the bytes in hex, most significant first.
std::string hex(const std::uint8_t* bytes, std::size_t count) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string text = "0x";
  for (std::size_t i = 0; i < count; ++i) {
    text += digits[bytes[i] >> 4];
    text += digits[bytes[i] & 0xf];
  }
  return text;
}

std::string rsv_names(std::uint8_t rsv) {
  std::string names;
  for (auto [bit, name] : {std::pair{rsv1_bit, "RSV1"}, {rsv2_bit, "RSV2"}, {rsv3_bit, "RSV3"}}) {
    if (rsv & bit) names.append(names.empty() ? "" : "+").append(name);
  }
  return names;
}

}  // namespace

std::string_view opcode_name(std::uint8_t opcode) {
  switch (opcode) {
    case 0x0: return "continuation";
    case 0x1: return "text";
    case 0x2: return "binary";
    case 0x8: return "close";
    case 0x9: return "ping";
    case 0xA: return "pong";
    default: return "reserved";
  }
}

std::size_t write_frame_header(const FrameHeader& header, std::span<std::uint8_t, max_frame_header_size> out,
                               LengthEncoding encoding) {
  const std::uint64_t length = header.payload_length;
  if (encoding == LengthEncoding::minimal) {
    encoding = length < 126 ? LengthEncoding::minimal
               : length <= 0xffff ? LengthEncoding::extended16
                                  : LengthEncoding::extended64;
  } else if (encoding == LengthEncoding::extended16 && length > 0xffff) {
    throw std::invalid_argument("payload length does not fit a 16-bit length field");
  }

  out[0] = static_cast<std::uint8_t>((header.fin ? 0x80 : 0) | (header.rsv & 0x70) | (header.opcode & 0x0f));
  const std::uint8_t mask_bit = header.masked ? 0x80 : 0;
  std::size_t size = 2;
  switch (encoding) {
    case LengthEncoding::minimal:
      out[1] = static_cast<std::uint8_t>(mask_bit | length);
      break;
    case LengthEncoding::extended16:
      out[1] = mask_bit | 126;
      out[2] = static_cast<std::uint8_t>(length >> 8);
      out[3] = static_cast<std::uint8_t>(length);
      size = 4;
      break;
    case LengthEncoding::extended64:
      out[1] = mask_bit | 127;
      for (int i = 0; i < 8; ++i) out[2 + i] = static_cast<std::uint8_t>(length >> (56 - 8 * i));
      size = 10;
      break;
  }
  if (header.masked) {
    std::memcpy(&out[size], header.mask_key.data(), 4);
    size += 4;
  }
  return size;
}

Bytes build_frame(FrameHeader header, ByteView payload) {
  header.payload_length = payload.size();
  std::uint8_t head[max_frame_header_size];
  const std::size_t head_size = write_frame_header(header, head);
  Bytes frame;
  frame.reserve(head_size + payload.size());
  frame.insert(frame.end(), head, head + head_size);
  frame.insert(frame.end(), payload.begin(), payload.end());
  if (header.masked) apply_mask(MutableByteView(frame).subspan(head_size), header.mask_key);
  return frame;
}

FrameParser::Event FrameParser::step(Step step, std::size_t consumed) {
  Event event;
  event.step = step;
  event.consumed = consumed;
  return event;
}

void FrameParser::fail(Rule rule, std::string detail) {
  state_ = State::failed;
  violation_ = Violation{rule, std::move(detail)};
}

// Byte 0 alone decides the RSV, opcode and fragmented-control rules, so a bad frame
// fails as soon as its first byte arrives.
bool FrameParser::check_first_byte() {
  const std::uint8_t b0 = header_bytes_[0];
  header_.fin = (b0 & 0x80) != 0;
  header_.rsv = b0 & 0x70;
  header_.opcode = b0 & 0x0f;
  const bool control = is_control_opcode(header_.opcode);
  const std::uint8_t undefined = header_.rsv & ~options_.allowed_rsv;
  if (undefined) {
    fail(Rule::reserved_bits, rsv_names(undefined) + " on a " + std::string(opcode_name(header_.opcode)) + " frame");
    return false;
  }
  if (is_reserved_opcode(header_.opcode)) {
    fail(Rule::reserved_opcode, "opcode " + hex(&header_.opcode, 1));
    return false;
  }
  // A defined RSV bit is permessage-deflate's RSV1, which marks a message's first frame only.
  if (header_.rsv && control) {
    fail(Rule::deflate_rsv1_on_control, std::string(opcode_name(header_.opcode)) + " frame");
    return false;
  }
  if (header_.rsv && header_.opcode == static_cast<std::uint8_t>(Opcode::continuation)) {
    fail(Rule::deflate_rsv1_on_continuation, "");
    return false;
  }
  if (control && !header_.fin) {
    fail(Rule::control_frame_fragmented, std::string(opcode_name(header_.opcode)) + " frame with FIN=0");
    return false;
  }
  return true;
}

bool FrameParser::check_second_byte() {
  const std::uint8_t b1 = header_bytes_[1];
  header_.masked = (b1 & 0x80) != 0;
  const std::uint8_t len7 = b1 & 0x7f;
  if (options_.from == Role::client && !header_.masked) {
    fail(Rule::client_frame_unmasked, "MASK=0");
    return false;
  }
  if (options_.from == Role::server && header_.masked) {
    fail(Rule::server_frame_masked, "MASK=1");
    return false;
  }
  if (is_control_opcode(header_.opcode) && len7 > max_control_payload) {
    fail(Rule::control_frame_too_long,
         std::string(opcode_name(header_.opcode)) + " frame with length code " + std::to_string(len7));
    return false;
  }
  header_.payload_length = len7;
  header_need_ = 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0) + (header_.masked ? 4 : 0);
  return true;
}

bool FrameParser::finish_header() {
  const std::uint8_t len7 = header_bytes_[1] & 0x7f;
  std::size_t at = 2;
  if (len7 == 126) {
    header_.payload_length = std::uint64_t{header_bytes_[2]} << 8 | header_bytes_[3];
    at = 4;
    if (header_.payload_length < 126) {
      fail(Rule::length_not_minimal, "length " + std::to_string(header_.payload_length) + " in a 16-bit field");
      return false;
    }
  } else if (len7 == 127) {
    std::uint64_t length = 0;
    for (std::size_t i = 0; i < 8; ++i) length = length << 8 | header_bytes_[2 + i];
    at = 10;
    if (length >> 63) {
      fail(Rule::length_top_bit_set, "length field " + hex(&header_bytes_[2], 8));
      return false;
    }
    if (length <= 0xffff) {
      fail(Rule::length_not_minimal, "length " + std::to_string(length) + " in a 64-bit field");
      return false;
    }
    header_.payload_length = length;
  }
  if (header_.masked) {
    std::memcpy(header_.mask_key.data(), &header_bytes_[at], 4);
  } else {
    header_.mask_key = {};
  }
  return true;
}

FrameParser::Event FrameParser::next(MutableByteView input) {
  if (state_ == State::failed) return step(Step::violation, 0);

  if (state_ == State::header) {
    std::size_t used = 0;
    for (;;) {
      const std::size_t take = std::min(header_need_ - header_have_, input.size() - used);
      if (take != 0) std::memcpy(header_bytes_ + header_have_, input.data() + used, take);  // data() may be null
      header_have_ += take;
      used += take;
      if (header_have_ < header_need_) return step(Step::need_more, used);
      if (header_need_ == 1) {
        if (!check_first_byte()) return step(Step::violation, used);
        header_need_ = 2;
        continue;
      }
      if (header_need_ == 2) {
        if (!check_second_byte()) return step(Step::violation, used);
        if (header_need_ > 2) continue;
      }
      if (!finish_header()) return step(Step::violation, used);
      state_ = State::payload;
      remaining_ = header_.payload_length;
      payload_offset_ = 0;
      header_have_ = 0;
      header_need_ = 1;
      return step(Step::header, used);
    }
  }

  // State::payload
  const std::size_t take = static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, input.size()));
  if (take == 0 && remaining_ != 0) return step(Step::need_more, 0);
  MutableByteView slice = input.first(take);
  if (header_.masked) apply_mask(slice, header_.mask_key, payload_offset_);
  payload_offset_ += take;
  remaining_ -= take;
  const bool end = remaining_ == 0;
  if (end) state_ = State::header;
  return {Step::payload, take, slice, end};
}

}  // namespace wsprobe::codec
