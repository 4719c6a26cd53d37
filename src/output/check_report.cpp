#include "output/check_report.h"

#include <fmt/format.h>

#include <map>

#include "base/escape.h"
#include "output/json.h"
#include "output/json_lines.h"
#include "output/style.h"
#include "output/words.h"
#include "output/verdict_text.h"
#include "output/frame_text.h"
#include "output/handshake_text.h"
#include <unistd.h>

namespace wsprobe::output {

using codec::Outcome;

std::string markup_text(std::string_view text) {
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

std::string totals_line(const CheckTotals& t) {
  return fmt::format("{}, {} passed, {} non-strict, {} failed, {} unimplemented, {} informational ({:.1f} s)",
                     counted(t.cases, "case"), t.passed, t.non_strict, t.failed, t.unimplemented, t.informational,
                     t.seconds);
}

namespace {

void close_fields(JsonWriter& json, const session::CaseResult& result) {
  if (!result.close) return;
  const session::CloseBehaviour& close = *result.close;
  const session::Reaction& reaction = result.run->reaction;
  json.key("close").begin_object().field("closed_by", close.closed_by).field("clean", close.clean);
  json.field("code", close.code ? std::optional<int>(*close.code) : std::nullopt);
  json.field("tcp", session::tcp_end_name(reaction.tcp)).field("expected", close.expected);
  json.field("outcome", codec::outcome_name(close.outcome)).field("detail", close.detail).end_object();
}

void exchange_fields(JsonWriter& json, const session::CaseResult& result) {
  const session::Reaction& reaction = result.run->reaction;
  json.field("frames_sent", reaction.frames_sent).field("frames_received", reaction.frames_received);
  json.key("frames").begin_array();
  for (const session::ExchangedFrame& frame : reaction.exchanged) {
    json.begin_object();
    frame_fields(json, frame.outgoing, frame.header, frame.preview);
    json.field("at_ms", frame.at_ms).end_object();
  }
  json.end_array();
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
  if (result.response) json.field("status", result.response->status);
  if (result.run) {
    close_fields(json, result);
    exchange_fields(json, result);
  }
}

bool is_terminal(std::FILE* out) { return isatty(fileno(out)) == 1; }

class HumanCheck : public CheckReporter {
 public:
  HumanCheck(const OutputOptions& options, std::FILE* out)
      : options_(options), out_(out), style_(Style::for_stream(out)),
        progress_(is_terminal(out) && !options.quiet) {}

  void start(const CheckPlan& plan) override {
    total_ = plan.cases.size();
    line(fmt::format("profile {}{}: {} case{}", plan.profile, plan.reason.empty() ? "" : " (" + plan.reason + ")",
                     plan.cases.size(), plan.cases.size() == 1 ? "" : "s"));
    if (!plan.skipped.empty()) {
      line(fmt::format("skipped {} cases that need an echo server (--profile echo runs them): {}", plan.skipped.size(),
                       id_ranges(plan.skipped)));
    }
  }

  void case_done(const session::CaseResult& result) override {
    ++done_;
    if (result.outcome != Outcome::pass || options_.verbose) {
      std::string text = fmt::format("{}  {}  {} ({:.1f} ms)", outcome_label(result.outcome, style_),
                                     result.test_case->id, result.test_case->title, result.duration_ms);
      if (result.outcome != Outcome::pass) text += "\n      " + made_safe_for_terminal(result.summary);
      line(text);
      if (result.outcome != Outcome::pass || options_.verbose) {
        for (const std::string& detail : case_detail_lines(result, style_, options_.show_secrets)) line("      " + detail);
      }
    }
    show_progress(result);
  }

  void finish(const std::vector<session::CaseResult>& results, const CheckTotals& totals, const RunEnd&) override {
    clear_progress();
    const std::string columns = "{:<16} {:>6} {:>7} {:>11} {:>7} {:>7} {:>6} {:>9}";
    line(fmt::format(fmt::runtime(columns), "section", "cases", "passed", "non-strict", "failed", "unimpl", "info",
                     "case time"));
    for (const auto& [group, t] : section_totals(results)) {
      line(fmt::format(fmt::runtime(columns), group, t.cases, t.passed, t.non_strict, t.failed, t.unimplemented,
                       t.informational, fmt::format("{:.1f} s", t.seconds)));
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
      case Outcome::unimplemented: ++t.unimplemented; break;
    }
  }

 private:
  // "utf8/6.1.1 .. utf8/6.23.7 (140)": the skipped ids, section by section.
  static std::string id_ranges(const std::vector<const conformance::Case*>& cases) {
    std::string text;
    for (std::size_t first = 0; first < cases.size();) {
      std::size_t last = first;
      while (last + 1 < cases.size() && cases[last + 1]->group() == cases[first]->group()) ++last;
      text += fmt::format("{}{}{} ({})", text.empty() ? "" : ", ", cases[first]->id,
                          last > first ? " .. " + cases[last]->id : "", last - first + 1);
      first = last + 1;
    }
    return text;
  }

  void show_progress(const session::CaseResult& result) {
    if (!progress_) return;
    std::fputs(fmt::format("\r\x1b[K[{}/{}] {}", done_, total_, result.test_case->id).c_str(), out_);
    std::fflush(out_);
  }
  void clear_progress() {
    if (progress_) std::fputs("\r\x1b[K", out_);
  }

  void line(const std::string& text) {
    if (options_.quiet) return;
    clear_progress();
    write_text(out_, text + "\n");
  }

  OutputOptions options_;
  std::FILE* out_;
  Style style_;
  bool progress_;
  std::size_t done_ = 0, total_ = 0;
};

class JsonCheck : public CheckReporter {
 public:
  explicit JsonCheck(std::FILE* out) : out_(out) {}

  void start(const CheckPlan& plan) override {
    JsonWriter json = json_event("plan");
    plan_fields(json, plan);
    emit_json_line(json, out_);
  }

  void case_done(const session::CaseResult& result) override {
    JsonWriter json = json_event("case");
    case_fields(json, result);
    emit_json_line(json, out_);
  }

  void finish(const std::vector<session::CaseResult>&, const CheckTotals& t, const RunEnd& end) override {
    JsonWriter json = json_summary("check", end);
    totals_fields(json, t);
    emit_json_line(json, out_);
  }

  static void plan_fields(JsonWriter& json, const CheckPlan& plan) {
    json.field("profile", plan.profile).field("reason", plan.reason).field("cases", std::uint64_t{plan.cases.size()});
    json.key("skipped").begin_array();
    for (const conformance::Case* test_case : plan.skipped) json.value(test_case->id);
    json.end_array();
  }

  static void totals_fields(JsonWriter& json, const CheckTotals& t) {
    json.field("cases", std::uint64_t{t.cases}).field("passed", std::uint64_t{t.passed});
    json.field("non_strict", std::uint64_t{t.non_strict}).field("failed", std::uint64_t{t.failed});
    json.field("unimplemented", std::uint64_t{t.unimplemented}).field("informational", std::uint64_t{t.informational});
    json.field("duration_ms", t.seconds * 1000);
  }

 private:
  std::FILE* out_;
};

std::string detail_text(const session::CaseResult& result) {
  std::string text;
  for (const std::string& line : case_detail_lines(result, Style{}, false)) text += line + "\n";
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
    xml += fmt::format("  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" time=\"{:.3f}\">\n", markup_text(group),
                       cases.size(), section_failures, seconds);
    for (const session::CaseResult* result : cases) {
      const conformance::Case& test_case = *result->test_case;
      xml += fmt::format("    <testcase classname=\"{}\" name=\"{}\" time=\"{:.3f}\"", markup_text(group),
                         markup_text(test_case.id + " " + test_case.title), result->duration_ms / 1000);
      if (result->outcome == Outcome::pass) {
        xml += "/>\n";
        continue;
      }
      xml += ">\n";
      const std::string detail = markup_text(test_case.sentence->section + " " +
                                          std::string(codec::level_name(test_case.sentence->level)) + ": " +
                                          test_case.sentence->text + "\n" + detail_text(*result));
      if (failing(*result)) {
        xml += fmt::format("      <failure message=\"{}\" type=\"{}\">{}</failure>\n", markup_text(result->summary),
                           codec::outcome_name(result->outcome), detail);
      } else {
        xml += fmt::format("      <system-out>{}: {}\n{}</system-out>\n", codec::outcome_name(result->outcome),
                           markup_text(result->summary), detail);
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

void print_case_list(const std::vector<const conformance::Case*>& cases, const OutputOptions& options, std::FILE* out) {
  for (const conformance::Case* test_case : cases) {
    if (!options.json) {
      write_text(out, fmt::format("{:<22} {:<8} {:<16} {:<6} {}\n", test_case->id, test_case->autobahn.value_or("-"),
                                  test_case->sentence->section, codec::level_name(test_case->sentence->level),
                                  test_case->title));
      continue;
    }
    JsonWriter json = json_event("listed");
    json.field("id", test_case->id).field("autobahn", test_case->autobahn).field("title", test_case->title);
    json.field("section", test_case->sentence->section).field("level", codec::level_name(test_case->sentence->level));
    emit_json_line(json, out, false);
  }
  if (!options.json) return;
  JsonWriter summary = json_summary("check", {"done", exit_ok, std::nullopt});
  summary.field("cases", std::uint64_t{cases.size()});
  emit_json_line(summary, out);
}

std::string check_report_json(const std::vector<session::CaseResult>& results, const CheckPlan& plan,
                              const CheckTotals& totals, int exit_code) {
  JsonWriter json;
  json.begin_object().key("plan").begin_object();
  JsonCheck::plan_fields(json, plan);
  json.end_object().key("cases").begin_array();
  for (const session::CaseResult& result : results) {
    json.begin_object();
    case_fields(json, result);
    json.end_object();
  }
  json.end_array().key("summary").begin_object();
  JsonCheck::totals_fields(json, totals);
  json.field("exit_code", exit_code);
  json.end_object().end_object();
  return json.text() + "\n";
}

std::string close_text(const session::CloseBehaviour& close) {
  return fmt::format("close: by {}, {}{}", close.closed_by, close.clean ? "clean" : "not clean",
                     close.code ? fmt::format(", code {}", *close.code) : std::string(", no code"));
}

std::vector<std::string> exchange_lines(const session::CaseResult& result, const Style& style, bool show_secrets) {
  std::vector<std::string> lines;
  const conformance::Case& test_case = *result.test_case;
  const bool about_handshake = test_case.expect.upgrade || test_case.expect.refuse || !result.run;
  if (about_handshake && result.request) {
    for (const std::string& head : request_head_lines(*result.request, show_secrets)) lines.push_back(head);
  }
  if (about_handshake && result.response) {
    for (const std::string& head : response_head_lines(*result.response, show_secrets, false)) lines.push_back(head);
  }
  if (!result.run) return lines;
  const session::Reaction& reaction = result.run->reaction;
  for (const session::ExchangedFrame& frame : reaction.exchanged) {
    lines.push_back(frame_line(frame.outgoing, frame.header, frame.preview) + style.dim(fmt::format("  {:.1f} ms", frame.at_ms)));
  }
  const std::uint64_t all = reaction.frames_sent + reaction.frames_received;
  if (all > reaction.exchanged.size()) lines.push_back(fmt::format("... {} more frames", all - reaction.exchanged.size()));
  return lines;
}

std::vector<std::string> case_detail_lines(const session::CaseResult& result, const Style& style, bool show_secrets) {
  std::vector<std::string> lines;
  for (const codec::Verdict& verdict : result.verdicts) {
    if (!verdict.passed()) lines.push_back(verdict_line(verdict, style, false));
  }
  if (result.close) {
    const session::CloseBehaviour& close = *result.close;
    std::string text = fmt::format("  {}  {}", outcome_label(close.outcome, style), close_text(close));
    if (close.outcome != Outcome::pass) text += fmt::format("; expected {} ({})", close.expected, close.detail);
    lines.push_back(text);
  }
  for (std::string& line : exchange_lines(result, style, show_secrets)) lines.push_back(std::move(line));
  return lines;
}

std::vector<std::pair<std::string, CheckTotals>> section_totals(const std::vector<session::CaseResult>& results) {
  std::vector<std::pair<std::string, CheckTotals>> sections;
  for (const session::CaseResult& result : results) {
    const std::string group(result.test_case->group());
    auto found = std::find_if(sections.begin(), sections.end(), [&](const auto& section) { return section.first == group; });
    if (found == sections.end()) found = sections.insert(sections.end(), {group, CheckTotals{}});
    CheckTotals& t = found->second;
    ++t.cases;
    HumanCheck::count(t, result.outcome);
    t.seconds += result.duration_ms / 1000;
  }
  return sections;
}

}  // namespace wsprobe::output
