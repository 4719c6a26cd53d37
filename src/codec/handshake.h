#pragma once
// The client's opening handshake (RFC 6455 4.1): the Sec-WebSocket-Key and the
// Sec-WebSocket-Accept it calls for (4.2.2), and the upgrade request.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "codec/http.h"

namespace wsprobe::codec {

inline constexpr std::string_view websocket_guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

using KeyNonce = std::array<std::uint8_t, 16>;

// The base64 of the nonce: "AQIDBAUGBwgJCgsMDQ4PEA==" for bytes 01..10.
std::string make_key(const KeyNonce& nonce);
// A key from 16 bytes of OpenSSL's CSPRNG; std::runtime_error if it fails.
std::string random_key();

// base64(SHA-1(key + GUID)), the key trimmed of outer whitespace but not decoded.
std::string accept_for_key(std::string_view key);

// Whether a client's key is the canonical base64 of 16 bytes: 24 characters, two
// of them padding, no stray bits (the server's check, 4.2.1 item 5).
bool is_valid_key(std::string_view key);

// What the client asks for. build_request() turns it into the request head.
struct HandshakeRequest {
  std::string method = "GET";             // anything else asks to be refused (4.2.1)
  std::string host;                       // the Host value: host, plus ":port" when not the default
  std::string target = "/";               // the request-target, byte for byte
  std::string key;                        // Sec-WebSocket-Key
  std::string version = "13";             // Sec-WebSocket-Version
  std::vector<std::string> subprotocols;  // offered, most preferred first
  std::vector<std::string> extensions;    // Sec-WebSocket-Extensions values, joined into one line
  std::optional<std::string> origin;
  // "Name: value" lines as curl's -H takes them: a name the request already has
  // (case-insensitive) replaces that header in place, "Name:" with an empty value
  // removes it, and other names are appended in order.
  std::vector<std::string> headers;
};

// The GET request head. Throws std::invalid_argument on CR or LF anywhere, or a
// user header without a name and a colon: bad command-line input.
RequestHead build_request(const HandshakeRequest& request);

}  // namespace wsprobe::codec
