// wsprobe check URL: the conformance catalogue run against a server, case by case,
// each on a connection of its own, for CI: a count line, section tables, JSON, and
// exit 1 when a case fails.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <fstream>
#include <optional>

#include "base/errors.h"
#include "cmd/client_common.h"
#include "cmd/commands.h"
#include "conformance/catalogue.h"
#include "net/signals.h"
#include "output/check_report.h"
#include "output/style.h"
#include "session/check_case.h"

namespace wsprobe::cmd {
namespace {

struct CheckOptions {
  cli::ClientOptions client;
  cli::OutputOptions output;
  std::vector<std::string> cases, exclude;
  bool list = false;
  bool strict = false;
  std::string json_report, junit;
  Milliseconds case_timeout{10'000};
  Milliseconds wait{1000};
};

bool selected(const conformance::Case& test_case, const CheckOptions& options) {
  auto matches = [&test_case](const std::string& prefix) {
    return test_case.id.starts_with(prefix) || (test_case.autobahn && test_case.autobahn->starts_with(prefix));
  };
  const bool included = options.cases.empty() || std::any_of(options.cases.begin(), options.cases.end(), matches);
  return included && std::none_of(options.exclude.begin(), options.exclude.end(), matches);
}

std::vector<const conformance::Case*> selection(const CheckOptions& options) {
  std::vector<const conformance::Case*> cases;
  for (const conformance::Case& test_case : conformance::builtin_catalogue().cases()) {
    if (selected(test_case, options)) cases.push_back(&test_case);
  }
  if (cases.empty()) throw usage_error("no case matches --cases and --exclude", "wsprobe check --list shows the ids");
  return cases;
}

int list_cases(const std::vector<const conformance::Case*>& cases) {
  for (const conformance::Case* test_case : cases) {
    output::write_text(stdout, fmt::format("{:<22} {:<8} {:<16} {:<6} {}\n", test_case->id,
                                           test_case->autobahn.value_or("-"), test_case->sentence->section,
                                           codec::level_name(test_case->sentence->level), test_case->title));
  }
  return exit_ok;
}

// A report file, opened before the run so that a path that cannot be written is a
// usage error at once, not after every case has run. Closed (nullopt) without a path.
std::optional<std::ofstream> open_report(std::string_view option, const std::string& path) {
  if (path.empty()) return std::nullopt;
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  if (!file) throw usage_error(std::string(option) + " " + path + " cannot be written");
  return file;
}

void write_report(std::optional<std::ofstream>& file, const std::string& text) {
  if (file) *file << text;
}

int run_check(const CheckOptions& options) {
  const std::vector<const conformance::Case*> cases = selection(options);
  if (options.list) return list_cases(cases);
  if (options.client.url.empty()) throw usage_error("check needs a URL (or --list)");
  std::optional<std::ofstream> json_report = open_report("--json-report", options.json_report);
  std::optional<std::ofstream> junit = open_report("--junit", options.junit);

  cli::OutputOptions quiet_opening = options.output;
  quiet_opening.verbose = false;  // one handshake per case: -v shows the cases, not every head
  const session::Opener open = [&](net::Deadline deadline) {
    OpenedSession opened = open_session(options.client, deadline, quiet_opening);
    return session::OpenedConnection{std::move(opened.connection), std::move(opened.exchange.after_head),
                                     opened.engine(options.client)};
  };
  const session::CaseSettings settings{.wait = options.wait, .timeout = options.case_timeout};
  const auto reporter = output::make_check_reporter(options.output, stdout);
  const std::atomic<bool>& stop = net::stop_requested_on_signal();
  const auto started = net::Clock::now();
  std::vector<session::CaseResult> results;
  for (const conformance::Case* test_case : cases) {
    if (stop) break;
    results.push_back(session::run_case(*test_case, open, settings));
    // A server that cannot be reached at all is no conformance result: exit 3 (or 4).
    const session::CaseResult& first = results.front();
    if (results.size() == 1 && first.open_error && first.open_error != ErrorKind::refused) {
      throw Error(*first.open_error, first.summary);
    }
    reporter->case_done(results.back());
  }
  const output::CheckTotals totals = output::totals_of(results, net::elapsed_ms(started) / 1000);
  const bool failed = totals.failed > 0 || (options.strict && totals.non_strict > 0);
  const ExitCode code = failed ? exit_refused : exit_ok;
  reporter->finish(results, totals, code);
  write_report(json_report, output::check_report_json(results, totals, code));
  write_report(junit, output::check_report_junit(results, totals, options.strict));
  if (stop) throw Error(ErrorKind::refused, "interrupted after " + std::to_string(results.size()) + " cases");
  if (failed) {
    throw Error(ErrorKind::refused, fmt::format("{} of {} cases failed{}", totals.failed + (options.strict ? totals.non_strict : 0),
                                                totals.cases, options.strict ? " or were non-strict" : ""));
  }
  return exit_ok;
}

}  // namespace

cli::Run setup_check(CLI::App& app) {
  auto options = std::make_shared<CheckOptions>();
  cli::add_client_options(app, options->client);
  app.get_option("url")->required(false);  // --list needs none
  cli::add_output_options(app, options->output);
  app.add_option("--cases", options->cases, "run only cases whose id or Autobahn number starts so (repeatable)")
      ->type_name("PREFIX");
  app.add_option("--exclude", options->exclude, "leave out cases whose id or Autobahn number starts so (repeatable)")
      ->type_name("PREFIX");
  app.add_flag("--list", options->list, "list the cases (id, Autobahn number, RFC section, level, title); send nothing");
  cli::add_strict_option(app, options->strict);
  app.add_option("--json-report", options->json_report, "write every case's result to FILE as one JSON document")
      ->type_name("FILE");
  app.add_option("--junit", options->junit, "write JUnit XML to FILE: a testsuite per section, a testcase per case")
      ->type_name("FILE");
  cli::add_duration_option(app, "--case-timeout", options->case_timeout, "the most one case may take (default 10s)");
  cli::add_duration_option(app, "--wait", options->wait,
                           "how long a case waits for the server's reaction to its frames (default 1s)");
  app.footer(std::string(
                 "Each case opens its own connection, sends its frames as the catalogue writes them and judges the\n"
                 "server's reaction; the server must echo text and binary messages. The cases follow\n"
                 "Autobahn|Testsuite's by section (framing, pingpong, reserved, opcodes, fragmentation, utf8,\n"
                 "close) and keep its numbers; receiving adds frames Autobahn never sends.\n"
                 "\n") +
             verdict_help +
             "\n"
             "Examples:\n"
             "  wsprobe check ws://127.0.0.1:9001/\n"
             "  wsprobe check ws://127.0.0.1:9001/ --cases utf8/6.4 --cases 7.9 -v\n"
             "  wsprobe check --list --cases close\n");
  return [options] { return run_check(*options); };
}

}  // namespace wsprobe::cmd
