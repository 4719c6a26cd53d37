#include "output/frame_text.h"

#include <fmt/format.h>

#include "base/escape.h"

namespace wsprobe::output {

std::string spaced_hex(codec::ByteView bytes) {
  std::string text;
  for (std::size_t i = 0; i < bytes.size(); ++i) text += fmt::format("{}{:02x}", i ? " " : "", bytes[i]);
  return text;
}

std::string compact_hex(codec::ByteView bytes) {
  std::string text;
  for (std::uint8_t byte : bytes) text += fmt::format("{:02x}", byte);
  return text;
}

std::string frame_line(bool outgoing, const codec::FrameHeader& header, codec::ByteView preview) {
  std::string text = fmt::format("{} fin={} rsv={}{}{} {} ", outgoing ? '>' : '<', header.fin ? 1 : 0,
                                 header.rsv & codec::rsv1_bit ? 1 : 0, header.rsv & codec::rsv2_bit ? 1 : 0,
                                 header.rsv & codec::rsv3_bit ? 1 : 0, codec::opcode_name(header.opcode));
  if (codec::is_reserved_opcode(header.opcode)) text += fmt::format("(0x{:x}) ", header.opcode);
  text += header.masked ? "mask=" + compact_hex(header.mask_key) : std::string("mask=-");
  text += fmt::format(" len={}", header.payload_length);
  if (!preview.empty()) {
    text += " " + escape_for_terminal(std::string_view(reinterpret_cast<const char*>(preview.data()), preview.size()));
    if (preview.size() < header.payload_length) text += "...";
  }
  return text;
}

void frame_fields(JsonWriter& json, bool outgoing, const codec::FrameHeader& header, codec::ByteView preview) {
  json.field("direction", outgoing ? "out" : "in").field("fin", header.fin);
  json.field("rsv1", (header.rsv & codec::rsv1_bit) != 0).field("rsv2", (header.rsv & codec::rsv2_bit) != 0);
  json.field("rsv3", (header.rsv & codec::rsv3_bit) != 0).field("opcode", int{header.opcode});
  json.field("opcode_name", codec::opcode_name(header.opcode)).field("masked", header.masked);
  if (header.masked) json.field("mask_key", compact_hex(header.mask_key));
  json.field("length", header.payload_length).field("preview_hex", spaced_hex(preview));
}

}  // namespace wsprobe::output
