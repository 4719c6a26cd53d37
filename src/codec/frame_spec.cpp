#include "codec/frame_spec.h"

#include <charconv>
#include <string>

#include "base/errors.h"
#include "codec/hex.h"
#include "base/units.h"
#include "codec/close.h"
#include "codec/mask.h"

namespace wsprobe::codec {
namespace {

constexpr std::uint64_t max_payload = max_spec_payload;

Error bad_spec(std::string_view spec, const std::string& why) {
  return usage_error("--frame '" + std::string(spec) + "': " + why,
                     "see 'man wsprobe' (SEND) for the syntax, e.g. --frame text/fin=0:Hel");
}

std::optional<std::uint64_t> number(std::string_view text) {
  int base = 10;
  if (text.starts_with("0x") || text.starts_with("0X")) {
    text.remove_prefix(2);
    base = 16;
  }
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value, base);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::uint8_t opcode_of(std::string_view spec, std::string_view kind) {
  static constexpr std::pair<std::string_view, std::uint8_t> names[] = {
      {"cont", 0}, {"continuation", 0}, {"text", 1}, {"binary", 2}, {"close", 8}, {"ping", 9}, {"pong", 10}};
  for (const auto& [name, opcode] : names) {
    if (kind == name) return opcode;
  }
  const auto value = number(kind);
  if (!value || *value > 15) throw bad_spec(spec, "unknown kind '" + std::string(kind) + "' (text, binary, cont, close, ping, pong or 0-15)");
  return static_cast<std::uint8_t>(*value);
}

// HEX with "HH*N" tokens repeating a byte.
codec::Bytes hex_payload(std::string_view spec, std::string_view text) {
  codec::Bytes bytes;
  std::size_t at = 0;
  while (at < text.size()) {
    const std::size_t end = std::min(text.find(' ', at), text.size());
    const std::string_view token = text.substr(at, end - at);
    at = end + 1;
    if (token.empty()) continue;
    const std::size_t star = token.find('*');
    const auto unit = parse_hex(token.substr(0, star));
    const auto count = star == std::string_view::npos ? std::optional<std::uint64_t>(1) : number(token.substr(star + 1));
    if (!unit || !count) throw bad_spec(spec, "bad hex payload '" + std::string(token) + "'");
    if (!unit->empty() && (*count > max_payload / unit->size() || bytes.size() + *count * unit->size() > max_payload)) {
      throw bad_spec(spec, "payload over 256 MiB");
    }
    for (std::uint64_t i = 0; i < *count; ++i) bytes.insert(bytes.end(), unit->begin(), unit->end());
  }
  return bytes;
}

codec::Bytes payload_of(std::string_view spec, std::uint8_t opcode, std::string_view text) {
  if (text.starts_with("hex:")) return hex_payload(spec, text.substr(4));
  if (text.starts_with("repeat:")) {
    const std::string_view rest = text.substr(7);
    const std::size_t colon = rest.find(':');
    const auto count = number(rest.substr(0, colon));
    const std::size_t unit = colon == std::string_view::npos ? 0 : rest.size() - colon - 1;
    if (colon == std::string_view::npos || !count) throw bad_spec(spec, "repeat takes repeat:N:TEXT");
    if (unit != 0 && *count > max_payload / unit) throw bad_spec(spec, "payload over 256 MiB");
    codec::Bytes bytes;
    for (std::uint64_t i = 0; i < *count; ++i) bytes.insert(bytes.end(), rest.begin() + colon + 1, rest.end());
    return bytes;
  }
  if (opcode == static_cast<std::uint8_t>(codec::Opcode::close) && !text.empty()) {
    const std::size_t colon = text.find(':');
    const auto code = number(text.substr(0, colon));
    if (!code || *code > 65535) throw bad_spec(spec, "a close payload is CODE[:REASON], or hex:..., @FILE");
    return codec::build_close_payload(static_cast<std::uint16_t>(*code),
                                      colon == std::string_view::npos ? std::string_view() : text.substr(colon + 1));
  }
  return codec::Bytes(text.begin(), text.end());
}

std::chrono::milliseconds duration_flag(std::string_view spec, std::string_view value) {
  const auto duration = parse_duration(value);
  if (!duration) throw bad_spec(spec, "'" + std::string(value) + "' is not a duration such as 10ms");
  return *duration;
}

void apply_flag(std::string_view spec, FrameSpec& frame, std::string_view flag) {
  const std::size_t equals = flag.find('=');
  const std::string_view name = flag.substr(0, equals);
  const std::string_view value = equals == std::string_view::npos ? std::string_view() : flag.substr(equals + 1);
  if (name == "fin" && (value == "0" || value == "1")) {
    frame.fin = value == "1";
  } else if (name == "rsv1" || name == "rsv2" || name == "rsv3") {
    frame.rsv |= name == "rsv1" ? codec::rsv1_bit : name == "rsv2" ? codec::rsv2_bit : codec::rsv3_bit;
  } else if (name == "mask" && value == "off") {
    frame.masked = false;
  } else if (name == "mask" && value == "on") {
    frame.masked = true;
  } else if (name == "mask") {
    const auto key = parse_hex(value);
    if (!key || key->size() != 4) throw bad_spec(spec, "mask takes off, on or a 4-byte key in hex (mask=37fa213d)");
    frame.mask_key = codec::MaskKey{(*key)[0], (*key)[1], (*key)[2], (*key)[3]};
  } else if (name == "len" && number(value)) {
    frame.declared_length = number(value);
  } else if (name == "len16" && value.empty()) {
    frame.encoding = codec::LengthEncoding::extended16;
  } else if (name == "len64" && value.empty()) {
    frame.encoding = codec::LengthEncoding::extended64;
  } else if (name == "fragments" && number(value) && *number(value) >= 1 && *number(value) <= 65536) {
    frame.fragments = static_cast<std::size_t>(*number(value));
  } else if (name == "dribble") {
    frame.dribble = duration_flag(spec, value);
  } else if (name == "delay") {
    frame.delay = duration_flag(spec, value);
  } else {
    throw bad_spec(spec, "unknown flag '" + std::string(flag) + "'");
  }
}

}  // namespace

FrameSpec parse_frame_spec(std::string_view text) {
  FrameSpec frame;
  const std::size_t colon = text.find(':');
  std::string_view head = text.substr(0, colon);
  const std::size_t slash = head.find('/');
  frame.opcode = opcode_of(text, head.substr(0, slash));
  while (slash != std::string_view::npos && !head.empty()) {
    head = head.substr(head.find('/') + 1);
    const std::size_t next = head.find('/');
    apply_flag(text, frame, head.substr(0, next));
    if (next == std::string_view::npos) break;
  }
  if (colon != std::string_view::npos && text.substr(colon + 1).starts_with("@")) {
    frame.payload_file = std::string(text.substr(colon + 2));
  } else if (colon != std::string_view::npos) {
    frame.payload = payload_of(text, frame.opcode, text.substr(colon + 1));
  }
  if (frame.fragments > std::max<std::size_t>(frame.payload.size(), 1)) {
    throw bad_spec(text, "more fragments than payload bytes");
  }
  return frame;
}

std::vector<BuiltFrame> build_frames(const FrameSpec& spec) {
  std::vector<BuiltFrame> frames;
  const std::size_t count = spec.fragments;
  const std::size_t size = spec.payload.size();
  for (std::size_t i = 0; i < count; ++i) {
    const std::size_t begin = size * i / count, end = size * (i + 1) / count;
    BuiltFrame frame;
    frame.payload = codec::ByteView(spec.payload).subspan(begin, end - begin);
    codec::FrameHeader& header = frame.header;
    header.opcode = i == 0 ? spec.opcode : static_cast<std::uint8_t>(codec::Opcode::continuation);
    header.fin = i + 1 == count ? spec.fin : false;
    header.rsv = i == 0 ? spec.rsv : 0;
    header.masked = spec.masked;
    if (spec.masked) header.mask_key = spec.mask_key.value_or(codec::random_mask_key());
    header.payload_length = count == 1 && spec.declared_length ? *spec.declared_length : frame.payload.size();
    std::uint8_t head[codec::max_frame_header_size];
    const std::size_t head_size = codec::write_frame_header(header, head, spec.encoding);
    frame.wire.assign(head, head + head_size);
    frame.wire.insert(frame.wire.end(), frame.payload.begin(), frame.payload.end());
    if (spec.masked) codec::apply_mask(codec::MutableByteView(frame.wire).subspan(head_size), header.mask_key);
    frames.push_back(std::move(frame));
  }
  return frames;
}

}  // namespace wsprobe::codec
