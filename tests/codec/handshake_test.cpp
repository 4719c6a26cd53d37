#include "codec/handshake.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace wsprobe::codec {
namespace {

constexpr std::string_view sample_key = "dGhlIHNhbXBsZSBub25jZQ==";  // RFC 6455 1.3

TEST(Key, IsTheBase64OfTheNonce) {
  EXPECT_EQ(make_key({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}), "AQIDBAUGBwgJCgsMDQ4PEA==");
  KeyNonce sample_nonce;
  const std::string_view text = "the sample nonce";
  std::copy(text.begin(), text.end(), sample_nonce.begin());
  EXPECT_EQ(make_key(sample_nonce), sample_key);
}

TEST(Key, RandomKeysAreValidAndFresh) {
  const std::string first = random_key();
  const std::string second = random_key();
  EXPECT_TRUE(is_valid_key(first)) << first;
  EXPECT_TRUE(is_valid_key(second)) << second;
  EXPECT_NE(first, second);
}

TEST(Key, ValidKeysAreTheCanonicalBase64Of16Bytes) {
  EXPECT_TRUE(is_valid_key(sample_key));
  EXPECT_TRUE(is_valid_key("AQIDBAUGBwgJCgsMDQ4PEA=="));
  EXPECT_TRUE(is_valid_key("/////////////////////w=="));
  EXPECT_FALSE(is_valid_key("AQIDBAUGBwgJCgsMDQ4PEC=="));  // the RFC 4.1 misprint: stray bits (Errata 3150)
  EXPECT_FALSE(is_valid_key("AQIDBAUGBwgJCgsMDQ4P"));      // 15 bytes
  EXPECT_FALSE(is_valid_key("AQIDBAUGBwgJCgsMDQ4PEBE="));  // 17 bytes
  EXPECT_FALSE(is_valid_key("AQIDBAUGBwgJCgsMDQ4PEA"));    // no padding
  EXPECT_FALSE(is_valid_key("AQIDBAUGBwgJCgsMDQ4PE*=="));  // not a base64 digit
  EXPECT_FALSE(is_valid_key("AQIDBAUGBwgJCgsMDQ4P=A=="));
  EXPECT_FALSE(is_valid_key(" AQIDBAUGBwgJCgsMDQ4PEA="));
  EXPECT_FALSE(is_valid_key(""));
}

TEST(Accept, MatchesTheRfcVector) {
  EXPECT_EQ(accept_for_key(sample_key), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
  EXPECT_EQ(accept_for_key(" \tdGhlIHNhbXBsZSBub25jZQ== "), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
  EXPECT_NE(accept_for_key("AQIDBAUGBwgJCgsMDQ4PEA=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}

HandshakeRequest sample_request() {
  HandshakeRequest request;
  request.host = "server.example.com";
  request.target = "/chat";
  request.key = sample_key;
  return request;
}

std::string request_text(const HandshakeRequest& request) { return format_request_head(build_request(request)); }

TEST(Request, HasTheHeadersRfc6455Requires) {
  EXPECT_EQ(request_text(sample_request()),
            "GET /chat HTTP/1.1\r\n"
            "Host: server.example.com\r\n"
            "Upgrade: websocket\r\n"
            "Connection: Upgrade\r\n"
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
            "Sec-WebSocket-Version: 13\r\n"
            "\r\n");
}

TEST(Request, OffersOriginSubprotocolsAndExtensions) {
  HandshakeRequest request = sample_request();
  request.target = "/a%20b?q=1&r=%7E";
  request.host = "[::1]:9001";
  request.origin = "http://example.com";
  request.subprotocols = {"chat", "superchat"};
  request.extensions = {"permessage-deflate; client_max_window_bits", "permessage-deflate"};
  EXPECT_EQ(request_text(request),
            "GET /a%20b?q=1&r=%7E HTTP/1.1\r\n"
            "Host: [::1]:9001\r\n"
            "Upgrade: websocket\r\n"
            "Connection: Upgrade\r\n"
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
            "Sec-WebSocket-Version: 13\r\n"
            "Origin: http://example.com\r\n"
            "Sec-WebSocket-Protocol: chat, superchat\r\n"
            "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits, permessage-deflate\r\n"
            "\r\n");
}

TEST(Request, UserHeadersReplaceRemoveOrAppendAsInCurl) {
  HandshakeRequest request = sample_request();
  request.origin = "http://example.com";
  request.headers = {
      "Authorization: Bearer abc",   // appended
      "sec-websocket-version:  8 ",  // replaces in place, the user's spelling kept
      "Origin:",                     // removes
      "X-Empty:",                    // removes nothing, sends nothing
      "X-Trace:a:b",                 // appended; only the first colon splits
  };
  EXPECT_EQ(request_text(request),
            "GET /chat HTTP/1.1\r\n"
            "Host: server.example.com\r\n"
            "Upgrade: websocket\r\n"
            "Connection: Upgrade\r\n"
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
            "sec-websocket-version: 8\r\n"
            "Authorization: Bearer abc\r\n"
            "X-Trace: a:b\r\n"
            "\r\n");
}

TEST(Request, RepeatedUserHeadersAllTakeTheGeneratedPlace) {
  HandshakeRequest request = sample_request();
  request.headers = {"Sec-WebSocket-Key: AQIDBAUGBwgJCgsMDQ4PEA==", "Host:", "SEC-WEBSOCKET-KEY: second"};
  EXPECT_EQ(request_text(request),
            "GET /chat HTTP/1.1\r\n"
            "Upgrade: websocket\r\n"
            "Connection: Upgrade\r\n"
            "Sec-WebSocket-Key: AQIDBAUGBwgJCgsMDQ4PEA==\r\n"
            "SEC-WEBSOCKET-KEY: second\r\n"
            "Sec-WebSocket-Version: 13\r\n"
            "\r\n");
}

TEST(Request, RejectsLineBreaksAndHeadersWithoutANameAndColon) {
  auto with = [](auto change) {
    HandshakeRequest request = sample_request();
    change(request);
    return request;
  };
  EXPECT_THROW(build_request(with([](auto& r) { r.headers = {"X-A: 1\r\nX-B: 2"}; })), std::invalid_argument);
  EXPECT_THROW(build_request(with([](auto& r) { r.headers = {"X\n-A: 1"}; })), std::invalid_argument);
  EXPECT_THROW(build_request(with([](auto& r) { r.headers = {"no colon"}; })), std::invalid_argument);
  EXPECT_THROW(build_request(with([](auto& r) { r.headers = {": no name"}; })), std::invalid_argument);
  EXPECT_THROW(build_request(with([](auto& r) { r.target = "/a\r\nX: y"; })), std::invalid_argument);
  EXPECT_THROW(build_request(with([](auto& r) { r.host = "a\nb"; })), std::invalid_argument);
  EXPECT_THROW(build_request(with([](auto& r) { r.key = "k\r"; })), std::invalid_argument);
  EXPECT_THROW(build_request(with([](auto& r) { r.origin = "o\n"; })), std::invalid_argument);
  EXPECT_THROW(build_request(with([](auto& r) { r.subprotocols = {"a", "b\r\n"}; })), std::invalid_argument);
  EXPECT_THROW(build_request(with([](auto& r) { r.extensions = {"x\n"}; })), std::invalid_argument);
  EXPECT_THROW(build_request(with([](auto& r) { r.version = "13\r\n"; })), std::invalid_argument);
}

}  // namespace
}  // namespace wsprobe::codec
