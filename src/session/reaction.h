#pragma once
// What `wsprobe send` learns: the frames it sent, how the server reacted (frames,
// Close, TCP end, timings), what a strict server should have done with those frames
// (the codec judges our own bytes as a server would), and the verdict.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <functional>

#include "codec/assembler.h"
#include "session/live_session.h"

namespace wsprobe::session {

struct TracedFrame {
  codec::FrameHeader header;
  codec::Bytes preview;  // the payload's start, unmasked
  double at_ms = 0;      // since our latest frame was sent
};

// The server's frames kept for the report; a flood beyond this is only counted.
constexpr std::size_t max_traced_frames = 1000;

struct Reaction {
  std::vector<TracedFrame> received;  // the first max_traced_frames
  std::uint64_t frames_received = 0;
  std::optional<codec::CloseFrame> close;
  std::optional<double> close_ms;  // our latest frame sent -> the server's Close
  std::optional<codec::Violation> violation;  // the server broke a rule itself
  TcpEnd tcp = TcpEnd::left_open;
  std::optional<double> tcp_ms;  // our latest frame sent -> TCP closed or reset
  std::string tcp_error;
  // The server had not closed when the wait ended, so we started the closing
  // handshake: its Close and end of TCP answer ours, not the frames judged.
  bool ended_by_us = false;
};

// The first rule our own bytes break when read as a server reads a client's frames,
// or nullopt for valid frames. `deflate`: what the handshake negotiated.
std::optional<codec::Violation> expected_violation(codec::ByteView sent,
                                                  const std::optional<codec::DeflateAgreement>& deflate);

struct Verdict {
  bool as_required = false;
  std::string text;  // one line: "server closed with 1002 after 0.4 ms, as RFC 6455 5.2 requires"
};

Verdict judge(const std::optional<codec::Violation>& expected, const Reaction& reaction);

// Records a server's frames, Close, violation and end of TCP into a Reaction, from a
// live session that traces frames; `show` sees each kept frame as it comes.
class ReactionRecorder : public LiveObserver {
 public:
  ReactionRecorder(Reaction& reaction, std::function<void(const TracedFrame&)> show)
      : reaction_(reaction), show_(std::move(show)) {}

  // Restarts the reaction clock: times count from our latest frame.
  void frame_sent() { sent_at_ = net::Clock::now(); }

  void state(ReadyState) override {}
  void frame(bool outgoing, const codec::FrameHeader& header, codec::ByteView preview) override;
  void message(codec::Opcode, codec::ByteView) override {}
  void ping(codec::ByteView) override {}
  void pong(codec::ByteView) override {}
  void close_received(const codec::CloseFrame& close) override;
  void violation(const codec::Violation& violation) override { reaction_.violation = violation; }
  void closed(const LiveClose& close) override;

 private:
  double now_ms() const { return net::elapsed_ms(sent_at_); }

  Reaction& reaction_;
  std::function<void(const TracedFrame&)> show_;
  net::Clock::time_point sent_at_ = net::Clock::now();
};

}  // namespace wsprobe::session
