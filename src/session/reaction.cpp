#include "session/reaction.h"

#include <fmt/format.h>

#include <algorithm>

namespace wsprobe::session {
namespace {

using codec::Outcome;
using codec::Rule;
using codec::Verdict;

// The first rule our frames break before our own Close: what follows a Close the
// server is to discard, not to fail for (5.5.1 binds the sender; 1.4).
class FirstViolation : public codec::MessageHandler {
 public:
  std::optional<codec::Violation> violation;
  void on_message(codec::Opcode, codec::ByteView) override {}
  void on_close(const codec::CloseFrame&) override { closed_ = true; }
  void on_violation(const codec::Violation& found) override {
    if (!closed_) violation = found;
  }

 private:
  bool closed_ = false;
};

std::string after(const std::optional<double>& ms) { return ms ? fmt::format(" after {:.2f} ms", *ms) : ""; }

// "1002", or "1002 or 1009": the codes that fit a rule.
std::string fitting_codes(const codec::RuleInfo& info) {
  return info.other_close_code ? fmt::format("{} or {}", info.close_code, info.other_close_code)
                               : std::to_string(info.close_code);
}

std::string close_text(const codec::CloseFrame& close) {
  return close.code ? fmt::format("a Close with {}", *close.code) : std::string("a Close without a code");
}

// What the server did with the frames, as the judge sees it: its Close or end of TCP
// before we ended the session ourselves.
struct Seen {
  std::optional<codec::CloseFrame> close;
  bool tcp_ended = false;
  std::string text;
};

Seen seen(const Reaction& reaction) {
  Seen what;
  if (!reaction.ended_by_us) {
    what.close = reaction.close;
    what.tcp_ended = reaction.tcp == TcpEnd::closed_by_peer || reaction.tcp == TcpEnd::reset;
  }
  if (what.close) {
    what.text = close_text(*what.close) + after(reaction.close_ms);
  } else if (what.tcp_ended) {
    what.text = fmt::format("TCP {} without a Close{}", reaction.tcp == TcpEnd::reset ? "reset" : "closed",
                            after(reaction.tcp_ms));
  } else {
    what.text = "the connection kept open";
  }
  return what;
}

// Frames that break `expected`: the server must fail the connection, with a Close that
// fits (SHOULD, 7.1.7) or without one.
void judge_breach(const codec::Violation& expected, const Reaction& reaction, Seen what, Judgement& out) {
  const codec::RuleInfo& info = codec::rule_info(expected.rule);
  // A Close that only echoes a Close of ours, with a code that does not fit the rule, is
  // no reaction to the frames that broke it.
  if (what.close && reaction.close_answers_ours && !(what.close->code && info.fits(*what.close->code))) {
    what = Seen{std::nullopt, false, "only an echo of our Close"};
  }
  const std::string broken = fmt::format("{} ({})", info.section, info.summary);
  Verdict verdict{expected.rule, Outcome::pass, fmt::format("the connection failed, with a Close {}", fitting_codes(info)),
                   what.text, expected.detail};
  if (what.close || what.tcp_ended) {
    out.verdicts.push_back(verdict);
    if (what.close && !(what.close->code && info.fits(*what.close->code))) {
      out.verdicts.push_back({Rule::close_code_fitting, Outcome::non_strict, "a Close with " + fitting_codes(info),
                              close_text(*what.close), "for " + broken});
    } else if (!what.close) {
      out.verdicts.push_back({Rule::close_before_failing, Outcome::non_strict, "a Close with " + fitting_codes(info),
                              what.text, "for " + broken});
    }
    out.summary = fmt::format("server answered {}: {}", broken, what.text);
    return;
  }
  // A rule that binds only the sender may be accepted.
  verdict.outcome = codec::missed(info.rejection);
  verdict.detail = info.rejection == codec::Level::may ? "the rule binds the sender; a receiver may accept"
                                                        : expected.detail;
  out.verdicts.push_back(verdict);
  out.summary = fmt::format("server did not react to frames that break {}", broken);
}

// Valid frames must not be failed as a protocol error; any other Close is the
// server's to choose, and so is the code that answers a Close of ours (echoing it is
// only what endpoints "typically" do, 5.5.1).
void judge_valid(const Reaction& reaction, const Seen& what, Judgement& out) {
  const bool protocol_error = what.close && what.close->code && (*what.close->code == 1002 || *what.close->code == 1007);
  const bool refused = what.close ? protocol_error && !reaction.close_answers_ours : what.tcp_ended;
  out.verdicts.push_back({Rule::valid_frames_refused, refused ? Outcome::fail : Outcome::pass,
                          "valid frames accepted", what.text, ""});
  const std::uint64_t count = reaction.frames_received;
  out.summary = refused ? fmt::format("server failed valid frames: {}", what.text)
                        : fmt::format("frames were valid; server answered with {} frame{}, then {}", count,
                                      count == 1 ? "" : "s", what.close ? "closed normally" : "kept the connection open");
}

// 5.5.2: a Ping gets a Pong unless a Close came first; 5.5.3: with the Ping's data,
// and only the latest Ping needs one.
void judge_pongs(const Reaction& reaction, Judgement& out) {
  if (!reaction.last_ping) return;
  const std::string payload(codec::as_chars(*reaction.last_ping));
  if (reaction.pongs_after_ping == 0) {
    // Only a Close received excuses the Pong; a server that closed on its own, its Close
    // crossing our Ping, is in a corner the RFC leaves open: non-strict.
    const bool closed_on_its_own = reaction.close && !reaction.ended_by_us && !reaction.close_answers_ours;
    out.verdicts.push_back({Rule::pong_missing, closed_on_its_own ? Outcome::non_strict : Outcome::fail, "a Pong",
                            std::nullopt, "to a Ping of " + std::to_string(payload.size()) + " bytes"});
    if (!closed_on_its_own) out.summary = "server sent no Pong to our Ping (RFC 6455 5.5.2)";
    return;
  }
  const bool echoed = reaction.ping_echoed;
  out.verdicts.push_back({Rule::pong_payload, echoed ? Outcome::pass : Outcome::fail, payload,
                          std::string(codec::as_chars(echoed ? *reaction.last_ping : reaction.last_pong)), ""});
  if (!echoed) out.summary = "server's Pong does not echo our Ping's data (RFC 6455 5.5.3)";
}

}  // namespace

std::optional<codec::Violation> expected_violation(codec::ByteView sent,
                                                  const std::optional<codec::DeflateAgreement>& deflate,
                                                  std::uint64_t max_message_size) {
  FirstViolation first;
  codec::Bytes copy(sent.begin(), sent.end());  // the assembler unmasks in place
  codec::MessageAssembler({.from = codec::Role::client, .max_message_size = max_message_size, .deflate = deflate},
                          first)
      .feed(copy);
  return first.violation;
}

std::optional<std::size_t> breaking_length(codec::ByteView sent, const std::optional<codec::DeflateAgreement>& deflate,
                                           std::uint64_t max_message_size) {
  FirstViolation first;
  codec::Bytes copy(sent.begin(), sent.end());  // the assembler unmasks in place
  codec::MessageAssembler assembler({.from = codec::Role::client, .max_message_size = max_message_size, .deflate = deflate},
                                    first);
  for (std::size_t at = 0; at < copy.size(); ++at) {
    assembler.feed(codec::MutableByteView(copy).subspan(at, 1));
    if (first.violation) return at + 1;
  }
  return std::nullopt;
}

Judgement judge(const std::optional<codec::Violation>& expected, const Reaction& reaction) {
  Judgement out;
  const Seen what = seen(reaction);
  if (expected) {
    judge_breach(*expected, reaction, what, out);
  } else {
    judge_valid(reaction, what, out);
    judge_pongs(reaction, out);
  }
  if (reaction.violation) {
    const codec::Violation& broken = *reaction.violation;
    out.verdicts.insert(out.verdicts.begin(), Verdict{broken.rule, codec::missed(codec::rule_info(broken.rule).level),
                                                      "frames that keep the rule", broken.describe(), ""});
    out.summary = "server broke " + broken.describe();
  }
  for (const codec::Violation& note : reaction.notes) {
    out.verdicts.push_back({note.rule, Outcome::informational, "", note.detail, ""});
  }
  return out;
}

MessageDigest MessageDigest::of(codec::Opcode type, codec::ByteView payload) {
  std::uint64_t hash = 0xcbf29ce484222325ull;
  for (const std::uint8_t byte : payload) hash = (hash ^ byte) * 0x100000001b3ull;
  return {type, payload.size(), hash};
}

void ReactionRecorder::message(codec::Opcode type, codec::ByteView payload) {
  ++reaction_.messages_received;
  if (reaction_.messages.size() < max_digested_messages) reaction_.messages.push_back(MessageDigest::of(type, payload));
}

void ReactionRecorder::ping_sent(codec::ByteView payload) {
  reaction_.last_ping = codec::Bytes(payload.begin(), payload.end());
  reaction_.pongs_after_ping = 0;
  reaction_.ping_echoed = false;
}

void ReactionRecorder::frame(bool outgoing, const codec::FrameHeader& header, codec::ByteView preview) {
  if (reaction_.exchanged.size() < max_exchanged_frames) {
    reaction_.exchanged.push_back({outgoing, header, codec::Bytes(preview.begin(), preview.end()), net::elapsed_ms(started_)});
  }
  if (outgoing) {
    ++reaction_.frames_sent;
    return;
  }
  // The Close's time is its frame's: taken before the frame is shown, which takes time.
  last_frame_ms_ = now_ms();
  ++reaction_.frames_received;
  if (header.opcode == static_cast<std::uint8_t>(codec::Opcode::close) && !reaction_.close_payload) {
    reaction_.close_payload = codec::Bytes(preview.begin(), preview.end());
  }
  if (reaction_.received.size() >= max_traced_frames) return;
  reaction_.received.push_back({header, codec::Bytes(preview.begin(), preview.end()), last_frame_ms_});
  if (show_) show_(reaction_.received.back());
}

void ReactionRecorder::pong(codec::ByteView payload) {
  if (!reaction_.last_ping) return;
  ++reaction_.pongs_after_ping;
  reaction_.ping_echoed = reaction_.ping_echoed || codec::as_chars(payload) == codec::as_chars(*reaction_.last_ping);
  reaction_.last_pong.assign(payload.begin(), payload.end());
}

void ReactionRecorder::note(const codec::Violation& note) {
  for (const codec::Violation& kept : reaction_.notes) {
    if (kept.rule == note.rule) return;
  }
  reaction_.notes.push_back(note);
}

void ReactionRecorder::close_received(const codec::CloseFrame& close) {
  reaction_.close = close;
  reaction_.close_answers_ours = our_close_ && *our_close_ == close.code.value_or(0);
  reaction_.close_after_ours = our_close_.has_value();
  reaction_.close_ms = last_frame_ms_;
}

void ReactionRecorder::closed(const LiveClose& close) {
  reaction_.tcp = close.tcp;
  reaction_.tcp_error = close.tcp_error;
  if (close.tcp == TcpEnd::closed_by_peer || close.tcp == TcpEnd::reset) reaction_.tcp_ms = now_ms();
}

}  // namespace wsprobe::session
