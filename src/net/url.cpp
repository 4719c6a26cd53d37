#include "net/url.h"

#include <charconv>

#include "base/errors.h"
#include "codec/http_syntax.h"

namespace wsprobe::net {
namespace {

Error bad_url(std::string_view text, const std::string& why, std::string hint = {}) {
  return usage_error("bad URL '" + std::string(text) + "' (" + why + ")", std::move(hint));
}

}  // namespace

std::string WsUrl::host_literal() const {
  return host.find(':') != std::string::npos ? "[" + host + "]" : host;
}

std::string WsUrl::host_header() const {
  return default_port() ? host_literal() : host_literal() + ":" + std::to_string(port);
}

std::string WsUrl::text() const {
  return std::string(secure ? "wss" : "ws") + "://" + host_literal() + ":" + std::to_string(port) + target;
}

WsUrl parse_ws_url(std::string_view text) {
  WsUrl url;
  const std::size_t scheme_end = text.find("://");
  if (scheme_end == std::string_view::npos) {
    throw bad_url(text, "no scheme", "write it as ws://HOST[:PORT]/PATH or wss://...");
  }
  const std::string_view scheme = text.substr(0, scheme_end);
  if (codec::iequals(scheme, "ws") || codec::iequals(scheme, "http")) {
    url.secure = false;
  } else if (codec::iequals(scheme, "wss") || codec::iequals(scheme, "https")) {
    url.secure = true;
  } else {
    throw bad_url(text, "scheme '" + std::string(scheme) + "' is not ws, wss, http or https");
  }
  url.port = url.secure ? 443 : 80;

  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte >= 0x7f) {
      throw bad_url(text, "space, control or non-ASCII character", "percent-encode it, e.g. %20 for a space");
    }
  }
  if (text.find('#') != std::string_view::npos) {
    throw bad_url(text, "fragments are not allowed in WebSocket URLs (RFC 6455 3)", "send a '#' as %23");
  }

  std::string_view rest = text.substr(scheme_end + 3);
  const std::size_t authority_end = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, authority_end);
  if (authority_end != std::string_view::npos) {
    const std::string_view target = rest.substr(authority_end);
    url.target = target.front() == '?' ? "/" + std::string(target) : std::string(target);
  }
  if (authority.find('@') != std::string_view::npos) {
    throw bad_url(text, "user credentials in the URL", "send them as a header: -H 'Authorization: ...'");
  }

  std::string_view port_text;
  if (authority.starts_with('[')) {
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) throw bad_url(text, "unclosed '[' in the host");
    url.host = std::string(authority.substr(1, close - 1));
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty() && !after.starts_with(':')) throw bad_url(text, "unexpected text after ']'");
    if (!after.empty()) port_text = after.substr(1);
    if (url.host.find_first_not_of("0123456789abcdefABCDEF:.") != std::string::npos || url.host.empty()) {
      throw bad_url(text, "not an IPv6 address in brackets");
    }
  } else {
    const std::size_t colon = authority.find(':');
    url.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port_text = authority.substr(colon + 1);
    if (colon != std::string_view::npos && port_text.empty()) throw bad_url(text, "empty port");
  }
  if (url.host.empty()) throw bad_url(text, "no host");
  if (!port_text.empty()) {
    unsigned port = 0;
    const auto [end, error] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (error != std::errc() || end != port_text.data() + port_text.size() || port == 0 || port > 65535) {
      throw bad_url(text, "port '" + std::string(port_text) + "' is not 1 to 65535");
    }
    url.port = static_cast<std::uint16_t>(port);
  }
  return url;
}

}  // namespace wsprobe::net
