#include "output/check_report.h"

#include <fmt/format.h>

#include <map>

#include "base/escape.h"
#include "output/json.h"
#include "output/json_lines.h"
#include "output/style.h"
#include "output/verdict_text.h"

namespace wsprobe::output {
namespace {

using codec::Outcome;

std::string totals_line(const CheckTotals& t) {
  return fmt::format("{} cases, {} passed, {} non-strict, {} failed, {} unimplemented, {} informational ({:.1f} s)",
                     t.cases, t.passed, t.non_strict, t.failed, t.unimplemented, t.informational, t.seconds);
}

void case_fields(JsonWriter& json, const session::CaseResult& result) {
  const conformance::Case& test_case = *result.test_case;
  json.field("id", test_case.id).field("autobahn", test_case.autobahn).field("title", test_case.title);
  json.field("section", test_case.sentence->section).field("level", codec::level_name(test_case.sentence->level));
  json.field("sentence", test_case.sentence->text);
  json.field("outcome", codec::outcome_name(result.outcome)).field("summary", result.summary);
  json.field("duration_ms", result.duration_ms);
  json.key("verdicts");
  write_verdicts(json, result.verdicts);
  if (result.run) {
    const session::Reaction& reaction = result.run->reaction;
    json.key("close").begin_object().field("received", reaction.close_payload.has_value());
    json.field("code", reaction.close && reaction.close->code ? std::optional<int>(*reaction.close->code) : std::nullopt);
    json.field("by_server", reaction.close.has_value() && !reaction.ended_by_us && !reaction.close_answers_ours);
    json.field("tcp", session::tcp_end_name(reaction.tcp)).end_object();
    json.field("bytes_sent", std::uint64_t{result.run->sent.size()}).field("frames_received", reaction.frames_received);
  }
}

class HumanCheck : public CheckReporter {
 public:
  HumanCheck(const OutputOptions& options, std::FILE* out)
      : options_(options), out_(out), style_(Style::for_stream(out)) {}

  void case_done(const session::CaseResult& result) override {
    if (result.outcome == Outcome::pass && !options_.verbose) return;
    std::string text = fmt::format("{}  {}  {} ({:.1f} ms)", outcome_label(result.outcome, style_), result.test_case->id,
                                   result.test_case->title, result.duration_ms);
    if (result.outcome != Outcome::pass) text += "\n      " + made_safe_for_terminal(result.summary);
    line(text);
  }

  void finish(const std::vector<session::CaseResult>& results, const CheckTotals& totals, int) override {
    std::map<std::string, CheckTotals> sections;
    std::vector<std::string> order;
    for (const session::CaseResult& result : results) {
      const std::string group(result.test_case->group());
      if (!sections.contains(group)) order.push_back(group);
      CheckTotals& t = sections[group];
      ++t.cases;
      count(t, result.outcome);
    }
    line(fmt::format("{:<16} {:>6} {:>7} {:>11} {:>7} {:>6}", "section", "cases", "passed", "non-strict", "failed",
                     "info"));
    for (const std::string& group : order) {
      const CheckTotals& t = sections[group];
      line(fmt::format("{:<16} {:>6} {:>7} {:>11} {:>7} {:>6}", group, t.cases, t.passed, t.non_strict, t.failed,
                       t.informational));
    }
    const std::string last = totals_line(totals);
    line(totals.failed == 0 ? style_.good(last) : style_.bad(last));
  }

  static void count(CheckTotals& t, Outcome outcome) {
    switch (outcome) {
      case Outcome::pass: ++t.passed; break;
      case Outcome::non_strict: ++t.non_strict; break;
      case Outcome::fail: ++t.failed; break;
      case Outcome::informational: ++t.informational; break;
    }
  }

 private:
  void line(const std::string& text) {
    if (options_.quiet) return;
    write_text(out_, text + "\n");
  }

  OutputOptions options_;
  std::FILE* out_;
  Style style_;
};

class JsonCheck : public CheckReporter {
 public:
  explicit JsonCheck(std::FILE* out) : out_(out) {}

  void case_done(const session::CaseResult& result) override {
    JsonWriter json = json_event("case");
    case_fields(json, result);
    emit_json_line(json, out_);
  }

  void finish(const std::vector<session::CaseResult>&, const CheckTotals& t, int exit_code) override {
    JsonWriter json = json_event("summary");
    json.field("cases", std::uint64_t{t.cases}).field("passed", std::uint64_t{t.passed});
    json.field("non_strict", std::uint64_t{t.non_strict}).field("failed", std::uint64_t{t.failed});
    json.field("unimplemented", std::uint64_t{t.unimplemented}).field("informational", std::uint64_t{t.informational});
    json.field("duration_ms", t.seconds * 1000).field("exit_code", exit_code);
    emit_json_line(json, out_);
  }

 private:
  std::FILE* out_;
};

// Text for XML: peer bytes made safe first (XML 1.0 cannot carry most controls at
// all), then the five markup characters escaped.
std::string xml_text(std::string_view text) {
  std::string out;
  for (const char c : made_safe_for_terminal(text)) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out += c;
    }
  }
  return out;
}

// The verdicts that did not pass, one per line, as the human output shows them.
std::string verdict_lines(const session::CaseResult& result) {
  std::string text;
  const Style plain{};  // no colour in a file
  for (const codec::Verdict& verdict : result.verdicts) {
    if (!verdict.passed()) text += verdict_line(verdict, plain, false) + "\n";
  }
  return text;
}

}  // namespace

std::string check_report_junit(const std::vector<session::CaseResult>& results, const CheckTotals& totals,
                               bool strict) {
  std::map<std::string, std::vector<const session::CaseResult*>> sections;
  std::vector<std::string> order;
  for (const session::CaseResult& result : results) {
    const std::string group(result.test_case->group());
    if (!sections.contains(group)) order.push_back(group);
    sections[group].push_back(&result);
  }
  auto failing = [strict](const session::CaseResult& result) {
    return result.outcome == Outcome::fail || (strict && result.outcome == Outcome::non_strict);
  };
  std::size_t failures = 0;
  for (const session::CaseResult& result : results) failures += failing(result);
  std::string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  xml += fmt::format("<testsuites name=\"wsprobe check\" tests=\"{}\" failures=\"{}\" time=\"{:.3f}\">\n",
                     totals.cases, failures, totals.seconds);
  for (const std::string& group : order) {
    const auto& cases = sections[group];
    double seconds = 0;
    std::size_t section_failures = 0;
    for (const session::CaseResult* result : cases) {
      seconds += result->duration_ms / 1000;
      section_failures += failing(*result);
    }
    xml += fmt::format("  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" time=\"{:.3f}\">\n", xml_text(group),
                       cases.size(), section_failures, seconds);
    for (const session::CaseResult* result : cases) {
      const conformance::Case& test_case = *result->test_case;
      xml += fmt::format("    <testcase classname=\"{}\" name=\"{}\" time=\"{:.3f}\"", xml_text(group),
                         xml_text(test_case.id + " " + test_case.title), result->duration_ms / 1000);
      if (result->outcome == Outcome::pass) {
        xml += "/>\n";
        continue;
      }
      xml += ">\n";
      const std::string detail = xml_text(test_case.sentence->section + " " +
                                          std::string(codec::level_name(test_case.sentence->level)) + ": " +
                                          test_case.sentence->text + "\n" + verdict_lines(*result));
      if (failing(*result)) {
        xml += fmt::format("      <failure message=\"{}\" type=\"{}\">{}</failure>\n", xml_text(result->summary),
                           codec::outcome_name(result->outcome), detail);
      } else {
        xml += fmt::format("      <system-out>{}: {}\n{}</system-out>\n", codec::outcome_name(result->outcome),
                           xml_text(result->summary), detail);
      }
      xml += "    </testcase>\n";
    }
    xml += "  </testsuite>\n";
  }
  return xml + "</testsuites>\n";
}

CheckTotals totals_of(const std::vector<session::CaseResult>& results, double seconds) {
  CheckTotals totals;
  totals.seconds = seconds;
  for (const session::CaseResult& result : results) {
    ++totals.cases;
    HumanCheck::count(totals, result.outcome);
  }
  return totals;
}

std::unique_ptr<CheckReporter> make_check_reporter(const OutputOptions& options, std::FILE* out) {
  if (options.json) return std::make_unique<JsonCheck>(out);
  return std::make_unique<HumanCheck>(options, out);
}

std::string check_report_json(const std::vector<session::CaseResult>& results, const CheckTotals& t, int exit_code) {
  JsonWriter json;
  json.begin_object().key("cases").begin_array();
  for (const session::CaseResult& result : results) {
    json.begin_object();
    case_fields(json, result);
    json.end_object();
  }
  json.end_array().key("summary").begin_object();
  json.field("cases", std::uint64_t{t.cases}).field("passed", std::uint64_t{t.passed});
  json.field("non_strict", std::uint64_t{t.non_strict}).field("failed", std::uint64_t{t.failed});
  json.field("unimplemented", std::uint64_t{t.unimplemented}).field("informational", std::uint64_t{t.informational});
  json.field("duration_ms", t.seconds * 1000).field("exit_code", exit_code).end_object().end_object();
  return json.text() + "\n";
}

}  // namespace wsprobe::output
