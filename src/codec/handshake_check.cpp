#include "codec/handshake_check.h"

#include <algorithm>
#include <string_view>

#include "codec/handshake.h"
#include "codec/http_syntax.h"

namespace wsprobe::codec {
namespace {

std::string lines(std::size_t count) { return std::to_string(count) + " header lines"; }

HandshakeCheck judged(Rule rule, bool ok, std::string expected, std::optional<std::string> observed,
                      std::string detail = {}) {
  HandshakeCheck check{rule, Outcome::fail, std::move(expected), std::move(observed), std::move(detail)};
  check.judge(ok);
  return check;
}

std::string status_line(const ResponseHead& response) {
  std::string text = std::to_string(response.status);
  if (!response.reason.empty()) text.append(" ").append(response.reason);
  return text;
}

HandshakeCheck check_status(const ResponseHead& response) {
  return judged(Rule::handshake_status, response.status == 101, "101", status_line(response));
}

// A 101 exists only from HTTP/1.1 on (RFC 9110 15.2): 4.2.2 asks for its status line.
HandshakeCheck check_http_version(const ResponseHead& response) {
  return judged(Rule::handshake_http_version, response.version == "HTTP/1.1", "HTTP/1.1", response.version);
}

// A 1xx response ends with its head: it carries no body, so neither field (RFC 9110
// 8.6, RFC 9112 6.1).
HandshakeCheck check_body_fields(const ResponseHead& response) {
  std::string present;
  for (const std::string_view name : {"Content-Length", "Transfer-Encoding"}) {
    if (const auto value = combined_field_value(response.fields, name)) {
      present.append(present.empty() ? "" : ", ").append(name).append(": ").append(*value);
    }
  }
  return judged(Rule::handshake_body_fields, present.empty(), "neither Content-Length nor Transfer-Encoding",
                present.empty() ? std::nullopt : std::optional<std::string>(present));
}

HandshakeCheck check_upgrade(const ResponseHead& response) {
  std::optional<std::string> upgrade = combined_field_value(response.fields, "Upgrade");
  const bool ok = upgrade && iequals(*upgrade, "websocket");
  return judged(Rule::handshake_upgrade, ok, "websocket", std::move(upgrade));
}

HandshakeCheck check_connection(const ResponseHead& response) {
  std::optional<std::string> connection = combined_field_value(response.fields, "Connection");
  bool ok = false;
  if (connection) {
    const std::vector<std::string_view> tokens = split_list(*connection);
    ok = std::any_of(tokens.begin(), tokens.end(), [](std::string_view token) { return iequals(token, "Upgrade"); });
  }
  return judged(Rule::handshake_connection, ok, "a list with the token Upgrade", std::move(connection));
}

HandshakeCheck check_accept(const ResponseHead& response, const RequestHead& request) {
  HandshakeCheck check = judged(Rule::handshake_accept, false, "", combined_field_value(response.fields, "Sec-WebSocket-Accept"));
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
    check.judge(accepts.size() == 1 && accepts.front() == check.expected);
  }
  return check;
}

HandshakeCheck check_subprotocol(const ResponseHead& response, const RequestHead& request, Negotiated& negotiated) {
  const std::optional<std::string> offered_text = combined_field_value(request.fields, "Sec-WebSocket-Protocol");
  const std::vector<std::string_view> offered =
      offered_text ? split_list(*offered_text) : std::vector<std::string_view>();
  const std::vector<std::string_view> values = field_values(response.fields, "Sec-WebSocket-Protocol");
  HandshakeCheck check = judged(Rule::handshake_subprotocol, false,
                                offered.empty() ? "absent, as none was offered" : "absent, or one of: " + *offered_text,
                                combined_field_value(response.fields, "Sec-WebSocket-Protocol"));
  if (values.empty()) {
    check.judge(true);
  } else if (values.size() > 1) {
    check.detail = lines(values.size());
  } else if (values.front().empty()) {
    check.detail = "an empty value";
  } else if (values.front().find(',') != std::string_view::npos) {
    check.detail = "a list, not one subprotocol";
  } else if (std::find(offered.begin(), offered.end(), values.front()) == offered.end()) {
    check.detail = "not offered";
  } else {
    check.judge(true);
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
  HandshakeCheck check = judged(
      Rule::handshake_extensions, false,
      offered.empty() ? "absent, as none was offered" : "absent, or a choice among: " + format_extensions(offered),
      combined_field_value(response.fields, "Sec-WebSocket-Extensions"));
  if (!check.observed) {
    check.judge(true);
    return check;
  }
  Result<std::vector<Extension>> accepted = parse_extensions(*check.observed);
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
  check.judge(problems.empty());
  if (check.passed()) {
    negotiated.extensions = std::move(accepted).value();
    negotiated.deflate = deflate;
  }
  return check;
}

// What a request breaks on purpose, so that the server must refuse it; empty for a
// valid request. Versions 7 and 8 (the drafts before 13) a server may still speak.
bool lists_token(const HeaderFields& fields, std::string_view name, std::string_view token) {
  const std::optional<std::string> value = combined_field_value(fields, name);
  if (!value) return false;
  const std::vector<std::string_view> tokens = split_list(*value);
  return std::any_of(tokens.begin(), tokens.end(), [token](std::string_view item) { return iequals(item, token); });
}

// Without these a request asks for no upgrade at all: a server may answer it as the
// plain HTTP request it is, with any status but 101.
constexpr std::string_view no_upgrade_asked = "no Upgrade: websocket";
constexpr std::string_view no_connection_upgrade = "no Upgrade token in Connection";
constexpr std::string_view unknown_version = "a Sec-WebSocket-Version other than 13";

std::string refusal_due(const RequestHead& request) {
  if (request.method != "GET") return "method " + request.method;
  if (field_values(request.fields, "Host").empty()) return "no Host";
  if (!lists_token(request.fields, "Upgrade", "websocket")) return std::string(no_upgrade_asked);
  if (!lists_token(request.fields, "Connection", "Upgrade")) return std::string(no_connection_upgrade);
  const std::vector<std::string_view> keys = field_values(request.fields, "Sec-WebSocket-Key");
  if (keys.empty()) return "no Sec-WebSocket-Key";
  if (keys.size() > 1 || !is_valid_key(keys.front())) return "a malformed Sec-WebSocket-Key";
  const std::vector<std::string_view> versions = field_values(request.fields, "Sec-WebSocket-Version");
  // Without a version there is none to answer with a list (4.2.2): a 4xx, as for a
  // request that lacks any required field (4.2.1).
  if (versions.empty()) return "no Sec-WebSocket-Version";
  if (versions.size() != 1 || versions.front() != "13") return std::string(unknown_version);
  return {};
}

bool is_version_refusal(std::string_view due) { return due == unknown_version; }

bool is_earlier_draft(const RequestHead& request) {
  const std::vector<std::string_view> versions = field_values(request.fields, "Sec-WebSocket-Version");
  return versions.size() == 1 && (versions.front() == "7" || versions.front() == "8");
}

// The server must refuse: a 4xx for a bad key or method (4.2.1), an error status that
// lists the versions it speaks for a version it does not (4.2.2: 426 is suggested;
// 4.4: the list is a MUST).
void check_refusal(const ResponseHead& response, const RequestHead& request, HandshakeReport& report) {
  const bool version = is_version_refusal(report.refusal_due);
  const bool plain_http = report.refusal_due == no_upgrade_asked || report.refusal_due == no_connection_upgrade;
  const bool refused = plain_http ? response.status != 101
                       : version  ? response.status >= 400
                                  : response.status >= 400 && response.status < 500;
  HandshakeCheck refusal = judged(Rule::handshake_refusal, refused,
                                  plain_http ? "no 101 for " + report.refusal_due
                                  : version  ? "an error status (426 suggested) for " + report.refusal_due
                                             : "a 4xx status (400 suggested) for " + report.refusal_due,
                                  status_line(response));
  if (!refused && response.status == 101 && version && is_earlier_draft(request)) {
    // 4.2.2 lets a server speak several versions: accepting a draft it knows is allowed.
    refusal.outcome = Outcome::informational;
    refusal.detail = "the server says it speaks this earlier draft version, which it may";
  }
  report.checks.push_back(std::move(refusal));
  if (version && response.status >= 400) {
    std::optional<std::string> listed = combined_field_value(response.fields, "Sec-WebSocket-Version");
    const bool ok = listed && !split_list(*listed).empty();
    report.checks.push_back(judged(Rule::handshake_version_list, ok, "Sec-WebSocket-Version listing the versions spoken",
                                   std::move(listed)));
  }
}

}  // namespace

bool HandshakeReport::ok(bool strict) const { return !any_fails(checks, strict); }

bool HandshakeReport::upgraded() const {
  const bool switched = std::any_of(checks.begin(), checks.end(), [](const HandshakeCheck& check) {
    return check.rule == Rule::handshake_status && check.passed();
  });
  return switched && ok();
}

HandshakeReport check_response(const ResponseHead& response, const RequestHead& request) {
  HandshakeReport report;
  report.refusal_due = refusal_due(request);
  if (!report.refusal_due.empty()) {
    check_refusal(response, request, report);
    // A server that speaks the draft asked for upgrades as usual: its response is checked too.
    if (report.checks.front().outcome != Outcome::informational) return report;
  }
  report.checks.push_back(check_status(response));
  report.checks.push_back(check_http_version(response));
  report.checks.push_back(check_body_fields(response));
  report.checks.push_back(check_upgrade(response));
  report.checks.push_back(check_connection(response));
  report.checks.push_back(check_accept(response, request));
  report.checks.push_back(check_subprotocol(response, request, report.negotiated));
  report.checks.push_back(check_extensions(response, request, report.negotiated));
  return report;
}

}  // namespace wsprobe::codec
