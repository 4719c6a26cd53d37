#include "codec/server_handshake.h"

#include <algorithm>
#include <string_view>

#include "codec/handshake.h"
#include "codec/http_syntax.h"

namespace wsprobe::codec {
namespace {

// Refusal reasons stay one short line however long the offending header was.
constexpr std::size_t max_shown_value = 40;
constexpr std::size_t max_reason = 200;

// A peer value as a refusal reason may quote it: a short token as it is, other short
// printable ASCII in quotes, anything else by its size only.
std::string shown(std::string_view value) {
  if (value.size() > max_shown_value) return "<" + std::to_string(value.size()) + " bytes>";
  if (is_token(value)) return std::string(value);
  const bool printable = std::all_of(value.begin(), value.end(), [](char c) { return c >= 0x20 && c < 0x7f; });
  return printable ? "\"" + std::string(value) + "\"" : "<" + std::to_string(value.size()) + " bytes>";
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Why `version` is not HTTP/1.1 or later; nullopt when it is.
std::optional<std::string> http_version_problem(std::string_view version) {
  if (version.size() != 8 || !version.starts_with("HTTP/") || !is_digit(version[5]) || version[6] != '.' ||
      !is_digit(version[7])) {
    return "the HTTP version is not HTTP/x.y";
  }
  if (version[5] == '0' || (version[5] == '1' && version[7] == '0')) {
    return std::string(version) + " is older than HTTP/1.1";
  }
  return std::nullopt;
}

bool list_has_token(const HeaderFields& fields, std::string_view name, std::string_view token) {
  const std::optional<std::string> list = combined_field_value(fields, name);
  if (!list) return false;
  const std::vector<std::string_view> elements = split_list(*list);
  return std::any_of(elements.begin(), elements.end(),
                     [&](std::string_view element) { return iequals(element, token); });
}

// Why a field that must appear exactly once does not; nullopt when it does.
std::optional<std::string> not_exactly_once(const HeaderFields& fields, std::string_view name) {
  const std::size_t count = field_values(fields, name).size();
  if (count == 0) return "no " + std::string(name) + " header";
  if (count > 1) return "more than one " + std::string(name) + " header";
  return std::nullopt;
}

HandshakeAnswer refuse(std::uint16_t status, std::string reason) {
  if (reason.size() > max_reason) reason = reason.substr(0, max_reason - 3) + "...";
  HandshakeAnswer answer;
  answer.status = status;
  if (status == 426) {
    // RFC 9110 15.5.22 and 7.8: a 426 names the protocol to upgrade to, and an
    // Upgrade header comes with the "upgrade" connection option.
    answer.response =
        "HTTP/1.1 426 Upgrade Required\r\n"
        "Upgrade: websocket\r\n"
        "Connection: Upgrade, close\r\n"
        "Sec-WebSocket-Version: 13\r\n";
  } else {
    answer.response =
        "HTTP/1.1 400 Bad Request\r\n"
        "Connection: close\r\n";
  }
  const std::string body = reason + "\n";
  answer.response.append("Content-Type: text/plain; charset=utf-8\r\nContent-Length: ")
      .append(std::to_string(body.size()))
      .append("\r\n\r\n")
      .append(body);
  answer.refusal = std::move(reason);
  return answer;
}

// The request's faults up to the subprotocols and extensions, which the answer
// needs parsed anyway.
std::optional<HandshakeAnswer> check_request_line_and_fields(const RequestHead& request) {
  const HeaderFields& fields = request.fields;
  if (request.method != "GET") return refuse(400, "method " + shown(request.method) + " is not GET");
  if (auto problem = http_version_problem(request.version)) return refuse(400, *problem);
  if (auto problem = not_exactly_once(fields, "Host")) return refuse(400, *problem);
  if (field_values(fields, "Host").front().empty()) return refuse(400, "empty Host header");
  // Bytes after the head are frames: a body would be read as frames here and as a
  // body by any proxy on the way.
  const std::vector<std::string_view> lengths = field_values(fields, "Content-Length");
  const bool has_body = std::any_of(lengths.begin(), lengths.end(), [](std::string_view v) { return v != "0"; });
  if (has_body || !field_values(fields, "Transfer-Encoding").empty()) {
    return refuse(400, "an upgrade request has no body (Content-Length or Transfer-Encoding)");
  }
  if (!combined_field_value(fields, "Upgrade")) return refuse(400, "no Upgrade header");
  if (!list_has_token(fields, "Upgrade", "websocket")) return refuse(400, "Upgrade does not name websocket");
  if (!combined_field_value(fields, "Connection")) return refuse(400, "no Connection header");
  if (!list_has_token(fields, "Connection", "Upgrade")) return refuse(400, "Connection does not name Upgrade");
  if (auto problem = not_exactly_once(fields, "Sec-WebSocket-Version")) return refuse(400, *problem);
  const std::string_view version = field_values(fields, "Sec-WebSocket-Version").front();
  if (version != "13") return refuse(426, "Sec-WebSocket-Version " + shown(version) + " is not 13");
  if (auto problem = not_exactly_once(fields, "Sec-WebSocket-Key")) return refuse(400, *problem);
  if (!is_valid_key(field_values(fields, "Sec-WebSocket-Key").front())) {
    return refuse(400, "Sec-WebSocket-Key is not the base64 of 16 bytes");
  }
  return std::nullopt;
}

}  // namespace

HandshakeAnswer answer_handshake(const RequestHead& request, const ServerHandshakePolicy& policy) {
  if (std::optional<HandshakeAnswer> refusal = check_request_line_and_fields(request)) return *refusal;
  const HeaderFields& fields = request.fields;
  HandshakeAnswer answer;

  // Sec-WebSocket-Protocol = 1#token, each offer unique (4.1).
  if (const std::optional<std::string> offered = combined_field_value(fields, "Sec-WebSocket-Protocol")) {
    const std::vector<std::string_view> offers = split_list(*offered);
    if (offers.empty() || !std::all_of(offers.begin(), offers.end(), is_token)) {
      return refuse(400, "Sec-WebSocket-Protocol is not a list of tokens");
    }
    for (auto offer = offers.begin(); offer != offers.end(); ++offer) {
      if (std::find(offers.begin(), offer, *offer) != offer) {
        return refuse(400, "Sec-WebSocket-Protocol offers " + shown(*offer) + " twice");
      }
      const bool spoken =
          std::find(policy.subprotocols.begin(), policy.subprotocols.end(), *offer) != policy.subprotocols.end();
      if (spoken && !answer.subprotocol) answer.subprotocol = std::string(*offer);
    }
  }

  if (const std::optional<std::string> offered = combined_field_value(fields, "Sec-WebSocket-Extensions")) {
    Result<std::vector<Extension>> extensions = parse_extensions(*offered);
    if (!extensions) return refuse(400, extensions.violation().describe());
    if (policy.accept_deflate) answer.deflate = accept_deflate_offer(extensions.value());
  }

  answer.status = 101;
  answer.response =
      "HTTP/1.1 101 Switching Protocols\r\n"
      "Upgrade: websocket\r\n"
      "Connection: Upgrade\r\n"
      "Sec-WebSocket-Accept: " +
      accept_for_key(field_values(fields, "Sec-WebSocket-Key").front()) + "\r\n";
  if (answer.subprotocol) answer.response.append("Sec-WebSocket-Protocol: ").append(*answer.subprotocol).append("\r\n");
  if (answer.deflate) {
    answer.response.append("Sec-WebSocket-Extensions: ")
        .append(format_extensions({to_extension(*answer.deflate)}))
        .append("\r\n");
  }
  answer.response.append("\r\n");
  return answer;
}

HandshakeAnswer answer_malformed_head(const Violation& violation) { return refuse(400, violation.describe()); }

}  // namespace wsprobe::codec
