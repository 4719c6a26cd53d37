#include "output/verdict_text.h"

#include <fmt/format.h>

#include <algorithm>

#include "base/escape.h"

namespace wsprobe::output {

std::string outcome_label(codec::Outcome outcome, const Style& style) {
  switch (outcome) {
    case codec::Outcome::pass: return style.good("pass");
    case codec::Outcome::non_strict: return style.bad("non-strict");
    case codec::Outcome::fail: return style.bad("FAIL");
    case codec::Outcome::informational: return style.dim("info");
    case codec::Outcome::unimplemented: return style.dim("unimpl");
  }
  return "";
}

std::string verdict_line(const codec::Verdict& verdict, const Style& style, bool raw, std::size_t width) {
  const auto& info = codec::rule_info(verdict.rule);
  // The common labels take four columns; "non-strict", rare, pushes its line right.
  std::string text = fmt::format("  {}  {:<{}}  {:<14}  {:<6}  ", outcome_label(verdict.outcome, style), info.id,
                                 width, info.section, codec::level_name(info.level));
  const std::string observed =
      verdict.observed ? "\"" + (raw ? *verdict.observed : escape_for_terminal(*verdict.observed)) + "\"" : "(absent)";
  if (verdict.passed()) {
    text += verdict.observed ? observed : verdict.expected;
  } else {
    text += fmt::format("expected {}, got {}", verdict.expected, observed);
  }
  if (!verdict.detail.empty() && !verdict.passed()) text += " (" + verdict.detail + ")";
  return text;
}

std::size_t id_width(std::span<const codec::Verdict> verdicts) {
  std::size_t width = 0;
  for (const auto& verdict : verdicts) width = std::max(width, codec::rule_info(verdict.rule).id.size());
  return width;
}

void write_verdict(JsonWriter& json, const codec::Verdict& verdict) {
  const auto& info = codec::rule_info(verdict.rule);
  json.begin_object().field("rule", info.id).field("section", info.section).field("level", codec::level_name(info.level));
  json.field("outcome", codec::outcome_name(verdict.outcome)).field("expected", verdict.expected);
  json.field("observed", verdict.observed);
  if (!verdict.detail.empty()) json.field("detail", verdict.detail);
  json.end_object();
}

void write_verdicts(JsonWriter& json, std::span<const codec::Verdict> verdicts) {
  json.begin_array();
  for (const auto& verdict : verdicts) write_verdict(json, verdict);
  json.end_array();
}

void write_violation(JsonWriter& json, const std::optional<codec::Violation>& violation) {
  if (!violation) {
    json.null();
    return;
  }
  const auto& info = codec::rule_info(violation->rule);
  json.begin_object().field("rule", info.id).field("section", info.section);
  json.field("level", codec::level_name(info.level)).field("text", violation->describe()).end_object();
}

void write_violation(JsonWriter& json, codec::Rule rule) {
  write_violation(json, codec::Violation{rule, ""});
}

}  // namespace wsprobe::output
