#include "codec/handshake_check.h"

#include <gtest/gtest.h>

#include "codec/handshake.h"
#include "support/chunks.h"
#include "support/testdata.h"

namespace wsprobe::codec {
namespace {

constexpr std::string_view sample_accept = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

ResponseHead read_response(std::string_view file) {
  const std::string bytes = test::read_testdata("handshake/" + std::string(file));
  ResponseHeadParser parser;
  const auto event = parser.next(as_bytes(bytes));
  EXPECT_EQ(event.step, ResponseHeadParser::Step::complete) << file;
  EXPECT_EQ(event.consumed, bytes.size()) << file;
  return parser.head();
}

// Offers the subprotocols chat and superchat, and permessage-deflate with a bare client_max_window_bits.
HandshakeRequest offering_request() {
  HandshakeRequest request;
  request.host = "server.example.com";
  request.target = "/chat";
  request.key = "dGhlIHNhbXBsZSBub25jZQ==";
  request.subprotocols = {"chat", "superchat"};
  request.extensions = {"permessage-deflate; client_max_window_bits"};
  return request;
}

HandshakeReport check(std::string_view file, const HandshakeRequest& request = offering_request()) {
  return check_response(read_response(file), build_request(request));
}

std::vector<Rule> failed(const HandshakeReport& report) {
  std::vector<Rule> rules;
  for (const HandshakeCheck& check : report.checks) {
    if (!check.passed()) rules.push_back(check.rule);
  }
  return rules;
}

const HandshakeCheck& check_of(const HandshakeReport& report, Rule rule) {
  for (const HandshakeCheck& check : report.checks) {
    if (check.rule == rule) return check;
  }
  throw std::logic_error("no check for the rule");
}

TEST(HandshakeCheck, ReportsEveryCheckInOrder) {
  const HandshakeReport report = check("101-valid.http");
  std::vector<Rule> rules;
  for (const HandshakeCheck& check : report.checks) rules.push_back(check.rule);
  EXPECT_EQ(rules,
            (std::vector<Rule>{Rule::handshake_status, Rule::handshake_http_version, Rule::handshake_body_fields,
                               Rule::handshake_upgrade, Rule::handshake_connection, Rule::handshake_accept,
                               Rule::handshake_subprotocol, Rule::handshake_extensions}));
}

TEST(HandshakeCheck, AcceptsAValidResponseAndReportsWhatWasAgreed) {
  const HandshakeReport report = check("101-valid.http");
  EXPECT_TRUE(report.ok());
  EXPECT_EQ(failed(report), std::vector<Rule>{});
  EXPECT_EQ(report.negotiated.subprotocol, "chat");
  EXPECT_EQ(format_extensions(report.negotiated.extensions), "permessage-deflate; client_max_window_bits=10");
  ASSERT_TRUE(report.negotiated.deflate.has_value());
  EXPECT_EQ(report.negotiated.deflate->client_window_bits(), 10);
  EXPECT_EQ(report.negotiated.deflate->server_window_bits(), 15);

  const HandshakeCheck& accept = check_of(report, Rule::handshake_accept);
  EXPECT_EQ(accept.expected, sample_accept);
  EXPECT_EQ(accept.observed, sample_accept);
  EXPECT_EQ(check_of(report, Rule::handshake_status).observed, "101 Switching Protocols");
}

TEST(HandshakeCheck, AcceptsAMinimalResponseWithNothingAgreed) {
  const HandshakeReport report = check("101-minimal.http");
  EXPECT_TRUE(report.ok());
  EXPECT_EQ(report.negotiated.subprotocol, std::nullopt);
  EXPECT_TRUE(report.negotiated.extensions.empty());
  EXPECT_EQ(report.negotiated.deflate, std::nullopt);
  EXPECT_EQ(check_of(report, Rule::handshake_subprotocol).observed, std::nullopt);
}

TEST(HandshakeCheck, IgnoresCaseAndOuterWhitespaceWhereTheRfcDoes) {
  EXPECT_EQ(failed(check("101-mixed-case.http")), std::vector<Rule>{});
}

TEST(HandshakeCheck, LeavesTheFramesAfterTheHeadToTheCaller) {
  const std::string bytes = test::read_testdata("handshake/101-then-frame.http");
  ResponseHeadParser parser;
  const auto event = parser.next(as_bytes(bytes));
  ASSERT_EQ(event.step, ResponseHeadParser::Step::complete);
  EXPECT_EQ(test::to_hex(as_bytes(bytes).subspan(event.consumed)), "81 05 48 65 6c 6c 6f");
  EXPECT_TRUE(check_response(parser.head(), build_request(offering_request())).ok());
}

TEST(HandshakeCheck, FailsOnlyTheStatusOnA200) {
  const HandshakeReport report = check("status-200.http");
  EXPECT_EQ(failed(report), std::vector<Rule>{Rule::handshake_status});
  const HandshakeCheck& status = check_of(report, Rule::handshake_status);
  EXPECT_EQ(status.expected, "101");
  EXPECT_EQ(status.observed, "200 OK");
}

TEST(HandshakeCheck, FailsOnlyTheUpgradeOnAnotherProtocol) {
  const HandshakeReport report = check("upgrade-h2c.http");
  EXPECT_EQ(failed(report), std::vector<Rule>{Rule::handshake_upgrade});
  EXPECT_EQ(check_of(report, Rule::handshake_upgrade).expected, "websocket");
  EXPECT_EQ(check_of(report, Rule::handshake_upgrade).observed, "h2c");
}

TEST(HandshakeCheck, FailsOnlyTheConnectionWithoutTheUpgradeToken) {
  for (std::string_view file : {"connection-missing.http", "connection-keep-alive.http"}) {
    EXPECT_EQ(failed(check(file)), std::vector<Rule>{Rule::handshake_connection}) << file;
  }
  EXPECT_EQ(check_of(check("connection-missing.http"), Rule::handshake_connection).observed, std::nullopt);
  EXPECT_EQ(check_of(check("connection-keep-alive.http"), Rule::handshake_connection).observed, "keep-alive");
}

TEST(HandshakeCheck, FailsOnlyTheAcceptWhenWrongOrRepeated) {
  const HandshakeReport wrong = check("accept-wrong.http");
  EXPECT_EQ(failed(wrong), std::vector<Rule>{Rule::handshake_accept});
  EXPECT_EQ(check_of(wrong, Rule::handshake_accept).expected, sample_accept);
  EXPECT_EQ(check_of(wrong, Rule::handshake_accept).observed, "dGhlIHNhbXBsZSBub25jZQ==");

  const HandshakeReport twice = check("accept-twice.http");
  EXPECT_EQ(failed(twice), std::vector<Rule>{Rule::handshake_accept});
  EXPECT_EQ(check_of(twice, Rule::handshake_accept).detail, "2 header lines");
}

TEST(HandshakeCheck, ComputesTheAcceptFromTheKeyActuallySent) {
  HandshakeRequest request = offering_request();
  request.headers = {"Sec-WebSocket-Key: AQIDBAUGBwgJCgsMDQ4PEA=="};
  const HandshakeReport replaced = check("101-valid.http", request);
  EXPECT_EQ(failed(replaced), std::vector<Rule>{Rule::handshake_accept});
  EXPECT_EQ(check_of(replaced, Rule::handshake_accept).expected, accept_for_key("AQIDBAUGBwgJCgsMDQ4PEA=="));

  // Without a key the request breaks 4.1 on purpose: the server must refuse it.
  request.headers = {"Sec-WebSocket-Key:"};
  const HandshakeReport report = check("101-valid.http", request);
  EXPECT_EQ(report.refusal_due, "no Sec-WebSocket-Key");
  EXPECT_EQ(failed(report), std::vector<Rule>{Rule::handshake_refusal});
}

TEST(HandshakeCheck, FailsOnlyTheSubprotocolWhenNotOneOffered) {
  for (const auto& [file, detail] : {std::pair{"subprotocol-not-offered.http", "not offered"},
                                     std::pair{"subprotocol-list.http", "a list, not one subprotocol"},
                                     std::pair{"subprotocol-empty.http", "an empty value"}}) {
    const HandshakeReport report = check(file);
    EXPECT_EQ(failed(report), std::vector<Rule>{Rule::handshake_subprotocol}) << file;
    const HandshakeCheck& subprotocol = check_of(report, Rule::handshake_subprotocol);
    EXPECT_EQ(subprotocol.expected, "absent, or one of: chat, superchat");
    EXPECT_EQ(subprotocol.detail, detail) << file;
    EXPECT_EQ(report.negotiated.subprotocol, std::nullopt);
  }
}

TEST(HandshakeCheck, FailsSubprotocolAndExtensionsWhenNoneWereOffered) {
  HandshakeRequest request = offering_request();
  request.subprotocols.clear();
  request.extensions.clear();
  const HandshakeReport report = check("101-valid.http", request);
  EXPECT_EQ(failed(report), (std::vector<Rule>{Rule::handshake_subprotocol, Rule::handshake_extensions}));
  EXPECT_EQ(check_of(report, Rule::handshake_subprotocol).expected, "absent, as none was offered");
  EXPECT_EQ(check_of(report, Rule::handshake_extensions).expected, "absent, as none was offered");
  EXPECT_EQ(check_of(report, Rule::handshake_extensions).detail,
            "RFC 6455 4.1: response names an extension the client did not offer (permessage-deflate)");
}

TEST(HandshakeCheck, FailsOnlyTheExtensionsWhenNotOffered) {
  const HandshakeReport report = check("extensions-not-offered.http");
  EXPECT_EQ(failed(report), std::vector<Rule>{Rule::handshake_extensions});
  const HandshakeCheck& extensions = check_of(report, Rule::handshake_extensions);
  EXPECT_EQ(extensions.expected, "absent, or a choice among: permessage-deflate; client_max_window_bits");
  EXPECT_EQ(extensions.observed, "x-webkit-deflate-frame");
  EXPECT_EQ(extensions.detail,
            "RFC 6455 4.1: response names an extension the client did not offer (x-webkit-deflate-frame)");
  EXPECT_TRUE(report.negotiated.extensions.empty());
}

TEST(HandshakeCheck, FailsOnlyTheExtensionsWhenTheyDoNotParse) {
  const HandshakeReport report = check("extensions-malformed.http");
  EXPECT_EQ(failed(report), std::vector<Rule>{Rule::handshake_extensions});
  EXPECT_EQ(check_of(report, Rule::handshake_extensions).detail,
            "RFC 6455 9.1: Sec-WebSocket-Extensions does not parse (offset 20: expected a parameter name, got 0x3d)");
}

TEST(HandshakeCheck, FailsOnlyTheExtensionsOnABadPermessageDeflateAnswer) {
  const HandshakeReport two = check("deflate-two-elements.http");
  EXPECT_EQ(failed(two), std::vector<Rule>{Rule::handshake_extensions});
  EXPECT_EQ(check_of(two, Rule::handshake_extensions).observed,
            "permessage-deflate, permessage-deflate; client_max_window_bits=10");
  EXPECT_EQ(check_of(two, Rule::handshake_extensions).detail,
            "RFC 7692 5: more than one permessage-deflate element in the response (2 elements)");
  EXPECT_EQ(two.negotiated.deflate, std::nullopt);

  const HandshakeReport zero = check("deflate-leading-zero.http");
  EXPECT_EQ(failed(zero), std::vector<Rule>{Rule::handshake_extensions});
  EXPECT_EQ(check_of(zero, Rule::handshake_extensions).detail,
            "RFC 7692 7.1: invalid permessage-deflate parameter value (client_max_window_bits=08 is not 8 to 15)");
}

TEST(HandshakeCheck, ListsEveryExtensionProblem) {
  HandshakeRequest request = offering_request();
  request.extensions = {"permessage-deflate"};
  ResponseHead response = read_response("101-minimal.http");
  response.fields.push_back({"Sec-WebSocket-Extensions", "x-foo, permessage-deflate; client_max_window_bits=10"});
  const HandshakeReport report = check_response(response, build_request(request));
  const HandshakeCheck& extensions = check_of(report, Rule::handshake_extensions);
  EXPECT_FALSE(extensions.passed());
  EXPECT_EQ(
      extensions.detail,
      "RFC 6455 4.1: response names an extension the client did not offer (x-foo); "
      "RFC 7692 7.1.2.2: client_max_window_bits in the response but not in the offer (client_max_window_bits=10)");
}

TEST(HandshakeCheck, AnOfferThatDoesNotParseOffersNothing) {
  HandshakeRequest request = offering_request();
  request.extensions = {"permessage-deflate; =odd on purpose"};
  const HandshakeReport report = check("101-valid.http", request);
  EXPECT_EQ(failed(report), std::vector<Rule>{Rule::handshake_extensions});
  EXPECT_EQ(check_of(report, Rule::handshake_extensions).expected, "absent, as none was offered");
}

TEST(HandshakeCheck, AnAcceptedInvalidDeflateOfferWasNotAValidOffer) {
  HandshakeRequest request = offering_request();
  request.extensions = {"permessage-deflate; server_max_window_bits=99"};
  const HandshakeReport report = check("101-valid.http", request);
  const HandshakeCheck& extensions = check_of(report, Rule::handshake_extensions);
  EXPECT_FALSE(extensions.passed());
  EXPECT_EQ(extensions.detail,
            "RFC 6455 4.1: response names an extension the client did not offer (permessage-deflate, with no valid "
            "offer)");
}

TEST(HandshakeCheck, AnEmptyHeadFailsEveryRequiredCheck) {
  const HandshakeReport report = check_response(ResponseHead{}, build_request(offering_request()));
  EXPECT_EQ(failed(report), (std::vector<Rule>{Rule::handshake_status, Rule::handshake_http_version,
                                               Rule::handshake_upgrade, Rule::handshake_connection,
                                               Rule::handshake_accept}));
  EXPECT_FALSE(report.ok());
}

ResponseHead with_fields(ResponseHead head, HeaderFields extra) {
  head.fields.insert(head.fields.end(), extra.begin(), extra.end());
  return head;
}

// RFC 9110 8.6 and RFC 9112 6.1: a 1xx response carries neither field.
TEST(HandshakeCheck, A101WithBodyFieldsFails) {
  for (const HeaderField& field : {HeaderField{"Content-Length", "0"}, HeaderField{"Transfer-Encoding", "chunked"}}) {
    const HandshakeReport report = check_response(with_fields(read_response("101-minimal.http"), {field}),
                                                  build_request(offering_request()));
    EXPECT_EQ(failed(report), std::vector<Rule>{Rule::handshake_body_fields}) << field.name;
    EXPECT_FALSE(report.upgraded());
  }
}

// HTTP/1.0 has no 1xx status: a 101 comes in HTTP/1.1 (RFC 6455 4.2.2, RFC 9110 15.2).
TEST(HandshakeCheck, A101FromHttp10Fails) {
  ResponseHead response = read_response("101-minimal.http");
  response.version = "HTTP/1.0";
  EXPECT_EQ(failed(check_response(response, build_request(offering_request()))),
            std::vector<Rule>{Rule::handshake_http_version});
}

HandshakeRequest asking_version(std::string version) {
  HandshakeRequest request = offering_request();
  request.extensions.clear();
  request.version = std::move(version);
  return request;
}

ResponseHead refusal(std::uint16_t status, HeaderFields fields) {
  return ResponseHead{"HTTP/1.1", status, "Refused", std::move(fields)};
}

// RFC 6455 4.2.2 and 4.4: an unknown version is refused with an error status (426
// suggested) that lists the versions the server speaks.
TEST(HandshakeCheck, AnUnknownVersionExpectsARefusalThatListsVersions) {
  const RequestHead request = build_request(asking_version("99"));
  const HandshakeReport listed = check_response(refusal(426, {{"Sec-WebSocket-Version", "13, 8"}}), request);
  EXPECT_EQ(listed.refusal_due, "a Sec-WebSocket-Version other than 13");
  EXPECT_TRUE(listed.ok());
  EXPECT_FALSE(listed.upgraded());
  EXPECT_EQ(listed.checks.size(), 2u);

  EXPECT_TRUE(check_response(refusal(400, {{"Sec-WebSocket-Version", "13"}}), request).ok());  // 426 is a suggestion
  EXPECT_EQ(failed(check_response(refusal(426, {}), request)), std::vector<Rule>{Rule::handshake_version_list});
  EXPECT_EQ(failed(check_response(read_response("101-minimal.http"), request)),
            std::vector<Rule>{Rule::handshake_refusal});
}

// A server may speak an earlier draft: accepting version 8 is worth saying, not failing.
TEST(HandshakeCheck, AcceptingAnEarlierDraftVersionIsInformational) {
  const HandshakeReport report = check_response(read_response("101-minimal.http"), build_request(asking_version("8")));
  ASSERT_FALSE(report.checks.empty());
  EXPECT_EQ(report.checks.front().rule, Rule::handshake_refusal);
  EXPECT_EQ(report.checks.front().outcome, Outcome::informational);
  EXPECT_TRUE(report.ok());
  EXPECT_TRUE(report.upgraded());
}

// RFC 6455 4.2.1: a malformed key or another method gets a 4xx.
TEST(HandshakeCheck, ABadKeyOrMethodExpectsA4xx) {
  HandshakeRequest bad_key = offering_request();
  bad_key.key = "abc";
  const RequestHead keyed = build_request(bad_key);
  EXPECT_TRUE(check_response(refusal(400, {}), keyed).ok());
  EXPECT_EQ(failed(check_response(refusal(500, {}), keyed)), std::vector<Rule>{Rule::handshake_refusal});
  EXPECT_EQ(failed(check_response(read_response("101-minimal.http"), keyed)), std::vector<Rule>{Rule::handshake_refusal});

  RequestHead post = build_request(offering_request());
  post.method = "POST";
  const HandshakeReport report = check_response(refusal(405, {}), post);
  EXPECT_EQ(report.refusal_due, "method POST");
  EXPECT_TRUE(report.ok());
}

}  // namespace
}  // namespace wsprobe::codec
