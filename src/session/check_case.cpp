#include "session/check_case.h"

#include <fmt/format.h>

#include <algorithm>
#include <mutex>
#include <thread>

#include "base/errors.h"
#include "codec/assembler.h"
#include "conformance/corpus.h"

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
    case Outcome::unimplemented:
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
    // Failing at the broken frame before echoing what came first is allowed, not best:
    // what did come back must still be the start of what was due.
    const bool failed = (reaction.close && !reaction.ended_by_us) || reaction.tcp == TcpEnd::closed_by_peer;
    const bool cut_short = reaction.messages.size() < expected.size() &&
                           std::equal(reaction.messages.begin(), reaction.messages.end(), expected.begin());
    if (expect.early_fail_non_strict && failed && cut_short) verdict.outcome = Outcome::non_strict;
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

namespace {

// The handshake's checks among the case's verdicts: all of them for a case about the
// handshake, else those that did not pass.
void add_handshake_verdicts(const conformance::Case& test_case, const codec::HandshakeReport& report,
                            std::vector<Verdict>& verdicts) {
  const bool about_handshake = test_case.expect.upgrade || test_case.expect.refuse;
  for (const Verdict& check : report.checks) {
    if (about_handshake || !check.passed()) verdicts.push_back(check);
  }
}

// The frames the case sends, or its series.
struct CaseTraffic {
  std::vector<codec::FrameSpec> specs;
  std::optional<MessageSeriesToSend> series;
  std::vector<MessageDigest> expected;  // what an echo server sends back
};

CaseTraffic traffic_of(const conformance::Case& test_case, const codec::EngineOptions& engine) {
  CaseTraffic traffic;
  traffic.specs = conformance::step_specs(test_case);
  traffic.expected = expected_echoes(wire_of(traffic.specs), engine.deflate);
  if (const auto& series = test_case.series) {
    conformance::CorpusSlicer digests(series->source, series->size);
    for (std::size_t index = 0; index < series->count; ++index) {
      traffic.expected.push_back(MessageDigest::of(series->type, digests.message(index)));
    }
    auto slicer = std::make_shared<conformance::CorpusSlicer>(series->source, series->size);
    traffic.series = MessageSeriesToSend{series->type, series->count, series->fragment_size,
                                         [slicer](std::size_t index) { return slicer->message(index); }};
  }
  return traffic;
}

// Only a closing handshake of ours: for a case that ends at the upgrade.
FrameRun close_at_once(CaseOpening& opened, net::Deadline deadline) {
  FrameRunSettings run;
  run.wait = std::chrono::milliseconds(0);
  run.engine = opened.engine;
  run.deadline = deadline;
  return run_frames(*opened.connection, std::move(opened.after_head), run);
}

std::string codes_text(const std::vector<std::uint16_t>& codes, bool same) {
  std::string text;
  for (const std::uint16_t code : codes) text += (text.empty() ? "" : " or ") + std::to_string(code);
  return same ? text + " or the code sent" : text;
}

// An echo of our Close counts for "same", an empty one included.
bool in_set(std::optional<std::uint16_t> code, const conformance::Expectation& expect, const Reaction& reaction) {
  const auto& codes = expect.fails_connection() ? expect.fail_codes : expect.reply_codes;
  if (expect.reply_same && reaction.close_answers_ours) return true;
  return code && std::find(codes.begin(), codes.end(), *code) != codes.end();
}

// The row's close: the server fails the connection (fail=), answers the Close the
// steps end with (reply=), or answers ours with 1000 once the case is over.
// `rejection`: whether the server must fail the connection or may accept the frames
// (a rule that binds only the sender).
CloseBehaviour judge_close(const conformance::Expectation& expect, const Reaction& reaction, codec::Level rejection) {
  CloseBehaviour close;
  const bool fails = expect.fails_connection();
  // When the frames that break the rule include a Close of ours, the server's Close
  // after it is still its failing of the connection.
  const bool server_first = !reaction.ended_by_us && (fails || !reaction.close_after_ours) &&
                            (reaction.close || reaction.tcp != TcpEnd::left_open);
  const bool ours_first = reaction.ended_by_us || reaction.close_sent;
  close.closed_by = server_first ? "server" : ours_first ? "wsprobe" : "nobody";
  close.clean = reaction.close && reaction.tcp == TcpEnd::closed_by_peer;
  if (reaction.close) close.code = reaction.close->code;
  close.expected = fails ? "the server fails the connection, with a Close " + codes_text(expect.fail_codes, false)
                   : !expect.reply_codes.empty()
                       ? "the server answers our Close with " + codes_text(expect.reply_codes, expect.reply_same)
                       : "the server answers our Close with 1000, then closes TCP";
  auto miss = [&close](Outcome outcome, std::string why) {
    close.outcome = outcome;
    close.detail = std::move(why);
  };
  if (fails && !server_first) {
    return miss(codec::missed(rejection), rejection == codec::Level::must ? "the server never failed the connection"
                                                                         : "the server accepted the frames, which it may"),
           close;
  }
  if (!fails && server_first) return miss(Outcome::informational, "the server closed first, which it may"), close;
  if (!reaction.close) {
    return miss(fails ? Outcome::non_strict : Outcome::fail, fails ? "TCP ended without a Close (RFC 6455 7.1.7 SHOULD)"
                                                                 : "no Close came back (RFC 6455 5.5.1 MUST)"), close;
  }
  const conformance::Expectation valid_end{.reply_codes = {1000}, .reply_same = true};
  const bool code_ok = in_set(close.code, expect.reply_codes.empty() && !fails ? valid_end : expect, reaction);
  if (!code_ok) miss(Outcome::non_strict, "a code outside the set (RFC 6455 7.1.7, 5.5.1)");
  return close;
}

// The server closed with 1009 before its echo: its limit on message size.
bool hit_limit(const Reaction& reaction) {
  return reaction.close && reaction.close->code == 1009 && !reaction.close_after_ours && !reaction.ended_by_us;
}

// When the server failed invalid text: once the first invalid byte was in and before
// the message's end (best), only at its end (allowed: RFC 6455 8.1 sets no time), or
// before the invalid byte (it refused valid frames).
void judge_fail_fast(const FrameRun& run, codec::ByteView all_steps_wire,
                     const std::optional<codec::DeflateAgreement>& deflate, std::vector<Verdict>& verdicts) {
  const std::size_t all_steps = all_steps_wire.size();
  const std::optional<std::size_t> needed = breaking_length(all_steps_wire, deflate, codec::max_spec_payload);
  if (!needed || !run.sent_when_server_ended) return;  // the breach verdict tells
  const std::size_t at = *run.sent_when_server_ended;
  const std::string observed = fmt::format("failed after {} of {} bytes", at, all_steps);
  const std::string expected =
      fmt::format("failed after byte {}, the first invalid one, before byte {}, the last", *needed, all_steps);
  if (at < *needed) {
    verdicts.push_back({Rule::valid_frames_refused, Outcome::fail, expected, observed, "before the invalid byte was sent"});
  } else {
    Verdict verdict{Rule::fail_fast, Outcome::pass, expected, observed, ""};
    verdict.judge(at < all_steps);
    if (!verdict.passed()) verdict.detail = "only once the whole message was in (Autobahn: non-strict)";
    verdicts.push_back(std::move(verdict));
  }
}

// A limit on message size is the server's to set (RFC 6455 10.4): the missing echo
// is worth knowing, no failure.
void allow_limit(std::vector<Verdict>& verdicts) {
  for (Verdict& verdict : verdicts) {
    if (verdict.rule != Rule::echo_mismatch || verdict.passed()) continue;
    verdict.outcome = Outcome::informational;
    verdict.detail = "the server closed with 1009: its limit on message size is below this (RFC 6455 10.4)";
  }
}

void finish(CaseResult& result, bool informational) {
  std::vector<Verdict> all = result.verdicts;
  Outcome worst = worst_outcome(all);
  if (result.close && severity(result.close->outcome) > severity(worst)) worst = result.close->outcome;
  result.outcome = informational ? Outcome::informational : worst;
  std::string why = summary_of(result.verdicts, worst);
  if (why == "as expected" && result.close && result.close->outcome == worst && worst != Outcome::pass) {
    why = "close: expected " + result.close->expected + "; " + result.close->detail;
  }
  result.summary = (informational ? "informational: " : "") + why;
}

}  // namespace

CaseResult run_case(const conformance::Case& test_case, const CaseOpener& open, const CaseSettings& settings) {
  const auto started = net::Clock::now();
  const net::Deadline deadline = started + settings.timeout;
  CaseResult result;
  result.test_case = &test_case;
  CaseOpening opened;
  try {
    opened = open(test_case.request, deadline);
  } catch (const Error& failure) {
    result.summary = failure.what();
    result.open_error = failure.kind();
    result.duration_ms = net::elapsed_ms(started);
    return result;
  }
  result.request = opened.request;
  result.response = opened.response;
  const conformance::Expectation& expect = test_case.expect;
  add_handshake_verdicts(test_case, opened.report, result.verdicts);
  if (expect.refuse || !opened.report.upgraded()) {
    result.duration_ms = net::elapsed_ms(started);
    finish(result, expect.informational);
    return result;
  }
  if (expect.needs_deflate && !opened.engine.deflate) {
    result.run = close_at_once(opened, deadline);
    result.duration_ms = net::elapsed_ms(started);
    result.outcome = Outcome::unimplemented;
    result.summary = "the server did not agree to permessage-deflate";
    return result;
  }
  FrameRunSettings run;
  run.engine = opened.engine;
  run.engine.close_timeout = std::min<std::chrono::milliseconds>(run.engine.close_timeout, std::chrono::seconds(2));
  CaseTraffic traffic = traffic_of(test_case, run.engine);
  run.specs = traffic.specs;
  run.series = traffic.series;
  run.write_chunk = test_case.series ? test_case.series->chop : 0;
  run.wait = expect.upgrade && traffic.specs.empty() && !traffic.series ? std::chrono::milliseconds(0) : settings.wait;
  run.deadline = deadline;
  const std::vector<MessageDigest>& expected = traffic.expected;
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
    result.outcome = Outcome::fail;
    result.summary = "the case timed out before the server's reaction was complete";
    return result;
  }
  const auto broken = expected_violation(result.run->sent, run.engine.deflate, codec::max_spec_payload);
  Judgement judgement = judge(broken, reaction);
  result.verdicts.insert(result.verdicts.end(), judgement.verdicts.begin(), judgement.verdicts.end());
  judge_echoes(expect, expected, reaction, result.verdicts);
  if (expect.fail_fast) judge_fail_fast(*result.run, wire_of(run.specs), run.engine.deflate, result.verdicts);
  if (reaction.tcp == TcpEnd::left_open) {
    result.verdicts.push_back({Rule::tcp_left_open, Outcome::fail, "TCP closed by the server", "left open", ""});
  }
  result.close = judge_close(expect, reaction, broken ? codec::rule_info(broken->rule).rejection : codec::Level::must);
  // Where the RFC leaves the reaction open, so is the close.
  if (expect.informational && result.close->outcome != Outcome::pass) result.close->outcome = Outcome::informational;
  if (expect.limit_allowed && hit_limit(reaction)) allow_limit(result.verdicts);
  finish(result, expect.informational);
  return result;
}

std::vector<CaseResult> run_cases(const std::vector<const conformance::Case*>& cases, const CaseOpener& open,
                                  const CaseSettings& settings, std::size_t jobs, const std::atomic<bool>& stop,
                                  const std::function<void(const CaseResult&)>& done) {
  std::vector<std::optional<CaseResult>> slots(cases.size());
  std::atomic<std::size_t> next{0};
  std::mutex reporting;
  auto work = [&] {
    for (std::size_t index = next++; index < cases.size() && !stop; index = next++) {
      CaseResult result = run_case(*cases[index], open, settings);
      const std::lock_guard lock(reporting);
      done(result);
      slots[index] = std::move(result);
    }
  };
  std::vector<std::jthread> workers;
  const std::size_t threads = std::min(std::max<std::size_t>(jobs, 1), cases.size());
  for (std::size_t worker = 1; worker < threads; ++worker) workers.emplace_back(work);
  work();
  workers.clear();  // joins
  std::vector<CaseResult> results;
  for (std::optional<CaseResult>& slot : slots) {
    if (slot) results.push_back(std::move(*slot));
  }
  return results;
}

}  // namespace wsprobe::session
