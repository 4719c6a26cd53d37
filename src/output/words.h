#pragma once
// Human output in words, not JSON's: "1 message" and "2 messages", "TCP closed by the
// server" rather than closed_by_server, "the peer went silent" rather than peer_dead.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "codec/engine.h"

namespace wsprobe::output {

// "1 message", "2 messages" (`many` defaults to `one` + "s").
std::string counted(std::uint64_t count, std::string_view one, std::string_view many = {});

// How TCP ended: "closed by the server", "reset", "left open", "closed by wsprobe".
std::string_view tcp_end_words(codec::TcpEnd end);

// A body split into its lines, without their CR LF or LF endings: a refused response's
// body is printed as lines, not as one line of \x0a escapes.
std::vector<std::string_view> body_lines(std::string_view body);

// Why a run ended, from its summary's end word: "--duration passed", "the peer is dead".
std::string_view end_words(std::string_view end);

}  // namespace wsprobe::output
