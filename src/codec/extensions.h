#pragma once
// Sec-WebSocket-Extensions (RFC 6455 9.1) and the negotiation of permessage-deflate
// (RFC 7692 5 and 7): the client's offer, the client's check of the server's answer,
// and the server's choice among the client's offers.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "codec/violation.h"

namespace wsprobe::codec {

struct ExtensionParam {
  std::string name;                  // a token
  std::optional<std::string> value;  // a token, unquoted; absent for a bare parameter

  bool operator==(const ExtensionParam&) const = default;
};

struct Extension {
  std::string name;  // a token
  std::vector<ExtensionParam> params;

  bool operator==(const Extension&) const = default;
};

// Parses `1#extension` where `extension = token *( ";" param )` and
// `param = token [ "=" (token | quoted-string) ]`, with OWS around the separators.
// A quoted value must unescape to a token. Empty list elements are skipped (RFC 9110
// 5.6.1), but the list must name at least one extension. Several header lines are
// parsed as their combined value (combined_field_value in http.h).
Result<std::vector<Extension>> parse_extensions(std::string_view list);

// "a; x; y=1, b". It does not validate, so that deliberately odd offers stay possible.
std::string format_extensions(const std::vector<Extension>& extensions);

inline constexpr std::string_view permessage_deflate = "permessage-deflate";

// A client's permessage-deflate offer (RFC 7692 7.1).
struct DeflateOffer {
  bool server_no_context_takeover = false;             // asks the server to reset its compressor every message
  bool client_no_context_takeover = false;             // tells the server the client will reset its own
  std::optional<std::uint8_t> server_max_window_bits;  // 8-15: the largest server window the client accepts

  // client_max_window_bits: absent, the response must not set the client's window;
  // present, it may, and `hint` (8-15, optional) suggests a value.
  struct ClientWindow {
    std::optional<std::uint8_t> hint;
    bool operator==(const ClientWindow&) const = default;
  };
  std::optional<ClientWindow> client_max_window_bits;

  bool operator==(const DeflateOffer&) const = default;
};

// The parameters of an accepted permessage-deflate, as the server's response states
// them; both sides then compress and inflate with them (RFC 7692 7.1).
struct DeflateAgreement {
  bool server_no_context_takeover = false;
  bool client_no_context_takeover = false;
  std::optional<std::uint8_t> server_max_window_bits;  // 8-15; absent means 15
  std::optional<std::uint8_t> client_max_window_bits;  // 8-15; absent means 15

  std::uint8_t server_window_bits() const { return server_max_window_bits.value_or(15); }
  std::uint8_t client_window_bits() const { return client_max_window_bits.value_or(15); }

  bool operator==(const DeflateAgreement&) const = default;
};

// The element as a header states it: "permessage-deflate; client_max_window_bits".
Extension to_extension(const DeflateOffer& offer);
Extension to_extension(const DeflateAgreement& agreement);

// Reads a permessage-deflate element as an offer: the four parameters only, each at
// most once, window values 8-15 without leading zeros, server_max_window_bits with a
// value, the no_context_takeover parameters without one. `element` must be named
// permessage-deflate (std::invalid_argument otherwise: the caller's bug).
Result<DeflateOffer> parse_deflate_offer(const Extension& element);

// An offer typed by the user, e.g. "permessage-deflate; server_max_window_bits=10",
// for --deflate. Throws std::invalid_argument naming the problem: bad command-line input.
DeflateOffer deflate_offer_from_text(std::string_view header_value);

// The client's check of the server's Sec-WebSocket-Extensions against its offers
// (RFC 7692 5, 7): nullopt when the response has no permessage-deflate (declined),
// else the agreed parameters, when they are valid and answer at least one offer:
// client_max_window_bits only if offered, a server window no larger than offered.
// With no valid offer, an accepted permessage-deflate was not offered at all.
Result<std::optional<DeflateAgreement>> agreed_deflate(const std::vector<Extension>& response,
                                                       std::span<const DeflateOffer> offers);

// The server's answer to the client's Sec-WebSocket-Extensions: the first valid
// permessage-deflate offer, accepted as offered; nullopt declines compression.
std::optional<DeflateAgreement> accept_deflate_offer(const std::vector<Extension>& offers);

}  // namespace wsprobe::codec
