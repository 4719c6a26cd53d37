#pragma once
// A judgement as data: the rule (and through it the RFC section and the requirement's
// level), the outcome, what was expected and what was observed. Human text and JSON
// are rendered from it; JSON carries the rule id and level, not prose.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "codec/violation.h"

namespace wsprobe::codec {

enum class Outcome : std::uint8_t {
  pass,
  non_strict,     // a SHOULD missed: fails a run only with --strict
  fail,           // a MUST broken
  informational,  // allowed, and worth knowing
  unimplemented,  // the server does not implement what the test needs (an optional extension)
};
// "pass", "non-strict", "fail", "informational", "unimplemented"
std::string_view outcome_name(Outcome outcome);

// What missing a requirement of `level` means: fail for MUST, non-strict for SHOULD,
// informational for MAY.
Outcome missed(Level level);

struct Verdict {
  Rule rule;
  Outcome outcome = Outcome::fail;
  std::string expected;                 // what the RFC asks for: the exact value, or in words
  std::optional<std::string> observed;  // what the peer did or sent, raw; absent: nothing
  std::string detail;                   // why, when expected and observed do not say it

  // Pass when `ok`, else missed at the rule's level.
  void judge(bool ok) { outcome = ok ? Outcome::pass : missed(rule_info(rule).level); }
  bool passed() const { return outcome == Outcome::pass; }
};

// Whether the verdict fails a run: a broken MUST always, a missed SHOULD with --strict.
bool fails(const Verdict& verdict, bool strict);
bool any_fails(std::span<const Verdict> verdicts, bool strict);

}  // namespace wsprobe::codec
