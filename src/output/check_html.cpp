#include "output/check_html.h"

#include <fmt/format.h>


namespace wsprobe::output {
namespace {

using codec::Outcome;

// The CSS class and the label of an outcome.
std::string_view css(Outcome outcome) {
  switch (outcome) {
    case Outcome::pass: return "pass";
    case Outcome::non_strict: return "non-strict";
    case Outcome::fail: return "fail";
    case Outcome::informational: return "info";
    case Outcome::unimplemented: return "unimplemented";
  }
  return "fail";
}

std::string_view label(Outcome outcome) {
  switch (outcome) {
    case Outcome::pass: return "Pass";
    case Outcome::non_strict: return "Non-strict";
    case Outcome::fail: return "Fail";
    case Outcome::informational: return "Info";
    case Outcome::unimplemented: return "Unimplemented";
  }
  return "Fail";
}

constexpr std::string_view style_sheet = R"(
body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5em; color: #1b1b1b; }
h1 { margin: 0 0 .2em; } h2 { margin: 1.5em 0 .4em; }
.target, .plan { color: #555; margin: .2em 0; }
.totals { font-weight: bold; padding: .4em .6em; display: inline-block; border-radius: 4px; }
table.sections { border-collapse: collapse; margin: 1em 0; }
table.sections th, table.sections td { padding: .25em .8em; border-bottom: 1px solid #ddd; text-align: right; }
table.sections th:first-child, table.sections td:first-child { text-align: left; }
details.case { border-bottom: 1px solid #e4e4e4; }
details.case > summary { display: grid; grid-template-columns: 13em 6em 1fr 9em 14em 6em; gap: .6em;
  padding: .2em .4em; cursor: pointer; list-style: none; }
details.case > summary::-webkit-details-marker { display: none; }
details.case[open] > summary { background: #f2f2f2; }
.verdict, .close { text-align: center; border-radius: 3px; }
.pass { background: #c8e6c9; color: #1b5e20; }
.non-strict { background: #ffe0b2; color: #8a4b00; }
.fail { background: #ffcdd2; color: #b71c1c; }
.info { background: #e3ecf7; color: #1f4e8c; }
.unimplemented { background: #e0e0e0; color: #424242; }
.detail { padding: .5em 1em 1em 2em; }
.sentence { font-style: italic; }
table.verdicts { border-collapse: collapse; margin: .5em 0; }
table.verdicts td, table.verdicts th { padding: .2em .6em; border-bottom: 1px solid #eee; text-align: left; vertical-align: top; }
pre.frames { background: #fafafa; border: 1px solid #eee; padding: .5em; overflow-x: auto; font-size: 12px; }
)";

std::string totals_cells(const CheckTotals& t) {
  return fmt::format("<td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{:.1f} s</td>", t.cases,
                     t.passed, t.non_strict, t.failed, t.unimplemented, t.informational, t.seconds);
}

std::string sections_table(const std::vector<session::CaseResult>& results) {
  std::string out =
      "<table class=\"sections\"><thead><tr><th>section</th><th>cases</th><th>pass</th><th>non-strict</th>"
      "<th>fail</th><th>unimplemented</th><th>info</th><th>case time</th></tr></thead><tbody>\n";
  for (const auto& [group, t] : section_totals(results)) {
    out += fmt::format("<tr><td><a href=\"#section-{0}\">{0}</a></td>{1}</tr>\n", markup_text(group), totals_cells(t));
  }
  return out + "</tbody></table>\n";
}

std::string verdict_rows(const std::vector<codec::Verdict>& verdicts) {
  std::string out =
      "<table class=\"verdicts\"><thead><tr><th>outcome</th><th>rule</th><th>section</th><th>level</th>"
      "<th>expected</th><th>observed</th><th>detail</th></tr></thead><tbody>\n";
  for (const codec::Verdict& verdict : verdicts) {
    const auto& info = codec::rule_info(verdict.rule);
    out += fmt::format(
        "<tr class=\"verdict-row\"><td class=\"verdict {}\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
        "<td>{}</td><td>{}</td></tr>\n",
        css(verdict.outcome), label(verdict.outcome), markup_text(info.id), markup_text(info.section), codec::level_name(info.level),
        markup_text(verdict.expected), verdict.observed ? markup_text(*verdict.observed) : "(absent)", markup_text(verdict.detail));
  }
  return out + "</tbody></table>\n";
}

std::string case_detail(const session::CaseResult& result) {
  const conformance::Case& test_case = *result.test_case;
  std::string out = "<div class=\"detail\">\n";
  out += fmt::format("<p class=\"sentence\">{} {}: {}</p>\n", markup_text(test_case.sentence->section),
                     codec::level_name(test_case.sentence->level), markup_text(test_case.sentence->text));
  out += fmt::format("<p class=\"why\">{}</p>\n", markup_text(result.summary));
  if (!result.verdicts.empty()) out += verdict_rows(result.verdicts);
  if (result.close) {
    const session::CloseBehaviour& close = *result.close;
    out += fmt::format("<p class=\"close-detail\">{}: expected {}{}</p>\n", markup_text(close_text(close)), markup_text(close.expected),
                       close.detail.empty() ? "" : " (" + markup_text(close.detail) + ")");
  }
  std::string frames;
  for (const std::string& line : exchange_lines(result, Style{}, false)) frames += markup_text(line) + "\n";
  if (!frames.empty()) out += "<pre class=\"frames\">" + frames + "</pre>\n";
  return out + "</div>\n";
}

std::string case_row(const session::CaseResult& result) {
  const conformance::Case& test_case = *result.test_case;
  std::string close = "<span class=\"close\"></span>";
  if (result.close) {
    close = fmt::format("<span class=\"close {}\">{} {}{}</span>", css(result.close->outcome),
                        result.close->code ? std::to_string(*result.close->code) : "-", markup_text(result.close->closed_by),
                        result.close->clean ? ", clean" : "");
  }
  return fmt::format(
      "<details class=\"case {0}\" id=\"case-{1}\"><summary><span class=\"id\">{1}</span><span class=\"autobahn\">{2}"
      "</span><span class=\"title\">{3}</span><span class=\"verdict {0}\">{4}</span>{5}<span class=\"time\">{6:.1f} ms"
      "</span></summary>\n{7}</details>\n",
      css(result.outcome), markup_text(test_case.id), markup_text(test_case.autobahn.value_or("")), markup_text(test_case.title),
      label(result.outcome), close, result.duration_ms, case_detail(result));
}

}  // namespace

std::string check_report_html(const std::vector<session::CaseResult>& results, const CheckPlan& plan,
                              const CheckTotals& totals, const HtmlReportContext& context) {
  const bool failed = totals.failed > 0 || (context.strict && totals.non_strict > 0);
  std::string out = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n";
  out += "<title>wsprobe check: " + markup_text(context.url) + "</title>\n<style>" + std::string(style_sheet) + "</style>\n";
  out += "</head><body>\n<h1>wsprobe check</h1>\n";
  out += fmt::format("<p class=\"target\">{} &middot; {}</p>\n", markup_text(context.url), markup_text(context.started));
  out += fmt::format("<p class=\"plan\">profile {}{}{}</p>\n", markup_text(plan.profile),
                     plan.reason.empty() ? "" : " (" + markup_text(plan.reason) + ")",
                     plan.skipped.empty() ? "" : fmt::format("; {} cases skipped, which need an echo server",
                                                             plan.skipped.size()));
  out += fmt::format("<p class=\"totals {}\">{}</p>\n", failed ? "fail" : "pass", markup_text(totals_line(totals)));
  out += sections_table(results);
  std::string group;
  for (const session::CaseResult& result : results) {
    if (result.test_case->group() != group) {
      if (!group.empty()) out += "</section>\n";
      group = std::string(result.test_case->group());
      out += fmt::format("<section id=\"section-{0}\"><h2>{0}</h2>\n", markup_text(group));
    }
    out += case_row(result);
  }
  if (!group.empty()) out += "</section>\n";
  return out + "</body></html>\n";
}

}  // namespace wsprobe::output
