#pragma once
// The frames `wsprobe send --frame SPEC` writes, valid or not:
//
//   SPEC    := KIND { '/' FLAG } [ ':' PAYLOAD ]
//   KIND    := text | binary | cont | close | ping | pong | 0..15 | 0x0..0xf
//   FLAG    := fin=0 | fin=1 | rsv1 | rsv2 | rsv3 | mask=off | mask=HEX8 | len=N | len16 | len64
//              | fragments=N | dribble=DURATION | delay=DURATION
//   PAYLOAD := hex:HEX (HH*N repeats a byte) | @FILE | repeat:N:TEXT | TEXT
//              (for close: CODE[:REASON], or any of the above for raw bytes)
//
// Examples: "text:Hello", "text/fin=0:Hel", "cont:lo", "ping:are you there", "3:",
// "binary/mask=off:hex:0102", "text:hex:c328", "text/len=100:short", "close:1000:bye",
// "close:hex:03", "text/fragments=3:Hello world", "text/dribble=10ms:slowly".
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "codec/bytes.h"
#include "codec/frame.h"

namespace wsprobe::codec {

struct FrameSpec {
  std::uint8_t opcode = 1;
  bool fin = true;
  std::uint8_t rsv = 0;
  bool masked = true;
  std::optional<codec::MaskKey> mask_key;        // a given key; else a fresh random one per frame
  codec::Bytes payload;
  std::optional<std::string> payload_file;       // @FILE: the payload is this file's bytes
  std::optional<std::uint64_t> declared_length;  // len=N: the header says N whatever the payload
  codec::LengthEncoding encoding = codec::LengthEncoding::minimal;
  std::size_t fragments = 1;
  std::chrono::milliseconds dribble{0};  // pause between single bytes
  std::chrono::milliseconds delay{0};    // pause before the frame
};

// Throws Error(ErrorKind::usage) naming what is wrong with `text`.
FrameSpec parse_frame_spec(std::string_view text);

struct BuiltFrame {
  codec::FrameHeader header;  // as written, declared length included
  codec::ByteView payload;    // unmasked, pointing into the spec's payload
  codec::Bytes wire;          // header and masked payload, as sent
};

// The most a crafted frame carries: far above any server's limit, far below this machine's memory.
constexpr std::uint64_t max_spec_payload = 256 * 1024 * 1024;

// The spec's frame (several with fragments=N), masked as the spec says.
std::vector<BuiltFrame> build_frames(const FrameSpec& spec);

}  // namespace wsprobe::codec
