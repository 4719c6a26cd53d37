#include "codec/engine.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "codec/close.h"
#include "codec/frame.h"
#include "support/chunks.h"

namespace wsprobe::codec {
namespace {

using std::chrono::milliseconds;
using test::bytes_of;
using test::concat;
using test::from_hex;

const EngineTime t0 = EngineTime{} + std::chrono::hours(1);

// Events as one line each, so that whole sessions compare at once.
class Recorder : public EngineHandler {
 public:
  std::vector<std::string> events;

  void on_frame(bool outgoing, const FrameHeader& header, ByteView preview) override {
    events.push_back(std::string(outgoing ? "> " : "< ") + std::string(opcode_name(header.opcode)) + " " +
                     std::to_string(preview.size()));
  }
  void on_message(Opcode type, ByteView payload) override {
    events.push_back(std::string(type == Opcode::text ? "text " : "binary ") + std::string(as_chars(payload)));
  }
  void on_ping(ByteView payload) override { events.push_back("ping " + std::string(as_chars(payload))); }
  void on_pong(ByteView payload) override { events.push_back("pong " + std::string(as_chars(payload))); }
  void on_close(const CloseFrame& close) override {
    events.push_back("close " + (close.code ? std::to_string(*close.code) : std::string("-")));
  }
  void on_violation(const Violation& violation) override {
    events.push_back("violation " + std::string(rule_info(violation.rule).id));
  }
  void on_closed(const CloseRecord& record) override {
    events.push_back("closed " + std::to_string(record.event_code()) + (record.was_clean() ? " clean" : ""));
  }
};

// What the engine sent, read back as its peer reads it.
class SentFrames : public MessageHandler {
 public:
  std::vector<std::string> frames;
  void on_message(Opcode type, ByteView payload) override {
    frames.push_back(std::string(type == Opcode::text ? "text " : "binary ") + std::string(as_chars(payload)));
  }
  void on_ping(ByteView payload) override { frames.push_back("ping " + std::string(as_chars(payload))); }
  void on_pong(ByteView payload) override { frames.push_back("pong " + std::string(as_chars(payload))); }
  void on_close(const CloseFrame& close) override {
    frames.push_back("close " + (close.code ? std::to_string(*close.code) : std::string("-")));
  }
  void on_violation(const Violation& violation) override {
    frames.push_back("violation " + std::string(rule_info(violation.rule).id));
  }
};

std::vector<std::string> sent_by(const ConnectionEngine& engine, const std::optional<DeflateAgreement>& deflate = {}) {
  SentFrames sent;
  Bytes copy(engine.output().pending().begin(), engine.output().pending().end());
  MessageAssembler({.from = engine.role(), .deflate = deflate}, sent).feed(copy);
  return sent.frames;
}

Bytes frame(Opcode opcode, std::string_view payload, bool masked = false) {
  return build_frame({.fin = true, .opcode = static_cast<std::uint8_t>(opcode), .masked = masked,
                      .mask_key = {1, 2, 3, 4}},
                     as_bytes(payload));
}
Bytes close_frame(std::uint16_t code, bool masked = false) {
  return build_frame({.fin = true, .opcode = 0x8, .masked = masked, .mask_key = {1, 2, 3, 4}},
                     build_close_payload(code));
}

struct Session {
  std::vector<std::string> events;
  std::vector<std::string> sent;
  EngineState state;
  bool close_transport;
};

// Feeds `input` in every chunking, each chunk 1 ms after the previous; every chunking
// must give the same session.
Session run(const EngineOptions& options, const Bytes& input,
            const std::function<void(ConnectionEngine&)>& after = {}) {
  std::optional<Session> first;
  for (std::vector<Bytes> chunks : test::chunkings(input)) {
    Recorder recorder;
    ConnectionEngine engine(options, recorder);
    EngineTime now = t0;
    for (Bytes& chunk : chunks) engine.receive_data(chunk, now += milliseconds(1));
    if (after) after(engine);
    Session session{recorder.events, sent_by(engine, options.deflate), engine.state(), engine.should_close_transport()};
    if (!first) {
      first = session;
      continue;
    }
    EXPECT_EQ(session.events, first->events) << test::describe_chunking(chunks);
    EXPECT_EQ(session.sent, first->sent) << test::describe_chunking(chunks);
    EXPECT_EQ(session.state, first->state) << test::describe_chunking(chunks);
    EXPECT_EQ(session.close_transport, first->close_transport) << test::describe_chunking(chunks);
  }
  return *first;
}

const EngineOptions client{.role = Role::client};
const EngineOptions server{.role = Role::server};

using Lines = std::vector<std::string>;

TEST(ConnectionEngine, ClientReadsMessagesAndAnswersPings) {
  const Session s = run(client, concat({frame(Opcode::text, "Hello"), frame(Opcode::ping, "hb"),
                                        frame(Opcode::binary, "\x01\x02")}));
  EXPECT_EQ(s.events, (Lines{"text Hello", "ping hb", "binary \x01\x02"}));
  EXPECT_EQ(s.sent, (Lines{"pong hb"}));
  EXPECT_EQ(s.state, EngineState::open);
  EXPECT_FALSE(s.close_transport);
}

TEST(ConnectionEngine, ServerClosesFirstTheClientEchoesAndWaitsForTheServersFin) {
  Recorder recorder;
  ConnectionEngine engine(client, recorder);
  Bytes close = close_frame(3000);
  engine.receive_data(close, t0);
  EXPECT_EQ(engine.state(), EngineState::closing);
  EXPECT_EQ(sent_by(engine), (Lines{"close 3000"}));
  EXPECT_FALSE(engine.should_close_transport());  // the server closes TCP first
  engine.receive_eof(TcpEnd::closed_by_peer, t0 + milliseconds(2));
  EXPECT_EQ(recorder.events, (Lines{"close 3000", "closed 3000 clean"}));
  EXPECT_TRUE(engine.close_record().peer_first);
  EXPECT_EQ(engine.close_record().tcp_end_after_ms, 2.0);
}

TEST(ConnectionEngine, ClientClosesAndTheServerAnswers) {
  Recorder recorder;
  ConnectionEngine engine(client, recorder);
  engine.close(1000, "bye", t0);
  EXPECT_EQ(sent_by(engine), (Lines{"close 1000"}));
  engine.send_message(Opcode::text, as_bytes("late"));  // no data after our Close
  EXPECT_EQ(sent_by(engine), (Lines{"close 1000"}));
  Bytes answer = close_frame(1000);
  engine.receive_data(answer, t0 + milliseconds(3));
  engine.receive_eof(TcpEnd::closed_by_peer, t0 + milliseconds(4));
  const CloseRecord& record = engine.close_record();
  EXPECT_TRUE(record.was_clean());
  EXPECT_EQ(record.received_after_ms, 3.0);
  EXPECT_FALSE(record.peer_first);
}

TEST(ConnectionEngine, ClosingHandshakeTimesOutWhenTheServerKeepsTcpOpen) {
  Recorder recorder;
  ConnectionEngine engine({.role = Role::client, .close_timeout = milliseconds(100)}, recorder);
  engine.close(1000, "", t0);
  EXPECT_EQ(engine.next_deadline(), t0 + milliseconds(100));
  engine.advance(t0 + milliseconds(99));
  EXPECT_FALSE(engine.should_close_transport());
  engine.advance(t0 + milliseconds(100));
  EXPECT_TRUE(engine.should_close_transport());
  EXPECT_FALSE(engine.next_deadline());
  engine.receive_eof(TcpEnd::closed_by_us, t0 + milliseconds(101));
  EXPECT_TRUE(engine.close_record().timed_out);
  EXPECT_EQ(engine.close_record().tcp, TcpEnd::left_open);
  EXPECT_EQ(recorder.events, (Lines{"closed 1006"}));
}

TEST(ConnectionEngine, ClientFailsTheConnectionOnABrokenRule) {
  const Bytes reserved_opcode = from_hex("83 00");
  const Session s = run(client, concat({frame(Opcode::text, "ok"), reserved_opcode, frame(Opcode::text, "ignored")}));
  EXPECT_EQ(s.events, (Lines{"text ok", "violation frame.reserved-opcode"}));
  EXPECT_EQ(s.sent, (Lines{"close 1002"}));
  EXPECT_EQ(s.state, EngineState::closing);
  EXPECT_TRUE(s.close_transport);  // 7.1.7: no waiting for the server's Close
}

TEST(ConnectionEngine, DataFramesAfterThePeersCloseAreViolationsWhateverTheReads) {
  const Session s = run(client, concat({close_frame(1000), frame(Opcode::text, "late")}));
  EXPECT_EQ(s.events, (Lines{"close 1000", "violation message.after-close"}));
  EXPECT_EQ(s.sent, (Lines{"close 1000"}));  // the echo only: nothing to fail after a Close
}

TEST(ConnectionEngine, PingsAfterThePeersCloseAreNoViolationButGetNoPong) {
  const Session s = run(client, concat({close_frame(1000), frame(Opcode::ping, "x")}));
  EXPECT_EQ(s.events, (Lines{"close 1000", "ping x"}));
  EXPECT_EQ(s.sent, (Lines{"close 1000"}));
}

TEST(ConnectionEngine, FramesThatCameWithTheHandshakeResponseAreEvents) {
  // A pong in the same read as whatever preceded it: nothing special for the engine.
  const Session s = run(client, concat({frame(Opcode::pong, "1"), frame(Opcode::pong, "2")}));
  EXPECT_EQ(s.events, (Lines{"pong 1", "pong 2"}));
}

TEST(ConnectionEngine, ServerEchoesTheClientsCloseAndClosesTcp) {
  const Session s = run(server, close_frame(4000, true));
  EXPECT_EQ(s.events, (Lines{"close 4000"}));
  EXPECT_EQ(s.sent, (Lines{"close 4000"}));
  EXPECT_TRUE(s.close_transport);
}

TEST(ConnectionEngine, ServerFailsAnUnmaskedClientFrame) {
  const Session s = run(server, frame(Opcode::text, "plain"));
  EXPECT_EQ(s.events, (Lines{"violation frame.client-unmasked"}));
  EXPECT_EQ(s.sent, (Lines{"close 1002"}));
  EXPECT_TRUE(s.close_transport);
}

TEST(ConnectionEngine, MessageOverTheLimitFailsWith1009) {
  const Session s = run({.role = Role::client, .max_message_size = 4}, frame(Opcode::text, "12345"));
  EXPECT_EQ(s.events, (Lines{"violation message.too-big"}));
  EXPECT_EQ(s.sent, (Lines{"close 1009"}));
}

TEST(ConnectionEngine, CompressedMessagesBothWays) {
  const DeflateAgreement agreed{};
  Recorder server_events;
  ConnectionEngine server_engine({.role = Role::server, .deflate = agreed}, server_events);
  server_engine.send_message(Opcode::text, as_bytes("Hello Hello Hello"));
  const Bytes wire(server_engine.output().pending().begin(), server_engine.output().pending().end());
  EXPECT_EQ(wire[0] & rsv1_bit, rsv1_bit);
  const Session s = run({.role = Role::client, .deflate = agreed}, wire);
  EXPECT_EQ(s.events, (Lines{"text Hello Hello Hello"}));
}

TEST(ConnectionEngine, TracesFramesBothWays) {
  Recorder recorder;
  ConnectionEngine engine({.role = Role::client, .trace_frames = true}, recorder);
  Bytes ping = frame(Opcode::ping, "abc");
  engine.receive_data(ping, t0);
  EXPECT_EQ(recorder.events, (Lines{"< ping 3", "ping abc", "> pong 3"}));
}

TEST(ConnectionEngine, CraftedCloseStartsTheHandshake) {
  Recorder recorder;
  ConnectionEngine engine(client, recorder);
  const Bytes crafted = close_frame(3000, true);
  engine.send_raw(crafted, CloseFrame{3000, ""}, t0);
  EXPECT_EQ(engine.state(), EngineState::closing);
  Bytes echo = close_frame(3000);
  engine.receive_data(echo, t0 + milliseconds(1));
  EXPECT_EQ(sent_by(engine), (Lines{"close 3000"}));  // the crafted one, no second Close
  engine.receive_eof(TcpEnd::closed_by_peer, t0 + milliseconds(2));
  EXPECT_TRUE(engine.close_record().was_clean());
  EXPECT_EQ(engine.close_record().sent_code, 3000);
}

// A peer that does not read cannot hold a closing connection: at the close deadline the
// unsent output is dropped and TCP is to be closed.
TEST(ConnectionEngine, TheCloseDeadlineBoundsOutputThatCannotLeave) {
  Recorder recorder;
  ConnectionEngine engine({.role = Role::client, .close_timeout = milliseconds(100)}, recorder);
  engine.send_message(Opcode::binary, Bytes(1 << 20, 0x41));
  engine.close(1000, "", t0);
  EXPECT_FALSE(engine.output().empty());
  engine.advance(t0 + milliseconds(100));
  EXPECT_TRUE(engine.output().empty());
  EXPECT_TRUE(engine.should_close_transport());
  EXPECT_TRUE(engine.close_record().timed_out);
}

// RFC 7692 7.2.1: a message may end with a BFINAL block, and a sender may keep the
// 00 00 ff ff tail; both are whole messages, the kept tail a note.
TEST(ConnectionEngine, CompressedMessagesThatInflateToTheirEndAreWhole) {
  const EngineOptions deflating{.role = Role::client, .deflate = DeflateAgreement{}};
  class Notes : public Recorder {
   public:
    void on_note(const Violation& note) override { events.push_back("note " + std::string(rule_info(note.rule).id)); }
  };
  for (const auto& [hex, events] : {std::pair<const char*, Lines>{"c1 07 f3 48 cd c9 c9 07 00", {"text Hello"}},
                                    {"c1 0b f2 48 cd c9 c9 07 00 00 00 ff ff", {"note deflate.tail-kept", "text Hello"}}}) {
    for (std::vector<Bytes> chunks : test::chunkings(from_hex(hex))) {
      Notes notes;
      ConnectionEngine engine(deflating, notes);
      for (Bytes& chunk : chunks) engine.receive_data(chunk, t0);
      EXPECT_EQ(notes.events, events) << hex << " " << test::describe_chunking(chunks);
    }
  }
}

TEST(ConnectionEngine, DropEndsAtOnceWithoutAClose) {
  Recorder recorder;
  ConnectionEngine engine(client, recorder);
  engine.send_message(Opcode::text, as_bytes("unsent"));
  engine.drop(t0);
  EXPECT_EQ(engine.state(), EngineState::closed);
  EXPECT_TRUE(engine.output().empty());
  EXPECT_TRUE(engine.close_record().ended_well());
  EXPECT_EQ(recorder.events, (Lines{"closed 1006"}));
}

TEST(ConnectionEngine, EofWhileOpenIsAbnormal) {
  Recorder recorder;
  ConnectionEngine engine(client, recorder);
  engine.receive_eof(TcpEnd::reset, t0, "connection reset");
  EXPECT_EQ(recorder.events, (Lines{"closed 1006"}));
  EXPECT_FALSE(engine.close_record().ended_well());
  EXPECT_EQ(engine.close_record().tcp_error, "connection reset");
}

}  // namespace
}  // namespace wsprobe::codec
