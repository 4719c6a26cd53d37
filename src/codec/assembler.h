#pragma once
// The message layer over the frame parser (RFC 6455 5.4-5.6): joins fragments into
// messages while control frames arrive in between, validates text as UTF-8 as its
// bytes arrive, caps the message size, and checks Close payloads. Events go to a
// MessageHandler, wslay-style: the assembler never does I/O.
#include <array>
#include <cstdint>

#include "codec/bytes.h"
#include "codec/close.h"
#include "codec/frame.h"
#include "codec/utf8.h"
#include "codec/violation.h"

namespace wsprobe::codec {

inline constexpr std::uint64_t default_max_message_size = 16 * 1024 * 1024;

class MessageHandler {
 public:
  virtual ~MessageHandler() = default;
  // Every valid frame header, before its payload (frame traces).
  virtual void on_frame(const FrameHeader& header) { (void)header; }
  // The frame's payload as it arrives, unmasked, before inflating (frame traces).
  virtual void on_frame_payload(ByteView slice) { (void)slice; }
  // A complete text or binary message; `payload` is valid until the call returns.
  virtual void on_message(Opcode type, ByteView payload) = 0;
  virtual void on_ping(ByteView payload) { (void)payload; }
  virtual void on_pong(ByteView payload) { (void)payload; }
  virtual void on_close(const CloseFrame& close) = 0;
  // The peer broke `violation.rule`; the assembler accepts no further input.
  virtual void on_violation(const Violation& violation) = 0;
};

struct AssemblerOptions {
  Role from = Role::server;  // whose frames are read
  std::uint8_t allowed_rsv = 0;
  std::uint64_t max_message_size = default_max_message_size;
};

class MessageAssembler {
 public:
  MessageAssembler(AssemblerOptions options, MessageHandler& handler);

  // Feeds bytes read from the peer (unmasked in place). Returns false once the peer
  // broke a rule; input after that is ignored.
  bool feed(MutableByteView input);

  bool failed() const { return failed_; }
  // A Close frame arrived; any frame after it is a violation.
  bool close_received() const { return close_received_; }
  // A fragmented message is open (its first frame arrived, its last not yet).
  bool in_message() const { return message_open_; }

 private:
  bool begin_frame(const FrameHeader& header);
  bool take_payload(ByteView slice, bool frame_end);
  bool finish_control();
  bool fail(Violation violation);
  bool fail(Rule rule, std::string detail);

  AssemblerOptions options_;
  MessageHandler& handler_;
  FrameParser parser_;
  FrameHeader frame_;
  bool failed_ = false;
  bool close_received_ = false;

  bool message_open_ = false;
  Opcode message_type_ = Opcode::text;
  Bytes message_;
  Utf8Validator utf8_;

  std::array<std::uint8_t, max_control_payload> control_{};
  std::size_t control_size_ = 0;
};

}  // namespace wsprobe::codec
