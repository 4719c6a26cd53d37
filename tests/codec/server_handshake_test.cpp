#include "codec/server_handshake.h"

#include <gtest/gtest.h>

#include <string>

#include "codec/handshake.h"

namespace wsprobe::codec {
namespace {

// The client's request of RFC 6455 1.3.
RequestHead sample_request() {
  return {"GET",
          "/chat",
          "HTTP/1.1",
          {
              {"Host", "server.example.com"},
              {"Upgrade", "websocket"},
              {"Connection", "Upgrade"},
              {"Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="},
              {"Origin", "http://example.com"},
              {"Sec-WebSocket-Protocol", "chat, superchat"},
              {"Sec-WebSocket-Version", "13"},
          }};
}

RequestHead without(RequestHead request, std::string_view name) {
  std::erase_if(request.fields, [&](const HeaderField& field) { return field.name == name; });
  return request;
}

RequestHead with(RequestHead request, std::string name, std::string value) {
  request.fields.push_back({std::move(name), std::move(value)});
  return request;
}

RequestHead replaced(RequestHead request, std::string_view name, std::string value) {
  request = without(std::move(request), name);
  return with(std::move(request), std::string(name), std::move(value));
}

void expect_refused(const RequestHead& request, std::uint16_t status, std::string_view reason) {
  const HandshakeAnswer answer = answer_handshake(request, {});
  EXPECT_EQ(answer.status, status) << reason;
  EXPECT_FALSE(answer.accepted());
  EXPECT_EQ(answer.refusal, reason);
  EXPECT_FALSE(answer.subprotocol);
  // The body says why, so that a person trying with curl sees it.
  EXPECT_TRUE(answer.response.ends_with("\r\n\r\n" + std::string(reason) + "\n")) << answer.response;
}

TEST(ServerHandshake, AnswersTheRfcExampleByteForByte) {
  const HandshakeAnswer answer = answer_handshake(sample_request(), {.subprotocols = {"chat"}});
  EXPECT_EQ(answer.status, 101);
  EXPECT_TRUE(answer.accepted());
  EXPECT_EQ(answer.refusal, "");
  EXPECT_EQ(answer.subprotocol, "chat");
  EXPECT_FALSE(answer.deflate);
  EXPECT_EQ(answer.response,
            "HTTP/1.1 101 Switching Protocols\r\n"
            "Upgrade: websocket\r\n"
            "Connection: Upgrade\r\n"
            "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"
            "Sec-WebSocket-Protocol: chat\r\n"
            "\r\n");
}

TEST(ServerHandshake, OmitsTheSubprotocolWhenNoneIsAgreed) {
  for (const ServerHandshakePolicy& policy : {ServerHandshakePolicy{}, ServerHandshakePolicy{{"mqtt"}, false}}) {
    const HandshakeAnswer answer = answer_handshake(sample_request(), policy);
    EXPECT_TRUE(answer.accepted());
    EXPECT_FALSE(answer.subprotocol);
    EXPECT_EQ(answer.response.find("Sec-WebSocket-Protocol"), std::string::npos) << answer.response;
  }
  const HandshakeAnswer answer = answer_handshake(without(sample_request(), "Sec-WebSocket-Protocol"), {{"chat"}});
  EXPECT_TRUE(answer.accepted());
  EXPECT_FALSE(answer.subprotocol);
}

TEST(ServerHandshake, TakesTheClientsFirstOfferThatTheServerSpeaks) {
  EXPECT_EQ(answer_handshake(sample_request(), {{"superchat", "chat"}}).subprotocol, "chat");
  EXPECT_EQ(answer_handshake(sample_request(), {{"superchat"}}).subprotocol, "superchat");
  // Subprotocol names compare exactly, as browsers compare them.
  EXPECT_FALSE(answer_handshake(sample_request(), {{"Chat"}}).subprotocol);
  const RequestHead two_lines =
      with(replaced(sample_request(), "Sec-WebSocket-Protocol", "a"), "sec-websocket-protocol", "b, chat");
  EXPECT_EQ(answer_handshake(two_lines, {{"chat", "b"}}).subprotocol, "b");
}

TEST(ServerHandshake, AcceptsHeaderNamesAndTokensInAnyCase) {
  RequestHead request = {"GET",
                         "/?q=1",
                         "HTTP/1.1",
                         {
                             {"host", "127.0.0.1:9001"},
                             {"UPGRADE", "h2c, WebSocket"},
                             {"connection", "keep-alive, upgrade"},
                             {"sec-websocket-key", "AQIDBAUGBwgJCgsMDQ4PEA=="},
                             {"SEC-WEBSOCKET-VERSION", "13"},
                         }};
  const HandshakeAnswer answer = answer_handshake(request, {});
  EXPECT_TRUE(answer.accepted()) << answer.refusal;
  EXPECT_NE(answer.response.find("Sec-WebSocket-Accept: " + accept_for_key("AQIDBAUGBwgJCgsMDQ4PEA==") + "\r\n"),
            std::string::npos);
  request.version = "HTTP/2.0";
  EXPECT_TRUE(answer_handshake(request, {}).accepted());
}

TEST(ServerHandshake, RefusesAnotherMethod) {
  RequestHead request = sample_request();
  request.method = "POST";
  expect_refused(request, 400, "method POST is not GET");
  request.method = "get";  // methods are case-sensitive (RFC 9110 9.1)
  expect_refused(request, 400, "method get is not GET");
}

TEST(ServerHandshake, RefusesHttpBefore11) {
  RequestHead request = sample_request();
  request.version = "HTTP/1.0";
  expect_refused(request, 400, "HTTP/1.0 is older than HTTP/1.1");
  request.version = "HTTP/0.9";
  expect_refused(request, 400, "HTTP/0.9 is older than HTTP/1.1");
  request.version = "HTTP/1.x";
  expect_refused(request, 400, "the HTTP version is not HTTP/x.y");
}

TEST(ServerHandshake, RefusesAMissingRepeatedOrEmptyHost) {
  expect_refused(without(sample_request(), "Host"), 400, "no Host header");
  expect_refused(with(sample_request(), "Host", "other.example.com"), 400, "more than one Host header");
  expect_refused(replaced(sample_request(), "Host", ""), 400, "empty Host header");
}

TEST(ServerHandshake, RefusesARequestWithABody) {
  const std::string_view reason = "an upgrade request has no body (Content-Length or Transfer-Encoding)";
  expect_refused(with(sample_request(), "Content-Length", "5"), 400, reason);
  expect_refused(with(sample_request(), "Transfer-Encoding", "chunked"), 400, reason);
  EXPECT_TRUE(answer_handshake(with(sample_request(), "Content-Length", "0"), {}).accepted());
}

TEST(ServerHandshake, RefusesUpgradeWithoutWebsocket) {
  expect_refused(without(sample_request(), "Upgrade"), 400, "no Upgrade header");
  expect_refused(replaced(sample_request(), "Upgrade", "h2c"), 400, "Upgrade does not name websocket");
  expect_refused(replaced(sample_request(), "Upgrade", "websocket/13"), 400, "Upgrade does not name websocket");
}

TEST(ServerHandshake, RefusesConnectionWithoutUpgrade) {
  expect_refused(without(sample_request(), "Connection"), 400, "no Connection header");
  expect_refused(replaced(sample_request(), "Connection", "keep-alive"), 400, "Connection does not name Upgrade");
  expect_refused(replaced(sample_request(), "Connection", "keep-alive upgrade"), 400,
                 "Connection does not name Upgrade");
}

TEST(ServerHandshake, AnswersAnotherVersionWith426NamingVersion13) {
  const HandshakeAnswer answer = answer_handshake(replaced(sample_request(), "Sec-WebSocket-Version", "8"), {});
  EXPECT_EQ(answer.status, 426);
  EXPECT_EQ(answer.refusal, "Sec-WebSocket-Version 8 is not 13");
  const std::string body = "Sec-WebSocket-Version 8 is not 13\n";
  EXPECT_EQ(answer.response,
            "HTTP/1.1 426 Upgrade Required\r\n"
            "Upgrade: websocket\r\n"
            "Connection: Upgrade, close\r\n"
            "Sec-WebSocket-Version: 13\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n"
            "Content-Length: " +
                std::to_string(body.size()) + "\r\n\r\n" + body);
  expect_refused(replaced(sample_request(), "Sec-WebSocket-Version", "13, 8"), 426,
                 "Sec-WebSocket-Version \"13, 8\" is not 13");
  expect_refused(replaced(sample_request(), "Sec-WebSocket-Version", std::string(41, '1')), 426,
                 "Sec-WebSocket-Version <41 bytes> is not 13");
  expect_refused(replaced(sample_request(), "Sec-WebSocket-Version", "\xce\xba"), 426,
                 "Sec-WebSocket-Version <2 bytes> is not 13");
  expect_refused(replaced(sample_request(), "Sec-WebSocket-Version", "013"), 426,
                 "Sec-WebSocket-Version 013 is not 13");
}

TEST(ServerHandshake, RefusesAMissingOrRepeatedVersion) {
  expect_refused(without(sample_request(), "Sec-WebSocket-Version"), 400, "no Sec-WebSocket-Version header");
  expect_refused(with(sample_request(), "Sec-WebSocket-Version", "13"), 400,
                 "more than one Sec-WebSocket-Version header");
}

TEST(ServerHandshake, RefusesAMissingRepeatedOrMalformedKey) {
  const HandshakeAnswer answer = answer_handshake(without(sample_request(), "Sec-WebSocket-Key"), {});
  const std::string body = "no Sec-WebSocket-Key header\n";
  EXPECT_EQ(answer.response,
            "HTTP/1.1 400 Bad Request\r\n"
            "Connection: close\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n"
            "Content-Length: " +
                std::to_string(body.size()) + "\r\n\r\n" + body);
  expect_refused(with(sample_request(), "Sec-WebSocket-Key", "AQIDBAUGBwgJCgsMDQ4PEA=="), 400,
                 "more than one Sec-WebSocket-Key header");
  for (const char* key : {"AQIDBAUGBwgJCgsMDQ4PEC==", "AQIDBAUGBwgJCgsMDQ4P", "", "dGhlIHNhbXBsZSBub25jZQ"}) {
    expect_refused(replaced(sample_request(), "Sec-WebSocket-Key", key), 400,
                   "Sec-WebSocket-Key is not the base64 of 16 bytes");
  }
}

TEST(ServerHandshake, RefusesMalformedSubprotocolOffers) {
  expect_refused(replaced(sample_request(), "Sec-WebSocket-Protocol", "chat, super chat"), 400,
                 "Sec-WebSocket-Protocol is not a list of tokens");
  expect_refused(replaced(sample_request(), "Sec-WebSocket-Protocol", ", ,"), 400,
                 "Sec-WebSocket-Protocol is not a list of tokens");
  expect_refused(replaced(sample_request(), "Sec-WebSocket-Protocol", "chat, superchat, chat"), 400,
                 "Sec-WebSocket-Protocol offers chat twice");
}

TEST(ServerHandshake, RefusesMalformedExtensionsAndIgnoresUnknownOnes) {
  expect_refused(with(sample_request(), "Sec-WebSocket-Extensions", "foo;"), 400,
                 "RFC 6455 9.1: Sec-WebSocket-Extensions does not parse (offset 4: expected a parameter name, got "
                 "the end)");
  const HandshakeAnswer answer = answer_handshake(with(sample_request(), "Sec-WebSocket-Extensions", "x-foo"), {});
  EXPECT_TRUE(answer.accepted());
  EXPECT_EQ(answer.response.find("Sec-WebSocket-Extensions"), std::string::npos);
}

TEST(ServerHandshake, AcceptsDeflateOnlyWhenThePolicySays) {
  const RequestHead request =
      with(sample_request(), "Sec-WebSocket-Extensions",
           "permessage-deflate; server_max_window_bits=20, permessage-deflate; client_max_window_bits");
  const HandshakeAnswer declined = answer_handshake(request, {});
  EXPECT_TRUE(declined.accepted());
  EXPECT_FALSE(declined.deflate);
  EXPECT_EQ(declined.response.find("Sec-WebSocket-Extensions"), std::string::npos);

  const HandshakeAnswer accepted = answer_handshake(request, {.subprotocols = {}, .accept_deflate = true});
  ASSERT_TRUE(accepted.deflate);
  EXPECT_EQ(*accepted.deflate, DeflateAgreement{});  // the second offer; client_max_window_bits without a hint
  EXPECT_TRUE(accepted.response.ends_with("Sec-WebSocket-Extensions: permessage-deflate\r\n\r\n")) << accepted.response;
}

TEST(ServerHandshake, ChecksInTheDocumentedOrder) {
  RequestHead request = {"POST", "/", "HTTP/1.0", {{"Sec-WebSocket-Version", "8"}}};
  expect_refused(request, 400, "method POST is not GET");
  request.method = "GET";
  expect_refused(request, 400, "HTTP/1.0 is older than HTTP/1.1");
  request.version = "HTTP/1.1";
  expect_refused(request, 400, "no Host header");
  request = with(request, "Host", "h");
  expect_refused(request, 400, "no Upgrade header");
  request = with(request, "Upgrade", "websocket");
  expect_refused(request, 400, "no Connection header");
  request = with(request, "Connection", "Upgrade");
  expect_refused(request, 426, "Sec-WebSocket-Version 8 is not 13");
  request = replaced(request, "Sec-WebSocket-Version", "13");
  expect_refused(request, 400, "no Sec-WebSocket-Key header");
}

TEST(ServerHandshake, AnswersAMalformedHeadWith400AndAShortReason) {
  const HandshakeAnswer answer =
      answer_malformed_head({Rule::http_head_too_large, "no end of head within 16384 bytes"});
  EXPECT_EQ(answer.status, 400);
  EXPECT_EQ(answer.refusal, "RFC 9110 5.4: message head larger than the limit (no end of head within 16384 bytes)");
  EXPECT_TRUE(answer.response.starts_with("HTTP/1.1 400 Bad Request\r\n"));

  const HandshakeAnswer long_detail = answer_malformed_head({Rule::http_malformed_field, std::string(5000, 'X')});
  EXPECT_EQ(long_detail.refusal.size(), 200u);
  EXPECT_TRUE(long_detail.refusal.ends_with("XX..."));
}

}  // namespace
}  // namespace wsprobe::codec
