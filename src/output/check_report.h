#pragma once
// What `wsprobe check` prints: each case as it ends (the ones that did not pass, or
// all with -v), a table per section, and the final count line; JSON Lines with
// --json; and the whole run as one JSON document for --json-report.
#include <cstdio>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "output/options.h"
#include "output/style.h"
#include "session/check_case.h"

namespace wsprobe::output {

struct CheckTotals {
  std::size_t cases = 0, passed = 0, non_strict = 0, failed = 0, unimplemented = 0, informational = 0;
  double seconds = 0;
};

CheckTotals totals_of(const std::vector<session::CaseResult>& results, double seconds);
// Text for XML and HTML: peer bytes made safe first (XML 1.0 cannot carry most
// controls at all), then the markup characters escaped.
std::string markup_text(std::string_view text);

// "N cases, N passed, N non-strict, N failed, N unimplemented, N informational (X s)"
std::string totals_line(const CheckTotals& totals);

// What the run covers: the profile, why it was chosen, and the selected cases it runs
// and leaves out.
struct CheckPlan {
  std::string profile;  // "echo" or "no-echo"
  std::string reason;
  std::vector<const conformance::Case*> cases, skipped;
};

class CheckReporter {
 public:
  virtual ~CheckReporter() = default;
  virtual void start(const CheckPlan& plan) = 0;
  virtual void case_done(const session::CaseResult& result) = 0;
  virtual void finish(const std::vector<session::CaseResult>& results, const CheckTotals& totals, const RunEnd& end) = 0;
};

std::unique_ptr<CheckReporter> make_check_reporter(const OutputOptions& options, std::FILE* out);

// The whole run as one JSON document: every case with its outcome, duration, summary,
// verdicts and frames counted, then the totals.
// --list: the cases' ids, Autobahn numbers, sections, levels and titles, as a table
// or, with --json, one 'listed' record each and the summary.
void print_case_list(const std::vector<const conformance::Case*>& cases, const OutputOptions& options, std::FILE* out);

std::string check_report_json(const std::vector<session::CaseResult>& results, const CheckPlan& plan,
                              const CheckTotals& totals, int exit_code);

// Why a case did not pass, and what was exchanged, as lines of text: the verdicts
// that did not pass with expected and observed, the close, the opening request and
// response when the case is about them, and the frames both ways.
std::vector<std::string> case_detail_lines(const session::CaseResult& result, const Style& style, bool show_secrets);
// Just the exchange: the opening request and response when the case is about them, and
// the frames both ways.
std::vector<std::string> exchange_lines(const session::CaseResult& result, const Style& style, bool show_secrets);

// Totals per section, in the order the results first name them.
std::vector<std::pair<std::string, CheckTotals>> section_totals(const std::vector<session::CaseResult>& results);

// "close: by wsprobe, clean, code 1000"
std::string close_text(const session::CloseBehaviour& close);

// The run as JUnit XML, as CI systems read it: a testsuite per section, a testcase per
// case, a <failure> for each failed case (and each non-strict one with `strict`).
std::string check_report_junit(const std::vector<session::CaseResult>& results, const CheckTotals& totals, bool strict);

}  // namespace wsprobe::output
