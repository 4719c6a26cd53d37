#include "codec/assembler.h"

#include <string>
#include <utility>

namespace wsprobe::codec {

MessageAssembler::MessageAssembler(AssemblerOptions options, MessageHandler& handler)
    : options_(std::move(options)),
      handler_(handler),
      parser_({options_.from, options_.ignore_reserved_bits ? std::uint8_t{rsv1_bit | rsv2_bit | rsv3_bit}
                              : options_.deflate                ? rsv1_bit
                                                                : std::uint8_t{0}}) {
  if (options_.deflate) {
    inflater_.emplace(deflate_parameters(*options_.deflate, options_.from), options_.max_message_size);
  }
}

bool MessageAssembler::fail(Violation violation) {
  failed_ = true;
  handler_.on_violation(violation);
  return false;
}

bool MessageAssembler::fail(Rule rule, std::string detail) { return fail(Violation{rule, std::move(detail)}); }

bool MessageAssembler::feed(MutableByteView input) {
  while (!failed_) {
    const FrameParser::Event event = parser_.next(input);
    input = input.subspan(event.consumed);
    switch (event.step) {
      case FrameParser::Step::need_more:
        return true;
      case FrameParser::Step::violation:
        return fail(parser_.violation());
      case FrameParser::Step::header:
        if (!begin_frame(parser_.header())) return false;
        break;
      case FrameParser::Step::payload:
        if (!take_payload(event.payload, event.frame_end)) return false;
        break;
    }
  }
  return false;
}

bool MessageAssembler::begin_frame(const FrameHeader& header) {
  frame_ = header;
  handler_.on_frame(header);
  // 5.5.1 forbids data frames after a Close; pings and pongs may still come.
  if (close_received_ && !is_control_opcode(header.opcode)) {
    return fail(Rule::frame_after_close, std::string(opcode_name(header.opcode)) + " frame");
  }
  if (is_control_opcode(header.opcode)) {
    control_size_ = 0;
    return true;
  }
  if (header.opcode == static_cast<std::uint8_t>(Opcode::continuation)) {
    if (!message_open_) return fail(Rule::continuation_without_message, "");
  } else {
    if (message_open_) {
      return fail(Rule::data_frame_inside_message,
                  std::string(opcode_name(header.opcode)) + " frame before the fragmented message ended");
    }
    message_open_ = true;
    message_type_ = static_cast<Opcode>(header.opcode);
    // The parser lets RSV1 through only when permessage-deflate was agreed.
    message_compressed_ = inflater_ && (header.rsv & rsv1_bit) != 0;
    message_wire_size_ = 0;
    message_.clear();
    utf8_.reset();
  }
  // Checked against the header, before any payload is read or buffered.
  if (header.payload_length > options_.max_message_size - message_wire_size_) {
    return fail(Rule::message_too_big, "at least " + std::to_string(message_wire_size_ + header.payload_length) +
                                           (message_compressed_ ? " bytes before inflating" : " bytes") + ", limit " +
                                           std::to_string(options_.max_message_size));
  }
  message_wire_size_ += header.payload_length;
  return true;
}

bool MessageAssembler::take_payload(ByteView slice, bool frame_end) {
  if (!slice.empty()) handler_.on_frame_payload(slice);
  if (is_control_opcode(frame_.opcode)) {
    std::copy(slice.begin(), slice.end(), control_.begin() + control_size_);
    control_size_ += slice.size();
    return !frame_end || finish_control();
  }
  const bool message_end = frame_end && frame_.fin;
  const std::size_t unchecked = message_.size();
  if (!message_compressed_) {
    message_.insert(message_.end(), slice.begin(), slice.end());
    return check_text_from(unchecked) && (!message_end || finish_message());
  }
  // Inflated as it arrives, so that the size cap and UTF-8 fail as early as they can.
  if (!check_inflated(inflater_->inflate(slice, message_), unchecked)) return false;
  if (!message_end) return true;
  const std::size_t tail_start = message_.size();
  if (!check_inflated(inflater_->finish_message(message_), tail_start)) return false;
  if (inflater_->tail_kept()) handler_.on_note({Rule::deflate_tail_kept, "RFC 7692 7.2.1 strips it; it inflates all the same"});
  return finish_message();
}

// The text inflated before the inflater's violation is checked first, as it would have
// been had the input been split just before the violation.
bool MessageAssembler::check_inflated(std::optional<Violation> violation, std::size_t unchecked) {
  if (!check_text_from(unchecked)) return false;
  return !violation || fail(std::move(*violation));
}

bool MessageAssembler::finish_message() {
  if (message_type_ == Opcode::text && options_.validate_utf8 && !utf8_.complete()) {
    return fail(Rule::text_not_utf8, "sequence cut off at the end of the message");
  }
  message_open_ = false;
  handler_.on_message(message_type_, message_);
  // After a large message, give the memory back rather than keep it while the
  // connection idles: a small compressed message can inflate to the whole limit.
  if (message_.capacity() > max_held_between_messages) Bytes().swap(message_);
  return true;
}

// Text is validated as it arrives, so invalid UTF-8 fails at its first bad byte.
bool MessageAssembler::check_text_from(std::size_t offset) {
  if (message_type_ != Opcode::text || !options_.validate_utf8) return true;
  if (utf8_.feed(ByteView(message_).subspan(offset))) return true;
  return fail(Rule::text_not_utf8, "invalid byte at offset " + std::to_string(utf8_.error_offset()));
}

bool MessageAssembler::finish_control() {
  const ByteView payload(control_.data(), control_size_);
  switch (static_cast<Opcode>(frame_.opcode)) {
    case Opcode::ping:
      handler_.on_ping(payload);
      return true;
    case Opcode::pong:
      handler_.on_pong(payload);
      return true;
    default: {  // close: the parser lets no other control opcode through
      Result<CloseFrame> close = parse_close_payload(payload);
      if (!close) return fail(close.violation());
      close_received_ = true;
      handler_.on_close(close.value());
      return true;
    }
  }
}

}  // namespace wsprobe::codec
