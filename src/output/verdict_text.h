#pragma once
// Verdicts rendered: one aligned line each for people, one object each in JSON. Every
// judging command prints its verdicts through here, so a verdict reads alike everywhere.
#include <cstddef>
#include <span>
#include <string>

#include "codec/verdict.h"
#include "output/json.h"
#include "output/style.h"

namespace wsprobe::output {

// "pass", "FAIL", "non-strict", "info", coloured.
std::string outcome_label(codec::Outcome outcome, const Style& style);

// "  pass  handshake.status  RFC 6455 4.1  MUST    "101 Switching Protocols"", or for
// anything but a pass "expected E, got O (detail)". Peer bytes in the observed value
// are escaped unless `raw`.
std::string verdict_line(const codec::Verdict& verdict, const Style& style, bool raw, std::size_t id_width = 0);

// The width of the widest rule id, to align a list of verdicts.
std::size_t id_width(std::span<const codec::Verdict> verdicts);

// {"rule", "section", "level", "outcome", "expected", "observed", "detail"}.
void write_verdict(JsonWriter& json, const codec::Verdict& verdict);
void write_verdicts(JsonWriter& json, std::span<const codec::Verdict> verdicts);

// A rule broken, as every JSON record shows it: {"rule", "section", "level", "text"},
// or null.
void write_violation(JsonWriter& json, const std::optional<codec::Violation>& violation);
// The same for a rule id alone, with its summary as the text.
void write_violation(JsonWriter& json, codec::Rule rule);

}  // namespace wsprobe::output
