#pragma once
// What `wsprobe send` learns: the frames it sent, how the server reacted (frames,
// Close, pongs, TCP end, timings), what a strict server must do with those frames
// (the codec judges our own bytes as a server would), and the verdicts: each a rule,
// its level, the outcome, what was expected and what was observed.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "codec/assembler.h"
#include "codec/verdict.h"
#include "session/live_session.h"

namespace wsprobe::session {

struct TracedFrame {
  codec::FrameHeader header;
  codec::Bytes preview;  // the payload's start, unmasked
  double at_ms = 0;      // since our latest frame was sent
};

// The server's frames kept for the report; a flood beyond this is only counted.
constexpr std::size_t max_traced_frames = 1000;

// A frame either way, for a report of the whole exchange.
struct ExchangedFrame {
  bool outgoing = false;
  codec::FrameHeader header;
  codec::Bytes preview;
  double at_ms = 0;  // since the recording began
};
// The exchange kept for reports: its first frames, each way together.
constexpr std::size_t max_exchanged_frames = 64;

// A message as the server sent it, for comparing echoes without keeping payloads.
struct MessageDigest {
  codec::Opcode type = codec::Opcode::text;
  std::uint64_t size = 0;
  std::uint64_t hash = 0;  // FNV-1a of the payload

  static MessageDigest of(codec::Opcode type, codec::ByteView payload);
  bool operator==(const MessageDigest&) const = default;
};
// Messages kept for echo checks; more are only counted.
constexpr std::size_t max_digested_messages = 100'000;

struct Reaction {
  std::vector<TracedFrame> received;  // the first max_traced_frames
  std::uint64_t frames_received = 0;
  std::vector<ExchangedFrame> exchanged;  // the first max_exchanged_frames, both ways
  std::uint64_t frames_sent = 0;
  std::vector<MessageDigest> messages;  // the first max_digested_messages
  std::uint64_t messages_received = 0;
  std::optional<codec::CloseFrame> close;  // the server's Close, when it was valid
  // The start of the server's first Close frame as it came, valid or not.
  std::optional<codec::Bytes> close_payload;
  std::optional<double> close_ms;  // our latest frame sent -> the server's Close
  bool close_answers_ours = false;  // the server's Close came after ours, with its code: an echo
  bool close_after_ours = false;    // the server's Close came after ours, whatever its code
  bool close_sent = false;          // a Close of ours went out among the frames
  std::optional<codec::Violation> violation;  // the server broke a rule itself
  std::vector<codec::Violation> notes;        // what it may do, worth a note: one per rule
  TcpEnd tcp = TcpEnd::left_open;
  std::optional<double> tcp_ms;  // our latest frame sent -> TCP closed or reset
  std::string tcp_error;
  // The server had not closed when the wait ended, so we started the closing
  // handshake: its Close and end of TCP answer ours, not the frames judged.
  bool ended_by_us = false;
  // Our latest valid Ping's payload, and the pongs that came after it (5.5.3 lets a
  // server answer only the latest ping): whether one echoed it, and the last one.
  std::optional<codec::Bytes> last_ping;
  std::uint64_t pongs_after_ping = 0;
  bool ping_echoed = false;
  codec::Bytes last_pong;
};

// The first rule our own bytes break when read as a server reads a client's frames,
// or nullopt for valid frames. `deflate`: what the handshake negotiated.
std::optional<codec::Violation> expected_violation(codec::ByteView sent,
                                                  const std::optional<codec::DeflateAgreement>& deflate,
                                                  std::uint64_t max_message_size);

// How many bytes of `sent` a strict server needs to see the first rule they break:
// the offset of the first offending byte, plus one; nullopt for valid frames.
std::optional<std::size_t> breaking_length(codec::ByteView sent, const std::optional<codec::DeflateAgreement>& deflate,
                                           std::uint64_t max_message_size);

struct Judgement {
  std::vector<codec::Verdict> verdicts;
  // One line: "server closed with 1002 after 0.4 ms, as RFC 6455 5.2 requires".
  std::string summary;
};

// The server's reaction against what the frames call for. Where the RFC allows more
// than one reaction, each passes: a Close with any code that fits the rule (a second
// code that fits is in the rule table), or, as 7.1.7 makes the Close a SHOULD, a bare
// end of TCP (non-strict); a rule that binds only the sender (a non-minimal length)
// may also be accepted (informational).
Judgement judge(const std::optional<codec::Violation>& expected, const Reaction& reaction);

// Records a server's frames, Close, pongs, violation and end of TCP into a Reaction,
// from a live session that traces frames; `show` sees each kept frame as it comes.
class ReactionRecorder : public LiveObserver {
 public:
  ReactionRecorder(Reaction& reaction, std::function<void(const TracedFrame&)> show)
      : reaction_(reaction), show_(std::move(show)) {}

  // Restarts the reaction clock: times count from our latest frame.
  void frame_sent() { sent_at_ = net::Clock::now(); }
  // A valid Ping of ours went out: pongs from now on answer it.
  void ping_sent(codec::ByteView payload);
  // A Close of ours went out, with this code: a server's Close with the same code
  // from now on is its echo.
  void close_sent(std::optional<std::uint16_t> code) {
    our_close_ = code.value_or(0);
    reaction_.close_sent = true;
  }

  void state(ReadyState) override {}
  void frame(bool outgoing, const codec::FrameHeader& header, codec::ByteView preview) override;
  void message(codec::Opcode type, codec::ByteView payload) override;
  void ping(codec::ByteView) override {}
  void pong(codec::ByteView payload) override;
  void close_received(const codec::CloseFrame& close) override;
  void violation(const codec::Violation& violation) override { reaction_.violation = violation; }
  void note(const codec::Violation& note) override;
  void closed(const LiveClose& close) override;

 private:
  double now_ms() const { return net::elapsed_ms(sent_at_); }

  Reaction& reaction_;
  std::function<void(const TracedFrame&)> show_;
  const net::Clock::time_point started_ = net::Clock::now();
  net::Clock::time_point sent_at_ = started_;
  double last_frame_ms_ = 0;  // when the latest frame from the server was read
  std::optional<std::uint16_t> our_close_;  // the code of our Close, 0 without one
};

}  // namespace wsprobe::session
