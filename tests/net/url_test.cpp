#include "net/url.h"

#include <gtest/gtest.h>

#include "base/errors.h"

namespace wsprobe::net {
namespace {

TEST(WsUrl, SchemesAndDefaultPorts) {
  const WsUrl plain = parse_ws_url("ws://example.com/chat");
  EXPECT_FALSE(plain.secure);
  EXPECT_EQ(plain.host, "example.com");
  EXPECT_EQ(plain.port, 80);
  EXPECT_EQ(plain.target, "/chat");
  EXPECT_EQ(plain.host_header(), "example.com");

  const WsUrl secure = parse_ws_url("WSS://example.com");
  EXPECT_TRUE(secure.secure);
  EXPECT_EQ(secure.port, 443);
  EXPECT_EQ(secure.target, "/");

  EXPECT_FALSE(parse_ws_url("http://h/").secure);
  EXPECT_TRUE(parse_ws_url("https://h/").secure);
  EXPECT_EQ(parse_ws_url("https://h:8443/").host_header(), "h:8443");
}

TEST(WsUrl, KeepsPathAndQueryByteForByte) {
  EXPECT_EQ(parse_ws_url("ws://h:9001/a/%2F/b?x=1&y=%20&z=/..").target, "/a/%2F/b?x=1&y=%20&z=/..");
}

TEST(WsUrl, QueryWithoutPathGetsASlash) {
  EXPECT_EQ(parse_ws_url("ws://h?token=abc").target, "/?token=abc");
  EXPECT_EQ(parse_ws_url("ws://h:81?token=abc").port, 81);
}

TEST(WsUrl, Ipv6Literals) {
  const WsUrl url = parse_ws_url("ws://[::1]:9001/x");
  EXPECT_EQ(url.host, "::1");
  EXPECT_EQ(url.port, 9001);
  EXPECT_EQ(url.host_header(), "[::1]:9001");
  EXPECT_EQ(url.text(), "ws://[::1]:9001/x");
  EXPECT_EQ(parse_ws_url("wss://[2001:db8::1]/").host_header(), "[2001:db8::1]");
}

TEST(WsUrl, RefusesWhatCannotBeUsedWithAReason) {
  const std::pair<const char*, const char*> cases[] = {
      {"example.com", "no scheme"},
      {"ftp://h/", "scheme 'ftp'"},
      {"ws:///path", "no host"},
      {"ws://h:0/", "port '0'"},
      {"ws://h:65536/", "port '65536'"},
      {"ws://h:80x/", "port '80x'"},
      {"ws://h:/", "empty port"},
      {"ws://user:pw@h/", "credentials"},
      {"ws://h/a#frag", "fragments are not allowed"},
      {"ws://h/a b", "space"},
      {"ws://h/\x1b[2J", "control"},
      {"ws://[::1/", "unclosed '['"},
      {"ws://[zz]/", "not an IPv6 address"},
      {"ws://[::1]x/", "after ']'"},
  };
  for (const auto& [text, reason] : cases) {
    try {
      parse_ws_url(text);
      ADD_FAILURE() << "accepted " << text;
    } catch (const Error& failure) {
      EXPECT_EQ(failure.kind(), ErrorKind::usage);
      EXPECT_NE(std::string(failure.what()).find(reason), std::string::npos) << failure.what();
    }
  }
}

}  // namespace
}  // namespace wsprobe::net
