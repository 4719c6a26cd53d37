#include "codec/verdict.h"

#include <algorithm>

namespace wsprobe::codec {

std::string_view outcome_name(Outcome outcome) {
  switch (outcome) {
    case Outcome::pass: return "pass";
    case Outcome::non_strict: return "non-strict";
    case Outcome::fail: return "fail";
    case Outcome::informational: return "informational";
    case Outcome::unimplemented: return "unimplemented";
  }
  return "";
}

Outcome missed(Level level) {
  switch (level) {
    case Level::must: return Outcome::fail;
    case Level::should: return Outcome::non_strict;
    case Level::may: return Outcome::informational;
  }
  return Outcome::fail;
}

bool fails(const Verdict& verdict, bool strict) {
  return verdict.outcome == Outcome::fail || (strict && verdict.outcome == Outcome::non_strict);
}

bool any_fails(std::span<const Verdict> verdicts, bool strict) {
  return std::any_of(verdicts.begin(), verdicts.end(), [strict](const Verdict& verdict) { return fails(verdict, strict); });
}

}  // namespace wsprobe::codec
