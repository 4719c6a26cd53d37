// wsprobe check URL: the conformance catalogue run against a server, case by case,
// each on a connection of its own, for CI: a count line, section tables, JSON, and
// exit 1 when a case fails.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <optional>
#include <thread>

#include "base/errors.h"
#include "cmd/client_common.h"
#include "cmd/commands.h"
#include "conformance/catalogue.h"
#include "net/signals.h"
#include "output/check_html.h"
#include "output/check_report.h"
#include "output/clock_text.h"
#include "output/style.h"
#include "session/check_case.h"
#include "session/sse_check.h"

namespace wsprobe::cmd {
namespace {

struct CheckOptions {
  cli::ClientOptions client;
  cli::OutputOptions output;
  std::vector<std::string> cases, exclude;
  bool list = false;
  bool strict = false;
  std::string profile = "auto";
  std::size_t jobs = default_jobs();
  std::string json_report, junit, html;
  Milliseconds case_timeout{10'000};
  Milliseconds wait{1000};
  bool sse = false;
  Milliseconds sse_window{5000};
  Milliseconds first_event{5000};
  Milliseconds keep_alive{15'000};

  // Cases mostly wait on the server: several per core keep both busy.
  static std::size_t default_jobs() { return std::clamp<std::size_t>(4 * std::thread::hardware_concurrency(), 4, 16); }
};

bool selected(const conformance::Case& test_case, const CheckOptions& options) {
  if (test_case.is_sse() != options.sse) return false;  // --sse runs the event-stream cases, and only them
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

// The opening request of `wsprobe check`'s common options, with a case's changes.
codec::RequestHead case_request(const cli::ClientOptions& options, const net::WsUrl& url,
                                const conformance::RequestChanges& changes) {
  codec::HandshakeRequest request = handshake_request(options, url);
  request.headers.insert(request.headers.end(), changes.headers.begin(), changes.headers.end());
  if (changes.method) request.method = *changes.method;
  if (changes.offer) request.extensions = {changes.offer->value};
  try {
    return codec::build_request(request);
  } catch (const std::invalid_argument& bad) {
    throw usage_error(std::string("-H: ") + bad.what());
  }
}

session::CaseOpening open_case(const cli::ClientOptions& options, const net::WsUrl& url,
                               const conformance::RequestChanges& changes, net::Deadline deadline) {
  session::CaseOpening opened;
  opened.request = case_request(options, url, changes);
  opened.connection = net::Connection::open(connect_settings(options, url), deadline);
  session::OpeningExchange exchange =
      session::exchange_opening_handshake(*opened.connection, opened.request, response_deadline(options, deadline));
  opened.response = std::move(exchange.response);
  opened.response_text = std::move(exchange.response_text);
  opened.after_head = std::move(exchange.after_head);
  opened.report = codec::check_response(opened.response, opened.request);
  opened.engine = {.role = codec::Role::client,
                   .max_message_size = options.max_message_size,
                   .deflate = opened.report.negotiated.deflate};
  return opened;
}

// Whether the endpoint echoes: one text message on a connection of its own. A
// server that cannot be reached at all ends the run here, with exit 3 (or 4).
bool echoes(const session::CaseOpener& open, const CheckOptions& options) {
  const net::Deadline deadline = net::Clock::now() + options.case_timeout;
  session::CaseOpening opened = open({}, deadline);
  if (!opened.report.upgraded()) return false;
  const std::string probe = "wsprobe check: does this endpoint echo?";
  session::FrameRunSettings run;
  run.specs = {codec::parse_frame_spec("text:" + probe)};
  run.engine = opened.engine;
  run.wait = options.wait;
  run.deadline = deadline;
  run.enough = [](const session::Reaction& reaction) { return reaction.messages_received > 0; };
  const session::FrameRun ran = session::run_frames(*opened.connection, std::move(opened.after_head), run);
  return ran.reaction.messages_received == 1 &&
         ran.reaction.messages.front() == session::MessageDigest::of(codec::Opcode::text, codec::as_bytes(probe));
}

// The cases to run under the profile, and those left out with the reason.
output::CheckPlan plan(const std::vector<const conformance::Case*>& selected, const session::CaseOpener& open,
                       const CheckOptions& options) {
  output::CheckPlan plan;
  // The probe runs whatever the profile: it is also where an unreachable server ends the run.
  const bool echoed = echoes(open, options);
  const bool echo = options.profile == "echo" || (options.profile == "auto" && echoed);
  plan.profile = echo ? "echo" : "no-echo";
  if (options.profile == "auto") {
    plan.reason = echo ? "the endpoint echoed a text message" : "the endpoint did not echo a text message within --wait";
  }
  for (const conformance::Case* test_case : selected) {
    (echo || !test_case->needs_echo() ? plan.cases : plan.skipped).push_back(test_case);
  }
  return plan;
}

// The report files, opened before the run so that a path that cannot be written is
// a usage error at once.
struct ReportFiles {
  std::optional<std::ofstream> json, junit, html;
  std::string started_at = output::rfc3339_utc();

  explicit ReportFiles(const CheckOptions& options)
      : json(open_report("--json-report", options.json_report)), junit(open_report("--junit", options.junit)),
        html(open_report("--html", options.html)) {}
};

// The end of every run: totals, the reports, and the exit status.
int conclude(const std::vector<session::CaseResult>& results, const output::CheckPlan& plan, const CheckOptions& options,
             ReportFiles& files, output::CheckReporter& reporter, net::Clock::time_point started) {
  const output::CheckTotals totals = output::totals_of(results, net::elapsed_ms(started) / 1000);
  const bool failed = totals.failed > 0 || (options.strict && totals.non_strict > 0);
  const bool interrupted = net::stop_requested_on_signal();
  std::optional<Error> failure;
  if (interrupted) {
    failure = Error(ErrorKind::refused, "interrupted after " + std::to_string(results.size()) + " cases");
  } else if (failed) {
    failure = Error(ErrorKind::refused, fmt::format("{} of {} cases failed{}", totals.failed + (options.strict ? totals.non_strict : 0),
                                                    totals.cases, options.strict ? " or were non-strict" : ""));
  }
  const output::RunEnd end = output::run_end(interrupted ? "interrupted" : "done", failure);
  reporter.finish(results, totals, end);
  write_report(files.json, output::check_report_json(results, plan, totals, end.exit_code));
  write_report(files.junit, output::check_report_junit(results, totals, options.strict));
  write_report(files.html,
               output::check_report_html(results, plan, totals, {options.client.url, files.started_at, options.strict}));
  if (failure) throw *failure;
  return exit_ok;
}

int run_websocket_check(const CheckOptions& options, const std::vector<const conformance::Case*>& cases) {
  const net::WsUrl url = net::parse_ws_url(options.client.url);
  case_request(options.client, url, {});  // bad -H values are usage errors before anything is sent
  ReportFiles files(options);
  const session::CaseOpener open = [&](const conformance::RequestChanges& changes, net::Deadline deadline) {
    return open_case(options.client, url, changes, deadline);
  };
  const auto started = net::Clock::now();
  const output::CheckPlan checked = plan(cases, open, options);
  const auto reporter = output::make_check_reporter(options.output, stdout);
  reporter->start(checked);
  const session::CaseSettings settings{.wait = options.wait, .timeout = options.case_timeout};
  const std::vector<session::CaseResult> results =
      session::run_cases(checked.cases, open, settings, options.jobs, net::stop_requested_on_signal(),
                         [&](const session::CaseResult& result) { reporter->case_done(result); });
  return conclude(results, checked, options, files, *reporter, started);
}

int run_sse_check(const CheckOptions& options, const std::vector<const conformance::Case*>& cases) {
  session::SseCheckSettings settings;
  settings.request = event_stream_request(options.client);
  settings.window = options.sse_window;
  settings.first_event = options.first_event;
  settings.keep_alive = options.keep_alive;
  ReportFiles files(options);
  const auto started = net::Clock::now();
  const output::CheckPlan checked{.profile = "sse", .reason = "an event stream", .cases = cases, .skipped = {}};
  const auto reporter = output::make_check_reporter(options.output, stdout);
  reporter->start(checked);
  const std::vector<session::CaseResult> results = session::run_sse_cases(cases, settings);
  for (const session::CaseResult& result : results) reporter->case_done(result);
  return conclude(results, checked, options, files, *reporter, started);
}

int run_check(const CheckOptions& options) {
  const std::vector<const conformance::Case*> cases = selection(options);
  if (options.list) {
    output::print_case_list(cases, options.output, stdout);
    return exit_ok;
  }
  if (options.client.url.empty()) throw usage_error("check needs a URL (or --list)");
  return options.sse ? run_sse_check(options, cases) : run_websocket_check(options, cases);
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
  app.add_option("--profile", options->profile,
                 "echo: run every case (the server echoes messages); no-echo: only the cases that need no echo; "
                 "auto (default): probe whether the endpoint echoes, and choose")
      ->check(CLI::IsMember({"auto", "echo", "no-echo"}))
      ->type_name("PROFILE");
  app.add_option("--jobs,-j", options->jobs, "run N cases at a time, each on its own connection (default 4 per core, 4 to 16)")
      ->check(CLI::Range(1, 256))
      ->type_name("N");
  app.add_option("--json-report", options->json_report, "write every case's result to FILE as one JSON document")
      ->type_name("FILE");
  app.add_option("--junit", options->junit, "write JUnit XML to FILE: a testsuite per section, a testcase per case")
      ->type_name("FILE");
  app.add_option("--html", options->html,
                 "write the run to FILE as one self-contained page: coloured tables by section, each case opening to "
                 "its verdicts and frames")
      ->type_name("FILE");
  cli::add_duration_option(app, "--case-timeout", options->case_timeout, "the most one case may take (default 10s)");
  app.add_flag("--sse", options->sse, "check an event stream (an http:// or https:// URL) instead of a WebSocket server");
  cli::add_duration_option(app, "--sse-window", options->sse_window,
                           "with --sse: how long the stream is watched (default 5s)");
  cli::add_duration_option(app, "--first-event", options->first_event,
                           "with --sse: the most the first event may take (default 5s)");
  cli::add_duration_option(app, "--keep-alive", options->keep_alive,
                           "with --sse: the longest silence allowed, comments counting (default 15s)");
  cli::add_duration_option(app, "--wait", options->wait,
                           "how long a case waits for the server's reaction to its frames (default 1s)");
  app.footer(std::string(
                 "Each case opens its own connection (--jobs at a time), sends its request and frames as the\n"
                 "catalogue writes them and judges the server's reaction and, apart, its close; echo cases need a\n"
                 "server that echoes text and binary messages (--profile auto skips them otherwise, and says so).\n"
                 "The cases keep Autobahn|Testsuite's sections and numbers (framing, pingpong, reserved, opcodes,\n"
                 "fragmentation, utf8, close, limits, autofragment, compression) and add handshake, receiving and\n"
                 "deflate; --sse runs the event-stream cases. A case needing permessage-deflate that the server\n"
                 "does not agree to is unimplemented.\n"
                 "\n") +
             verdict_help +
             "\n"
             "Examples:\n"
             "  wsprobe check ws://127.0.0.1:9001/\n"
             "  wsprobe check ws://127.0.0.1:9001/ --cases utf8/6.4 --cases 7.9 -v\n"
             "  wsprobe check ws://127.0.0.1:9001/ --junit junit.xml --html report.html\n"
             "  wsprobe check --list --cases close\n"
             "  wsprobe check --sse http://127.0.0.1:9001/sse --keep-alive 20s\n");
  return [options] { return run_check(*options); };
}

}  // namespace wsprobe::cmd
