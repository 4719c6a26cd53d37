#pragma once
// WebSocket URLs (RFC 6455 3): ws:// and wss://, and http:// and https:// mapped to
// them as browsers do. The path and query are kept byte for byte as the request target.
#include <cstdint>
#include <string>
#include <string_view>

namespace wsprobe::net {

struct WsUrl {
  bool secure = false;  // wss (or https)
  std::string host;     // a name or address; an IPv6 literal without its brackets
  std::uint16_t port = 80;
  std::string target = "/";  // path and query as written; "/" when the URL has none

  bool default_port() const { return port == (secure ? 443 : 80); }
  // Host as a URL or a Host header writes it: IPv6 literals in brackets.
  std::string host_literal() const;
  // The Host header value: host, and ":port" unless it is the scheme's default.
  std::string host_header() const;
  // "ws://host:port/target"
  std::string text() const;
};

// Throws wsprobe::Error of ErrorKind::usage, naming what is wrong, for anything that is
// not a usable ws/wss/http/https URL: another scheme, no host, a bad port, user
// credentials, a fragment (3: not allowed), spaces or control characters.
WsUrl parse_ws_url(std::string_view text);

}  // namespace wsprobe::net
