#pragma once
// `wsprobe check --html FILE`: the run as one self-contained page, the way
// Autobahn|Testsuite's report is the page its users look at. A table of totals per
// section, then each section's cases as coloured rows; each row opens (a <details>
// element: no script) to show the RFC sentence, every verdict with what was expected
// and observed, the close, and the frames exchanged.
#include <string>
#include <vector>

#include "output/check_report.h"

namespace wsprobe::output {

struct HtmlReportContext {
  std::string url;      // the endpoint checked
  std::string started;  // when the run began, RFC 3339
  bool strict = false;
};

std::string check_report_html(const std::vector<session::CaseResult>& results, const CheckPlan& plan,
                              const CheckTotals& totals, const HtmlReportContext& context);

}  // namespace wsprobe::output
