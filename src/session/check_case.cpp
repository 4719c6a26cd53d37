#include "session/check_case.h"

#include <fmt/format.h>

#include <algorithm>

#include "base/errors.h"
#include "codec/assembler.h"

namespace wsprobe::session {
namespace {

using codec::Outcome;
using codec::Rule;
using codec::Verdict;

class EchoCollector : public codec::MessageHandler {
 public:
  std::vector<MessageDigest> messages;
  bool stopped = false;
  void on_message(codec::Opcode type, codec::ByteView payload) override {
    if (!stopped) messages.push_back(MessageDigest::of(type, payload));
  }
  void on_close(const codec::CloseFrame&) override { stopped = true; }
  void on_violation(const codec::Violation&) override { stopped = true; }
};

codec::Bytes wire_of(const std::vector<codec::FrameSpec>& specs) {
  codec::Bytes wire;
  for (const codec::FrameSpec& spec : specs) {
    for (const codec::BuiltFrame& frame : codec::build_frames(spec)) wire.insert(wire.end(), frame.wire.begin(), frame.wire.end());
  }
  return wire;
}

int severity(Outcome outcome) {
  switch (outcome) {
    case Outcome::pass: return 0;
    case Outcome::informational: return 1;
    case Outcome::non_strict: return 2;
    case Outcome::fail: return 3;
  }
  return 3;
}

// What the row expects of an echo server: its messages back, or none.
void judge_echoes(const conformance::Expectation& expect, const std::vector<MessageDigest>& expected,
                  const Reaction& reaction, std::vector<Verdict>& verdicts) {
  if (expect.nothing) {
    const bool none = reaction.messages_received == 0;
    verdicts.push_back({Rule::echo_mismatch, none ? Outcome::pass : Outcome::fail, "no message",
                        fmt::format("{} message{}", reaction.messages_received, reaction.messages_received == 1 ? "" : "s"),
                        ""});
    return;
  }
  if (!expect.echo) return;
  const bool echoed = reaction.messages == expected && reaction.messages_received == expected.size();
  Verdict verdict{Rule::echo_mismatch, echoed ? Outcome::pass : Outcome::fail,
                  fmt::format("{} message{} echoed", expected.size(), expected.size() == 1 ? "" : "s"),
                  fmt::format("{} received", reaction.messages_received), ""};
  if (!echoed) {
    const auto mismatch = std::mismatch(expected.begin(), expected.end(), reaction.messages.begin(), reaction.messages.end());
    if (mismatch.first != expected.end() && mismatch.second != reaction.messages.end()) {
      verdict.detail = fmt::format("message {} differs: {} bytes sent, {} came back",
                                   mismatch.first - expected.begin() + 1, mismatch.first->size, mismatch.second->size);
    }
    // Failing at the broken frame before echoing what came first is allowed, not best.
    const bool failed = (reaction.close && !reaction.ended_by_us) || reaction.tcp == TcpEnd::closed_by_peer;
    if (expect.early_fail_non_strict && failed) verdict.outcome = Outcome::non_strict;
  }
  verdicts.push_back(std::move(verdict));
}

std::string summary_of(const std::vector<Verdict>& verdicts, Outcome outcome) {
  for (const Verdict& verdict : verdicts) {
    if (verdict.outcome != outcome || outcome == Outcome::pass) continue;
    const auto& info = codec::rule_info(verdict.rule);
    return fmt::format("{} ({} {}): expected {}, got {}", info.id, info.section, codec::level_name(info.level),
                       verdict.expected, verdict.observed.value_or("nothing"));
  }
  return "as expected";
}

}  // namespace

Outcome worst_outcome(const std::vector<Verdict>& verdicts) {
  Outcome worst = Outcome::pass;
  for (const Verdict& verdict : verdicts) {
    if (severity(verdict.outcome) > severity(worst)) worst = verdict.outcome;
  }
  return worst;
}

std::vector<MessageDigest> expected_echoes(codec::ByteView sent, const std::optional<codec::DeflateAgreement>& deflate) {
  EchoCollector collector;
  codec::Bytes copy(sent.begin(), sent.end());  // the assembler unmasks in place
  codec::MessageAssembler({.from = codec::Role::client, .max_message_size = codec::max_spec_payload, .deflate = deflate},
                          collector)
      .feed(copy);
  return collector.messages;
}

CaseResult run_case(const conformance::Case& test_case, const Opener& open, const CaseSettings& settings) {
  const auto started = net::Clock::now();
  const net::Deadline deadline = started + settings.timeout;
  CaseResult result;
  result.test_case = &test_case;
  OpenedConnection opened;
  try {
    opened = open(deadline);
  } catch (const Error& failure) {
    result.summary = failure.what();
    result.open_error = failure.kind();
    result.duration_ms = net::elapsed_ms(started);
    return result;
  }
  FrameRunSettings run;
  run.specs = conformance::step_specs(test_case);
  run.wait = settings.wait;
  run.engine = opened.engine;
  run.engine.close_timeout = std::min<std::chrono::milliseconds>(run.engine.close_timeout, std::chrono::seconds(2));
  run.deadline = deadline;
  const conformance::Expectation& expect = test_case.expect;
  const std::vector<MessageDigest> expected = expected_echoes(wire_of(run.specs), run.engine.deflate);
  // Echo and pong cases end as soon as what they expect has come.
  if ((expect.echo || expect.pong) && !expect.fails_connection()) {
    run.enough = [&](const Reaction& reaction) {
      return (!expect.echo || reaction.messages.size() >= expected.size()) &&
             (!expect.pong || reaction.pongs_after_ping > 0);
    };
  }
  result.run = run_frames(*opened.connection, std::move(opened.after_head), run);
  const Reaction& reaction = result.run->reaction;
  result.duration_ms = net::elapsed_ms(started);
  if (result.run->timed_out) {
    result.summary = "the case timed out before the server's reaction was complete";
    return result;
  }
  const auto broken = expected_violation(result.run->sent, run.engine.deflate, codec::max_spec_payload);
  Judgement judgement = judge(broken, reaction);
  result.verdicts = std::move(judgement.verdicts);
  judge_echoes(expect, expected, reaction, result.verdicts);
  if (reaction.tcp == TcpEnd::left_open) {
    result.verdicts.push_back({Rule::tcp_left_open, Outcome::fail, "TCP closed by the server", "left open", ""});
  }
  result.outcome = expect.informational ? Outcome::informational : worst_outcome(result.verdicts);
  result.summary = expect.informational ? "informational: " + summary_of(result.verdicts, worst_outcome(result.verdicts))
                                        : summary_of(result.verdicts, result.outcome);
  return result;
}

}  // namespace wsprobe::session
