#include "session/reaction.h"

#include <fmt/format.h>

#include <algorithm>

namespace wsprobe::session {
namespace {

class FirstViolation : public codec::MessageHandler {
 public:
  std::optional<codec::Violation> violation;
  void on_message(codec::Opcode, codec::ByteView) override {}
  void on_close(const codec::CloseFrame&) override {}
  void on_violation(const codec::Violation& found) override { violation = found; }
};

std::string after(const std::optional<double>& ms) { return ms ? fmt::format(" after {:.2f} ms", *ms) : ""; }

}  // namespace

std::optional<codec::Violation> expected_violation(codec::ByteView sent,
                                                  const std::optional<codec::DeflateAgreement>& deflate) {
  FirstViolation first;
  codec::Bytes copy(sent.begin(), sent.end());  // the assembler unmasks in place
  codec::MessageAssembler({.from = codec::Role::client, .deflate = deflate}, first).feed(copy);
  return first.violation;
}

Verdict judge(const std::optional<codec::Violation>& expected, const Reaction& reaction) {
  if (reaction.violation) {
    const auto& rule = codec::rule_info(reaction.violation->rule);
    return {false, fmt::format("server broke {} ({}) itself", rule.section, rule.summary)};
  }
  const bool tcp_ended =
      !reaction.ended_by_us && (reaction.tcp == TcpEnd::closed_by_peer || reaction.tcp == TcpEnd::reset);
  const std::optional<codec::CloseFrame> close = reaction.ended_by_us ? std::nullopt : reaction.close;
  if (expected) {
    const auto& rule = codec::rule_info(expected->rule);
    const std::string broken = fmt::format("{} ({})", rule.section, rule.summary);
    if (close && close->code == rule.close_code) {
      return {true, fmt::format("server closed with {}{}, as {} requires", rule.close_code, after(reaction.close_ms),
                                broken)};
    }
    if (close) {
      return {false, fmt::format("server closed with {}{}, but {} calls for {}",
                                 close->code ? std::to_string(*close->code) : "no code",
                                 after(reaction.close_ms), broken, rule.close_code)};
    }
    if (tcp_ended) {
      return {false, fmt::format("server {} TCP without a Close{}; {} calls for a Close with {}",
                                 reaction.tcp == TcpEnd::reset ? "reset" : "closed", after(reaction.tcp_ms), broken,
                                 rule.close_code)};
    }
    return {false, fmt::format("server did not react to frames that break {}; a Close with {} was due", broken,
                               rule.close_code)};
  }
  if (close && close->code && *close->code != 1000 && *close->code != 1001) {
    return {false, fmt::format("server closed with {}{} although the frames were valid", *close->code,
                               after(reaction.close_ms))};
  }
  if (!close && tcp_ended) {
    return {false, fmt::format("server dropped the connection{} although the frames were valid",
                               after(reaction.tcp_ms))};
  }
  const std::uint64_t count = reaction.frames_received;
  return {true, fmt::format("frames were valid; server answered with {} frame{}{}", count, count == 1 ? "" : "s",
                            close ? ", then closed normally" : " and kept the connection open")};
}

void ReactionRecorder::frame(bool outgoing, const codec::FrameHeader& header, codec::ByteView preview) {
  if (outgoing) return;
  ++reaction_.frames_received;
  if (reaction_.received.size() >= max_traced_frames) return;
  reaction_.received.push_back({header, codec::Bytes(preview.begin(), preview.end()), now_ms()});
  if (show_) show_(reaction_.received.back());
}

void ReactionRecorder::close_received(const codec::CloseFrame& close) {
  reaction_.close = close;
  reaction_.close_ms = now_ms();
}

void ReactionRecorder::closed(const LiveClose& close) {
  reaction_.tcp = close.tcp;
  reaction_.tcp_error = close.tcp_error;
  if (close.tcp == TcpEnd::closed_by_peer || close.tcp == TcpEnd::reset) reaction_.tcp_ms = now_ms();
}

}  // namespace wsprobe::session
