#pragma once
// What a line typed into `wsprobe connect` means: a message to send, or, in a
// terminal, a slash command (/ping, /pong, /binary, /close, /help).
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "codec/bytes.h"

namespace wsprobe::cli {

enum class LineMode { text, binary, hex };  // --stdin-binary, --stdin-hex

struct SendText { std::string text; };
struct SendBinary { codec::Bytes bytes; };
struct SendPing { codec::Bytes payload; };
struct SendPong { codec::Bytes payload; };
struct StartClose { std::uint16_t code = 1000; std::string reason; };
struct ShowHelp {};
struct BadLine { std::string why; };

using InputAction = std::variant<SendText, SendBinary, SendPing, SendPong, StartClose, ShowHelp, BadLine>;

// `line` without its line ending. Slash commands only when `commands` (a terminal):
// from a pipe every line is data, even one that starts with a slash.
InputAction interpret_line(std::string_view line, LineMode mode, bool commands);

// The text /help prints.
std::string_view slash_command_help();

}  // namespace wsprobe::cli
