#include "codec/handshake_check.h"

#include <algorithm>
#include <string_view>

#include "codec/handshake.h"
#include "codec/http_syntax.h"

namespace wsprobe::codec {
namespace {

std::string lines(std::size_t count) { return std::to_string(count) + " header lines"; }

HandshakeCheck check_status(const ResponseHead& response) {
  HandshakeCheck check{Rule::handshake_status, response.status == 101, "101", std::to_string(response.status), ""};
  if (!response.reason.empty()) check.actual->append(" ").append(response.reason);
  return check;
}

HandshakeCheck check_upgrade(const ResponseHead& response) {
  std::optional<std::string> upgrade = combined_field_value(response.fields, "Upgrade");
  const bool ok = upgrade && iequals(*upgrade, "websocket");
  return {Rule::handshake_upgrade, ok, "websocket", std::move(upgrade), ""};
}

HandshakeCheck check_connection(const ResponseHead& response) {
  std::optional<std::string> connection = combined_field_value(response.fields, "Connection");
  bool ok = false;
  if (connection) {
    const std::vector<std::string_view> tokens = split_list(*connection);
    ok = std::any_of(tokens.begin(), tokens.end(), [](std::string_view token) { return iequals(token, "Upgrade"); });
  }
  return {Rule::handshake_connection, ok, "a list with the token Upgrade", std::move(connection), ""};
}

HandshakeCheck check_accept(const ResponseHead& response, const RequestHead& request) {
  HandshakeCheck check{Rule::handshake_accept, false, "", combined_field_value(response.fields, "Sec-WebSocket-Accept"),
                       ""};
  const std::vector<std::string_view> keys = field_values(request.fields, "Sec-WebSocket-Key");
  const std::vector<std::string_view> accepts = field_values(response.fields, "Sec-WebSocket-Accept");
  if (keys.size() != 1) {
    check.expected = "a request with one Sec-WebSocket-Key";
    check.detail = "the request sent " + std::to_string(keys.size()) + " Sec-WebSocket-Key lines";
    return check;
  }
  check.expected = accept_for_key(keys.front());
  if (accepts.size() > 1) {
    check.detail = lines(accepts.size());
  } else {
    check.ok = accepts.size() == 1 && accepts.front() == check.expected;
  }
  return check;
}

HandshakeCheck check_subprotocol(const ResponseHead& response, const RequestHead& request, Negotiated& negotiated) {
  const std::optional<std::string> offered_text = combined_field_value(request.fields, "Sec-WebSocket-Protocol");
  const std::vector<std::string_view> offered =
      offered_text ? split_list(*offered_text) : std::vector<std::string_view>();
  const std::vector<std::string_view> values = field_values(response.fields, "Sec-WebSocket-Protocol");
  HandshakeCheck check{Rule::handshake_subprotocol, false,
                       offered.empty() ? "absent, as none was offered" : "absent, or one of: " + *offered_text,
                       combined_field_value(response.fields, "Sec-WebSocket-Protocol"), ""};
  if (values.empty()) {
    check.ok = true;
  } else if (values.size() > 1) {
    check.detail = lines(values.size());
  } else if (values.front().empty()) {
    check.detail = "an empty value";
  } else if (values.front().find(',') != std::string_view::npos) {
    check.detail = "a list, not one subprotocol";
  } else if (std::find(offered.begin(), offered.end(), values.front()) == offered.end()) {
    check.detail = "not offered";
  } else {
    check.ok = true;
    negotiated.subprotocol = std::string(values.front());
  }
  return check;
}

// An offer that does not parse offers nothing: our own text, possibly odd on purpose.
std::vector<Extension> offered_extensions(const RequestHead& request) {
  const std::optional<std::string> text = combined_field_value(request.fields, "Sec-WebSocket-Extensions");
  if (!text) return {};
  Result<std::vector<Extension>> offered = parse_extensions(*text);
  return offered ? std::move(offered).value() : std::vector<Extension>();
}

HandshakeCheck check_extensions(const ResponseHead& response, const RequestHead& request, Negotiated& negotiated) {
  const std::vector<Extension> offered = offered_extensions(request);
  HandshakeCheck check{
      Rule::handshake_extensions, false,
      offered.empty() ? "absent, as none was offered" : "absent, or a choice among: " + format_extensions(offered),
      combined_field_value(response.fields, "Sec-WebSocket-Extensions"), ""};
  if (!check.actual) {
    check.ok = true;
    return check;
  }
  Result<std::vector<Extension>> accepted = parse_extensions(*check.actual);
  if (!accepted) {
    check.detail = accepted.violation().describe();
    return check;
  }

  auto was_offered = [&](std::string_view name) {
    return std::any_of(offered.begin(), offered.end(), [&](const Extension& offer) { return offer.name == name; });
  };
  std::vector<Violation> problems;
  for (const Extension& extension : accepted.value()) {
    if (!was_offered(extension.name)) problems.push_back({Rule::extension_not_offered, extension.name});
  }
  std::optional<DeflateAgreement> deflate;
  if (was_offered(permessage_deflate)) {
    std::vector<DeflateOffer> deflate_offers;
    for (const Extension& offer : offered) {
      if (offer.name != permessage_deflate) continue;
      Result<DeflateOffer> deflate_offer = parse_deflate_offer(offer);
      if (deflate_offer) deflate_offers.push_back(deflate_offer.value());
    }
    Result<std::optional<DeflateAgreement>> agreed = agreed_deflate(accepted.value(), deflate_offers);
    if (agreed) {
      deflate = agreed.value();
    } else {
      problems.push_back(agreed.violation());
    }
  }

  for (const Violation& problem : problems) {
    check.detail.append(check.detail.empty() ? "" : "; ").append(problem.describe());
  }
  check.ok = problems.empty();
  if (check.ok) {
    negotiated.extensions = std::move(accepted).value();
    negotiated.deflate = deflate;
  }
  return check;
}

}  // namespace

bool HandshakeReport::ok() const {
  return std::all_of(checks.begin(), checks.end(), [](const HandshakeCheck& check) { return check.ok; });
}

HandshakeReport check_response(const ResponseHead& response, const RequestHead& request) {
  HandshakeReport report;
  report.checks.push_back(check_status(response));
  report.checks.push_back(check_upgrade(response));
  report.checks.push_back(check_connection(response));
  report.checks.push_back(check_accept(response, request));
  report.checks.push_back(check_subprotocol(response, request, report.negotiated));
  report.checks.push_back(check_extensions(response, request, report.negotiated));
  return report;
}

}  // namespace wsprobe::codec
