#include "cli/input_line.h"

#include <charconv>

#include "codec/hex.h"
#include "codec/frame.h"

namespace wsprobe::cli {
namespace {

codec::Bytes bytes_of(std::string_view text) { return codec::Bytes(text.begin(), text.end()); }

InputAction control_payload(std::string_view argument, bool ping) {
  if (argument.size() > codec::max_control_payload) {
    return BadLine{"a control frame carries at most 125 bytes (RFC 6455 5.5)"};
  }
  if (ping) return SendPing{bytes_of(argument)};
  return SendPong{bytes_of(argument)};
}

InputAction command(std::string_view line) {
  const std::size_t space = line.find(' ');
  const std::string_view name = line.substr(0, space);
  const std::string_view argument = space == std::string_view::npos ? std::string_view() : line.substr(space + 1);
  if (name == "/ping") return control_payload(argument, true);
  if (name == "/pong") return control_payload(argument, false);
  if (name == "/binary") {
    auto bytes = codec::parse_hex(argument);
    if (!bytes) return BadLine{"/binary takes hex bytes, e.g. /binary 01 02 ff"};
    return SendBinary{std::move(*bytes)};
  }
  if (name == "/close") {
    StartClose close;
    if (argument.empty()) return close;
    const std::size_t split = argument.find(' ');
    const std::string_view code_text = argument.substr(0, split);
    unsigned code = 0;
    const auto [end, error] = std::from_chars(code_text.data(), code_text.data() + code_text.size(), code);
    if (error != std::errc() || end != code_text.data() + code_text.size() || code > 65535) {
      return BadLine{"/close takes a code (0-65535) and an optional reason"};
    }
    close.code = static_cast<std::uint16_t>(code);
    if (split != std::string_view::npos) close.reason = std::string(argument.substr(split + 1));
    if (close.reason.size() > codec::max_control_payload - 2) return BadLine{"a close reason has at most 123 bytes"};
    return close;
  }
  if (name == "/help") return ShowHelp{};
  return BadLine{"unknown command " + std::string(name) + " (try /help; //text sends /text)"};
}

}  // namespace

InputAction interpret_line(std::string_view line, LineMode mode, bool commands) {
  if (commands && line.starts_with("//")) line.remove_prefix(1);  // "//x" sends "/x"
  else if (commands && line.starts_with('/')) return command(line);
  switch (mode) {
    case LineMode::text: return SendText{std::string(line)};
    case LineMode::binary: return SendBinary{bytes_of(line)};
    case LineMode::hex: {
      auto bytes = codec::parse_hex(line);
      if (!bytes) return BadLine{"not hex bytes (--stdin-hex)"};
      return SendBinary{std::move(*bytes)};
    }
  }
  return BadLine{"unknown input mode"};
}

std::string_view slash_command_help() {
  return "  /ping [text]          send a ping\n"
         "  /pong [text]          send an unsolicited pong\n"
         "  /binary HEX           send a binary message, e.g. /binary 01 02 ff\n"
         "  /close [code [why]]   start the closing handshake (default 1000)\n"
         "  /help                 this list; //text sends the line /text\n"
         "  any other line        a text message; Ctrl-D closes with 1000\n";
}

}  // namespace wsprobe::cli
