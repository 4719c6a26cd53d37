#include "session/reaction.h"

#include <fmt/format.h>

#include <algorithm>

namespace wsprobe::session {
namespace {

constexpr std::size_t preview_size = 64;

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
  const bool tcp_ended = reaction.tcp == TcpEnd::closed_by_server || reaction.tcp == TcpEnd::reset;
  if (expected) {
    const auto& rule = codec::rule_info(expected->rule);
    const std::string broken = fmt::format("{} ({})", rule.section, rule.summary);
    if (reaction.close && reaction.close->code == rule.close_code) {
      return {true, fmt::format("server closed with {}{}, as {} requires", rule.close_code, after(reaction.close_ms),
                                broken)};
    }
    if (reaction.close) {
      return {false, fmt::format("server closed with {}{}, but {} calls for {}",
                                 reaction.close->code ? std::to_string(*reaction.close->code) : "no code",
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
  if (reaction.close && reaction.close->code && *reaction.close->code != 1000 && *reaction.close->code != 1001) {
    return {false, fmt::format("server closed with {}{} although the frames were valid", *reaction.close->code,
                               after(reaction.close_ms))};
  }
  if (!reaction.close && tcp_ended) {
    return {false, fmt::format("server dropped the connection{} although the frames were valid",
                               after(reaction.tcp_ms))};
  }
  const std::uint64_t count = reaction.frames_received;
  return {true, fmt::format("frames were valid; server answered with {} frame{}{}", count, count == 1 ? "" : "s",
                            reaction.close ? ", then closed normally" : " and kept the connection open")};
}

void ReactionRecorder::on_frame(const codec::FrameHeader& header) {
  ++reaction_.frames_received;
  tracing_ = reaction_.received.size() < max_traced_frames;
  if (tracing_) reaction_.received.push_back({header, {}, clock_ms_});
}

void ReactionRecorder::on_frame_payload(codec::ByteView slice) {
  if (!tracing_) return;
  codec::Bytes& preview = reaction_.received.back().preview;
  const std::size_t room = preview_size - std::min(preview_size, preview.size());
  preview.insert(preview.end(), slice.begin(), slice.begin() + std::min(room, slice.size()));
}

void ReactionRecorder::on_close(const codec::CloseFrame& close) {
  reaction_.close = close;
  reaction_.close_ms = clock_ms_;
}

}  // namespace wsprobe::session
