#pragma once
// The fuzz target bodies. Each takes any bytes, must never crash, hang or grow
// without bound, and aborts when one of its own consistency checks fails.
#include <cstddef>
#include <cstdint>

namespace wsprobe::fuzz {

// Frame parser and message assembler: the same events however the input is split.
int frame_fuzz(const std::uint8_t* data, std::size_t size);

// HTTP request and response head parsers (the same head however it is split) and the
// handshake response validator.
int handshake_fuzz(const std::uint8_t* data, std::size_t size);

// Sec-WebSocket-Extensions parser (format and parse round trip) and permessage-deflate
// negotiation on both sides.
int extensions_fuzz(const std::uint8_t* data, std::size_t size);

// The event stream parser: the same events however the body is split.
int sse_fuzz(const std::uint8_t* data, std::size_t size);

// The client's whole path: a valid 101, then any server bytes in the same read,
// through the head parser, the handshake checks and the connection engine as
// connect, send and heartbeat use it: the same events however the reads fall.
int client_fuzz(const std::uint8_t* data, std::size_t size);

// The UTF-8 validator: every SIMD path gives the DFA's answers, whole and split.
int utf8_fuzz(const std::uint8_t* data, std::size_t size);

}  // namespace wsprobe::fuzz
