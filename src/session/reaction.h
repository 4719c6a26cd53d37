#pragma once
// What `wsprobe send` learns: the frames it sent, how the server reacted (frames,
// Close, TCP end, timings), what a strict server should have done with those frames
// (the codec judges our own bytes as a server would), and the verdict.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "codec/assembler.h"
#include "session/closing.h"

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
  std::string send_error;  // the connection broke while we were still sending
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

// Records a server's frames into a Reaction.
class ReactionRecorder : public codec::MessageHandler {
 public:
  ReactionRecorder(Reaction& reaction, double& clock_ms) : reaction_(reaction), clock_ms_(clock_ms) {}

  void on_frame(const codec::FrameHeader& header) override;
  void on_frame_payload(codec::ByteView slice) override;
  void on_message(codec::Opcode, codec::ByteView) override {}
  void on_close(const codec::CloseFrame& close) override;
  void on_violation(const codec::Violation& violation) override { reaction_.violation = violation; }

 private:
  Reaction& reaction_;
  double& clock_ms_;  // the caller's current time, since our latest frame was sent
  bool tracing_ = false;  // the current frame is among the ones kept
};

}  // namespace wsprobe::session
