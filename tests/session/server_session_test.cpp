#include "session/server_session.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "codec/close.h"
#include "codec/frame.h"
#include "codec/message_encoder.h"
#include "support/chunks.h"

namespace wsprobe::session {
namespace {

using codec::Bytes;
using codec::ByteView;
using codec::Opcode;
using test::bytes_of;
using test::concat;

std::string request_head(std::string_view target = "/chat", std::string_view extra_fields = "") {
  return "GET " + std::string(target) +
         " HTTP/1.1\r\n"
         "Host: 127.0.0.1:9001\r\n"
         "Upgrade: websocket\r\n"
         "Connection: Upgrade\r\n"
         "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
         "Sec-WebSocket-Version: 13\r\n" +
         std::string(extra_fields) + "\r\n";
}

const std::string upgraded =
    "HTTP/1.1 101 Switching Protocols\r\n"
    "Upgrade: websocket\r\n"
    "Connection: Upgrade\r\n"
    "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"
    "\r\n";

// A client frame: masked unless asked otherwise.
Bytes client_frame(std::uint8_t opcode, ByteView payload, bool fin = true, bool masked = true) {
  codec::FrameHeader header;
  header.fin = fin;
  header.opcode = opcode;
  header.masked = masked;
  header.mask_key = {0x37, 0xfa, 0x21, 0x3d};
  return codec::build_frame(header, payload);
}
Bytes client_frame(Opcode opcode, std::string_view payload, bool fin = true) {
  return client_frame(static_cast<std::uint8_t>(opcode), codec::as_bytes(payload), fin);
}

Bytes server_frame(Opcode opcode, ByteView payload) {
  codec::FrameHeader header;
  header.opcode = static_cast<std::uint8_t>(opcode);
  return codec::build_frame(header, payload);
}
Bytes server_frame(Opcode opcode, std::string_view payload) { return server_frame(opcode, codec::as_bytes(payload)); }

Bytes server_close(std::uint16_t code, std::string_view reason) {
  return server_frame(Opcode::close, codec::build_close_payload(code, reason));
}

struct Outcome {
  Bytes output;
  std::vector<std::string> log;
  ServerSession::Phase phase;
};

Outcome feed(ServerSession& session, std::vector<Bytes> chunks) {
  for (Bytes& chunk : chunks) session.receive(chunk, ServerSession::Clock::now());
  Outcome outcome{Bytes(session.output().pending().begin(), session.output().pending().end()), session.take_log(),
                  session.phase()};
  session.output().consume(session.output().size());
  return outcome;
}

// Feeds `input` in every chunking to a fresh session each time; the outcome must not
// depend on how reads fall.
Outcome run(ByteView input, const ServerSessionOptions& options = {}) {
  std::vector<Outcome> outcomes;
  for (std::vector<Bytes>& chunks : test::chunkings(input)) {
    ServerSession session(options);
    const std::string chunking = test::describe_chunking(chunks);
    outcomes.push_back(feed(session, std::move(chunks)));
    EXPECT_EQ(test::to_hex(outcomes.back().output), test::to_hex(outcomes.front().output)) << chunking;
    EXPECT_EQ(outcomes.back().log, outcomes.front().log) << chunking;
    EXPECT_EQ(outcomes.back().phase, outcomes.front().phase) << chunking;
  }
  return outcomes.front();
}

TEST(ServerSession, UpgradesAndEchoesTextAndBinary) {
  const Outcome outcome = run(concat({bytes_of(request_head()), client_frame(Opcode::text, "Hello"),
                                      client_frame(Opcode::binary, std::string_view("\x00\xff", 2))}));
  EXPECT_EQ(test::to_hex(outcome.output),
            test::to_hex(
                concat({bytes_of(upgraded), test::from_hex("81 05 48 65 6c 6c 6f"), test::from_hex("82 02 00 ff")})));
  EXPECT_EQ(outcome.log, std::vector<std::string>{"upgraded /chat"});
  EXPECT_EQ(outcome.phase, ServerSession::Phase::open);
}

TEST(ServerSession, AgreesToTheSubprotocolAndLogsIt) {
  ServerSessionOptions options;
  options.handshake.subprotocols = {"chat"};
  const Outcome outcome = run(bytes_of(request_head("/chat", "Sec-WebSocket-Protocol: superchat, chat\r\n")), options);
  EXPECT_NE(test::to_hex(outcome.output).find(test::to_hex(bytes_of("Sec-WebSocket-Protocol: chat\r\n"))),
            std::string::npos);
  EXPECT_EQ(outcome.log, std::vector<std::string>{"upgraded /chat subprotocol=chat"});
}

TEST(ServerSession, EchoesAFragmentedMessageAsOneFrameAndAnswersPingsBetweenFragments) {
  const Outcome outcome =
      run(concat({bytes_of(request_head()), client_frame(Opcode::text, "Hel", false),
                  client_frame(Opcode::ping, "are you there"), client_frame(Opcode::continuation, "lo", false),
                  client_frame(Opcode::continuation, "", true), client_frame(Opcode::pong, "unsolicited")}));
  EXPECT_EQ(test::to_hex(outcome.output),
            test::to_hex(concat({bytes_of(upgraded), server_frame(Opcode::pong, "are you there"),
                                 server_frame(Opcode::text, "Hello")})));
}

TEST(ServerSession, EchoesTheClientsCloseCodeAndIgnoresWhatFollows) {
  const Outcome outcome =
      run(concat({bytes_of(request_head()), client_frame(Opcode::text, "one"),
                  client_frame(Opcode::close, codec::as_chars(codec::build_close_payload(4000, "bye"))),
                  client_frame(Opcode::text, "after the close"), client_frame(0x3, {})}));
  EXPECT_EQ(test::to_hex(outcome.output),
            test::to_hex(concat({bytes_of(upgraded), server_frame(Opcode::text, "one"), server_close(4000, "")})));
  EXPECT_EQ(outcome.log, (std::vector<std::string>{"upgraded /chat", "closed 4000 by client after 1 message"}));
  EXPECT_EQ(outcome.phase, ServerSession::Phase::closing);
}

TEST(ServerSession, AnswersACloseWithoutCodeWithAnEmptyClose) {
  const Outcome outcome = run(concat({bytes_of(request_head()), client_frame(Opcode::close, "")}));
  EXPECT_EQ(test::to_hex(outcome.output), test::to_hex(concat({bytes_of(upgraded), test::from_hex("88 00")})));
  EXPECT_EQ(outcome.log.back(), "closed 1005 by client after 0 messages");
}

struct ViolationCase {
  std::string name;
  Bytes frames;
  std::uint16_t code;
  std::string reason;
};

TEST(ServerSession, ClosesWithTheRulesCodeOnAViolation) {
  ServerSessionOptions options;
  options.max_message_size = 8;
  const std::vector<ViolationCase> cases = {
      {"unmasked", client_frame(0x1, codec::as_bytes("Hello"), true, false), 1002,
       "RFC 6455 5.1: client frame not masked (MASK=0)"},
      {"reserved opcode", client_frame(0x3, {}), 1002, "RFC 6455 5.2: reserved opcode (opcode 0x03)"},
      {"invalid UTF-8", client_frame(Opcode::text, "ok \xc0\xaf"), 1007,
       "RFC 6455 8.1: text message is not valid UTF-8 (invalid byte at offset 3)"},
      {"too big", concat({client_frame(Opcode::binary, "12345", false), client_frame(Opcode::continuation, "6789")}),
       1009, "RFC 6455 10.4: message larger than the limit (at least 9 bytes, limit 8)"},
      {"bad close code", client_frame(Opcode::close, codec::as_chars(codec::build_close_payload(1005))), 1002,
       "RFC 6455 7.4: close code not allowed on the wire (code 1005)"},
  };
  for (const ViolationCase& c : cases) {
    SCOPED_TRACE(c.name);
    const Outcome outcome =
        run(concat({bytes_of(request_head()), c.frames, client_frame(Opcode::text, "ignored")}), options);
    EXPECT_EQ(test::to_hex(outcome.output), test::to_hex(concat({bytes_of(upgraded), server_close(c.code, c.reason)})));
    EXPECT_EQ(outcome.log.back(), "closed " + std::to_string(c.code) + ": " + c.reason);
    EXPECT_EQ(outcome.phase, ServerSession::Phase::closing);
  }
}

// A client's compressed message (RSV1) in one masked frame.
Bytes compressed_client_frame(Opcode opcode, std::string_view compressed_hex) {
  codec::FrameHeader header;
  header.rsv = codec::rsv1_bit;
  header.opcode = static_cast<std::uint8_t>(opcode);
  header.masked = true;
  header.mask_key = {0x37, 0xfa, 0x21, 0x3d};
  return codec::build_frame(header, test::from_hex(compressed_hex));
}

const std::string deflate_offer = "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n";

TEST(ServerSession, WithDeflateInflatesTheClientsMessagesAndCompressesTheEchoes) {
  ServerSessionOptions options;
  options.handshake.accept_deflate = true;
  // RFC 7692 7.2.3.2: "Hello" twice, the second referring back into the first, both ways.
  const Outcome outcome = run(concat({bytes_of(request_head("/chat", deflate_offer)),
                                      compressed_client_frame(Opcode::text, "f2 48 cd c9 c9 07 00"),
                                      compressed_client_frame(Opcode::text, "f2 00 11 00 00"),
                                      client_frame(Opcode::binary, "plain")}),
                              options);
  const std::string accepted =
      upgraded.substr(0, upgraded.size() - 2) + "Sec-WebSocket-Extensions: permessage-deflate\r\n\r\n";
  // The echo of "plain": compressed after the two "Hello"s, with the same window.
  codec::MessageEncoder server({.as = codec::Role::server, .deflate = codec::DeflateAgreement{}});
  server.message(Opcode::text, bytes_of("Hello"));
  server.message(Opcode::text, bytes_of("Hello"));
  const Bytes plain_echo = server.message(Opcode::binary, bytes_of("plain"));
  EXPECT_EQ(test::to_hex(outcome.output),
            test::to_hex(concat({bytes_of(accepted), test::from_hex("c1 07 f2 48 cd c9 c9 07 00"),
                                 test::from_hex("c1 05 f2 00 11 00 00"), plain_echo})));
  EXPECT_EQ(outcome.log, std::vector<std::string>{"upgraded /chat extensions=permessage-deflate"});
}

TEST(ServerSession, WithDeflateClosesOnCompressionViolations) {
  ServerSessionOptions options;
  options.handshake.accept_deflate = true;
  options.max_message_size = 99;
  const std::vector<ViolationCase> cases = {
      {"corrupt", compressed_client_frame(Opcode::text, "ff ff ff"), 1007,
       "RFC 7692 7.2.2: compressed message does not inflate (invalid block type)"},
      {"100 zeros", compressed_client_frame(Opcode::binary, "62 60 a0 3d 00 00"), 1009,
       "RFC 6455 10.4: message larger than the limit (at least 100 bytes after inflating, limit 99)"},
      {"RSV1 on a ping", compressed_client_frame(Opcode::ping, ""), 1002,
       "RFC 7692 6.1: RSV1 (compressed) set on a control frame (ping frame)"},
  };
  for (const ViolationCase& c : cases) {
    SCOPED_TRACE(c.name);
    const Outcome outcome = run(concat({bytes_of(request_head("/", deflate_offer)), c.frames}), options);
    EXPECT_TRUE(codec::as_chars(outcome.output).ends_with(codec::as_chars(server_close(c.code, c.reason))));
    EXPECT_EQ(outcome.log.back(), "closed " + std::to_string(c.code) + ": " + c.reason);
  }
}

TEST(ServerSession, DeclinesDeflateUnlessAskedToAccept) {
  const Outcome outcome = run(concat({bytes_of(request_head("/", deflate_offer)),
                                      compressed_client_frame(Opcode::text, "f2 48 cd c9 c9 07 00")}));
  EXPECT_TRUE(codec::as_chars(outcome.output).starts_with(upgraded));
  EXPECT_EQ(outcome.log.back(),
            "closed 1002: RFC 6455 5.2: reserved bits set without a negotiated extension (RSV1 on a text frame)");
}

TEST(ServerSession, EchoesAMessageOfExactlyTheLimit) {
  ServerSessionOptions options;
  options.max_message_size = 8;
  const Outcome outcome = run(concat({bytes_of(request_head()), client_frame(Opcode::binary, "12345678")}), options);
  EXPECT_EQ(test::to_hex(outcome.output),
            test::to_hex(concat({bytes_of(upgraded), server_frame(Opcode::binary, "12345678")})));
}

TEST(ServerSession, RefusesABadRequestAndReadsNoFurther) {
  const std::string head = request_head("/", "Sec-WebSocket-Version: 8\r\n");
  const Outcome outcome = run(concat({bytes_of(head), client_frame(Opcode::text, "ignored")}));
  EXPECT_TRUE(codec::as_chars(outcome.output).starts_with("HTTP/1.1 400 Bad Request\r\n"));
  EXPECT_EQ(outcome.log, std::vector<std::string>{"refused 400 more than one Sec-WebSocket-Version header"});
  EXPECT_EQ(outcome.phase, ServerSession::Phase::closing);

  const Outcome malformed = run(bytes_of("GET / HTTP/1.1\r\nHost : x\r\n\r\n"));
  EXPECT_EQ(malformed.log, std::vector<std::string>{"refused 400 RFC 9112 5.1: malformed header field line (line 2 "
                                                    "has whitespace before the colon)"});
}

TEST(ServerSession, RefusesAHeadOverTheCap) {
  ServerSession session({});
  Bytes head = bytes_of("GET / HTTP/1.1\r\nX-Padding: " + std::string(16 * 1024, 'a'));
  const Outcome outcome = feed(session, {head});
  EXPECT_TRUE(codec::as_chars(outcome.output).starts_with("HTTP/1.1 400 Bad Request\r\n"));
  EXPECT_EQ(outcome.log, std::vector<std::string>{
                             "refused 400 RFC 9110 5.4: message head larger than the limit (no end of head within "
                             "16384 bytes)"});
}

TEST(ServerSession, EscapesPeerBytesInTheLog) {
  // U+202E (right-to-left override) and an invalid byte in the target; the head parser
  // lets bytes above 0x7f through.
  const Outcome outcome = run(bytes_of(request_head("/\xe2\x80\xae/\xff")));
  EXPECT_EQ(outcome.log, std::vector<std::string>{"upgraded /\\u202e/\\xff"});
}

TEST(ServerSession, SaysGoodbyeWith1001WhenTheServerStops) {
  ServerSession open({});
  feed(open, {bytes_of(request_head())});
  open.go_away();
  EXPECT_EQ(test::to_hex(open.output().pending()), test::to_hex(server_close(1001, "server shutting down")));
  EXPECT_EQ(open.take_log(), std::vector<std::string>{"closed 1001 by server (shutting down) after 0 messages"});
  EXPECT_EQ(open.phase(), ServerSession::Phase::closing);

  ServerSession in_handshake({});
  in_handshake.go_away();
  EXPECT_TRUE(in_handshake.output().empty());
  EXPECT_TRUE(in_handshake.take_log().empty());
}

TEST(ServerSession, LogsALostConnectionOnceAndOnlyBeforeClosing) {
  ServerSession waiting({});
  waiting.connection_lost("timed out after 10s");
  EXPECT_EQ(waiting.take_log(), std::vector<std::string>{"no handshake: timed out after 10s"});

  ServerSession open({});
  feed(open, {concat({bytes_of(request_head()), client_frame(Opcode::text, "a"), client_frame(Opcode::text, "b")})});
  open.connection_lost("the client closed TCP");
  EXPECT_EQ(open.take_log(), std::vector<std::string>{"closed 1006 after 2 messages: the client closed TCP"});
  EXPECT_EQ(open.phase(), ServerSession::Phase::closing);
  open.connection_lost("again");
  EXPECT_TRUE(open.take_log().empty());
}

TEST(ServerSession, AStreamWaitsForAClientThatDoesNotRead) {
  using std::chrono::seconds;
  ServerSession session({});
  const auto start = ServerSession::Clock::now();
  Bytes request = bytes_of("GET /sse?interval=1&burst=1000 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  session.receive(request, start);
  ASSERT_EQ(session.phase(), ServerSession::Phase::streaming);
  // A thousand events a second for 200 s, none of them read: about 6 MB unchecked.
  for (int second = 1; second <= 200; ++second) session.wake(start + seconds(second));
  EXPECT_LT(session.output().size(), net::output_high_water + 64 * 1024);
  EXPECT_GT(session.output().size(), net::output_high_water / 2);

  // Once the client reads, the stream goes on where it stopped, at its cadence.
  const std::string sent(codec::as_chars(session.output().pending()));
  const std::uint64_t last_id = std::stoull(sent.substr(sent.rfind("id: ") + 4));
  session.output().consume(session.output().size());
  session.wake(start + seconds(202));
  const std::string next(codec::as_chars(session.output().pending()));
  EXPECT_TRUE(next.starts_with("id: " + std::to_string(last_id + 1) + "\n")) << next.substr(0, 40);
  EXPECT_LT(next.size(), 64 * 1024u);  // one burst, not the backlog
}

TEST(ServerSession, PingsWaitForAClientThatDoesNotRead) {
  ServerSessionOptions options;
  options.faults.ping_interval = std::chrono::milliseconds(1);
  ServerSession session(options);
  const auto start = ServerSession::Clock::now();
  Bytes request = bytes_of(request_head());
  session.receive(request, start);
  // 2 MB of pings due, none read.
  for (int ms = 1; ms <= 200'000; ++ms) session.wake(start + std::chrono::milliseconds(ms));
  EXPECT_LT(session.output().size(), net::output_high_water + 64);
}

}  // namespace
}  // namespace wsprobe::session
