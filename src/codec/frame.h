#pragma once
// The frame layer (RFC 6455 5.2): an incremental parser that yields headers and
// payload slices of the caller's buffer without copying, and a builder that writes
// frames exactly as described, valid or deliberately not.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "codec/bytes.h"
#include "codec/mask.h"
#include "codec/violation.h"

namespace wsprobe::codec {

enum class Opcode : std::uint8_t {
  continuation = 0x0,
  text = 0x1,
  binary = 0x2,
  close = 0x8,
  ping = 0x9,
  pong = 0xA,
};

constexpr bool is_control_opcode(std::uint8_t opcode) { return (opcode & 0x8) != 0; }
constexpr bool is_reserved_opcode(std::uint8_t opcode) {
  return (opcode >= 0x3 && opcode <= 0x7) || opcode >= 0xB;
}
// "text", "ping", ... or "reserved" for 3-7 and 11-15.
std::string_view opcode_name(std::uint8_t opcode);

// Who sent the frames: clients must mask, servers must not (5.1).
enum class Role : std::uint8_t { client, server };

// The RSV bits as they sit in the first header byte.
inline constexpr std::uint8_t rsv1_bit = 0x40;
inline constexpr std::uint8_t rsv2_bit = 0x20;
inline constexpr std::uint8_t rsv3_bit = 0x10;

inline constexpr std::size_t max_frame_header_size = 14;
inline constexpr std::size_t max_control_payload = 125;

struct FrameHeader {
  bool fin = true;
  std::uint8_t rsv = 0;     // rsv1_bit | rsv2_bit | rsv3_bit
  std::uint8_t opcode = 0;  // 0-15, reserved values included
  bool masked = false;
  MaskKey mask_key{};
  std::uint64_t payload_length = 0;

  bool operator==(const FrameHeader&) const = default;
};

// How the builder writes the payload length: the minimal encoding the RFC requires,
// or a wider field on purpose (to test how a peer treats a non-minimal length).
enum class LengthEncoding : std::uint8_t { minimal, extended16, extended64 };

// Writes `header` into `out` and returns the header size. A length that does not fit
// the requested encoding throws std::invalid_argument (our bug, not the peer's).
std::size_t write_frame_header(const FrameHeader& header, std::span<std::uint8_t, max_frame_header_size> out,
                               LengthEncoding encoding = LengthEncoding::minimal);

// A whole frame: the header with payload_length set to payload.size(), then the
// payload, masked with header.mask_key when header.masked.
Bytes build_frame(FrameHeader header, ByteView payload);

struct FrameParserOptions {
  Role from = Role::server;     // whose frames are parsed
  // RSV bits a negotiated extension defines: rsv1_bit under permessage-deflate, which
  // allows it on the first frame of a data message only (RFC 7692 6.1).
  std::uint8_t allowed_rsv = 0;
};

// Pull parser over byte chunks of any size. Call next() with the unread part of the
// input until it answers need_more. Masked payloads are unmasked in place.
class FrameParser {
 public:
  enum class Step : std::uint8_t {
    need_more,  // every input byte was consumed; feed more
    header,     // header() holds a complete, valid frame header
    payload,    // `payload` is the next slice of the frame's payload (maybe empty)
    violation,  // violation() says which rule; the parser stays in this state
  };
  struct Event {
    Step step = Step::need_more;
    std::size_t consumed = 0;   // input bytes used by this step
    MutableByteView payload;    // Step::payload: unmasked slice of the input
    bool frame_end = false;     // Step::payload: the last slice of this frame
  };

  explicit FrameParser(FrameParserOptions options = {}) : options_(options) {}

  Event next(MutableByteView input);

  const FrameHeader& header() const { return header_; }
  const Violation& violation() const { return violation_; }
  // Payload bytes of the current frame not yet returned.
  std::uint64_t payload_remaining() const { return remaining_; }

 private:
  enum class State : std::uint8_t { header, payload, failed };

  bool check_first_byte();
  bool check_second_byte();
  bool finish_header();
  static Event step(Step step, std::size_t consumed);
  void fail(Rule rule, std::string detail);

  FrameParserOptions options_;
  State state_ = State::header;
  std::uint8_t header_bytes_[max_frame_header_size];
  std::size_t header_have_ = 0;
  std::size_t header_need_ = 1;  // grows as the header reveals its size
  FrameHeader header_;
  std::uint64_t remaining_ = 0;
  std::uint64_t payload_offset_ = 0;
  Violation violation_{};
};

}  // namespace wsprobe::codec
