#pragma once
// The message layer over the frame parser (RFC 6455 5.4-5.6): joins fragments into
// messages while control frames arrive in between, inflates compressed messages
// (RFC 7692) as their fragments arrive, validates text as UTF-8 as its bytes arrive,
// caps the message size, and checks Close payloads. Events go to a MessageHandler,
// wslay-style: the assembler never does I/O.
#include <array>
#include <cstdint>
#include <optional>

#include "codec/bytes.h"
#include "codec/close.h"
#include "codec/deflate.h"
#include "codec/extensions.h"
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
  // Something the peer may do but that is worth a note (a kept 00 00 ff ff tail); the
  // connection goes on.
  virtual void on_note(const Violation& note) { (void)note; }
};

struct AssemblerOptions {
  Role from = Role::server;  // whose frames are read
  // Caps each message twice: its payload as it arrives (compressed or not) and, for a
  // compressed message, what it inflates to.
  std::uint64_t max_message_size = default_max_message_size;
  // The agreed permessage-deflate, if any: RSV1 on a message's first frame then means
  // compressed, inflated with `from`'s parameters (server_* for frames from the server).
  std::optional<DeflateAgreement> deflate;
  // Leniency on purpose, for `wsprobe serve --fault`: a server that lets text through
  // unchecked, or ignores reserved bits, so that a checker can be shown to catch it.
  bool validate_utf8 = true;
  bool ignore_reserved_bits = false;
};

class MessageAssembler {
 public:
  static constexpr std::size_t max_held_between_messages = 256 * 1024;

  MessageAssembler(AssemblerOptions options, MessageHandler& handler);

  // Feeds bytes read from the peer (unmasked in place). Returns false once the peer
  // broke a rule; input after that is ignored.
  bool feed(MutableByteView input);

  bool failed() const { return failed_; }
  // A Close frame arrived; any frame after it is a violation.
  bool close_received() const { return close_received_; }
  // A fragmented message is open (its first frame arrived, its last not yet).
  bool in_message() const { return message_open_; }
  // Memory held for messages (between messages too): a connection that idles after a
  // large message must not keep it.
  std::size_t held_bytes() const { return message_.capacity(); }

 private:
  bool begin_frame(const FrameHeader& header);
  bool take_payload(ByteView slice, bool frame_end);
  bool check_inflated(std::optional<Violation> violation, std::size_t unchecked);
  bool check_text_from(std::size_t offset);
  bool finish_message();
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
  bool message_compressed_ = false;
  std::uint64_t message_wire_size_ = 0;  // payload bytes of the message's frames so far
  Bytes message_;                        // inflated when compressed
  Utf8Validator utf8_;
  std::optional<MessageInflater> inflater_;  // with options_.deflate

  std::array<std::uint8_t, max_control_payload> control_{};
  std::size_t control_size_ = 0;
};

}  // namespace wsprobe::codec
