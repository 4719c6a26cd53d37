#include "session/sse_check.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <charconv>
#include <map>

#include "base/errors.h"
#include "codec/http_syntax.h"
#include "codec/sse.h"
#include "net/signals.h"

namespace wsprobe::session {
namespace {

using codec::Outcome;
using codec::Rule;
using codec::Verdict;

// The start of the body kept to find retry fields as they were sent.
constexpr std::size_t max_kept_body = 256 * 1024;

// What one watch of the stream saw, times in ms since the request started.
struct StreamWatch {
  std::optional<net::HttpResponseInfo> response;
  std::vector<double> event_ms;
  std::vector<std::string> event_ids;  // the last event ID string at each event
  std::vector<double> byte_ms;         // each arrival of body bytes, comments included
  std::vector<HealthWarning> bursts;
  std::string body;                    // its first max_kept_body bytes
  double ended_ms = 0;                 // when the watch ended, capped at the window
  bool server_ended = false;           // the body ended or the connection broke before the window
  std::string error;
};

class Watcher : public net::HttpStreamHandler, public codec::SseHandler {
 public:
  Watcher(StreamWatch& watch, const SseCheckSettings& settings, std::size_t stop_after_events)
      : watch_(watch), health_(settings.health), stop_after_events_(stop_after_events),
        window_end_(started_ + settings.window) {}

  bool on_response(const net::HttpResponseInfo& response) override {
    watch_.response = response;
    health_.response(response.headers, 0, now_ms());
    return response.status == 200;  // anything else is judged from the head alone
  }
  bool on_body(codec::ByteView bytes) override {
    const double at = now_ms();
    watch_.byte_ms.push_back(at);
    health_.body(bytes.size(), at);
    const std::size_t keep = std::min(bytes.size(), max_kept_body - std::min(max_kept_body, watch_.body.size()));
    watch_.body.append(codec::as_chars(bytes.first(keep)));
    return parser_.feed(bytes) && keep_going();
  }
  bool keep_going() override {
    const bool enough_events = stop_after_events_ && watch_.event_ms.size() >= stop_after_events_;
    return !enough_events && net::Clock::now() < window_end_ && !net::stop_requested_on_signal();
  }

  net::Deadline wake_by() const override { return window_end_; }

  void on_event(const codec::SseEvent& event) override {
    const double at = now_ms();
    watch_.event_ms.push_back(at);
    watch_.event_ids.emplace_back(event.last_event_id);
    if (auto burst = health_.event(event.last_event_id, at)) watch_.bursts.push_back(*burst);
  }
  void on_violation(const codec::Violation& violation) override { watch_.error = violation.describe(); }

  void finish() {
    if (auto burst = health_.connection_end()) watch_.bursts.push_back(*burst);
  }
  double now_ms() const { return net::elapsed_ms(started_); }

 private:
  StreamWatch& watch_;
  StreamHealth health_;
  codec::SseParser parser_{*this};
  const net::Clock::time_point started_ = net::Clock::now();
  std::size_t stop_after_events_;
  net::Clock::time_point window_end_;
};

// Watches the stream for the window (or until `stop_after_events` events).
StreamWatch watch(const SseCheckSettings& settings, const std::string& last_event_id, std::size_t stop_after_events) {
  StreamWatch seen;
  net::HttpStreamSettings request = settings.request;
  if (!last_event_id.empty()) request.headers.push_back("Last-Event-ID: " + last_event_id);
  Watcher watcher(seen, settings, stop_after_events);
  const net::StreamResult result = net::run_http_stream(request, watcher, net::Clock::now() + settings.window);
  watcher.finish();
  const double window_ms = static_cast<double>(settings.window.count());
  seen.ended_ms = std::min(watcher.now_ms(), window_ms);
  seen.server_ended = result.end == net::StreamEnd::body_ended || result.end == net::StreamEnd::network_error;
  if (!result.connected && result.end != net::StreamEnd::stopped) {
    throw Error(result.end == net::StreamEnd::timed_out ? ErrorKind::timeout : ErrorKind::connect,
                "the event stream could not be opened (" + result.error + ")");
  }
  if (seen.error.empty() && result.end == net::StreamEnd::network_error) seen.error = result.error;
  return seen;
}

std::string ms_text(double ms) { return fmt::format("{:.0f} ms", ms); }

Verdict judge_status(const StreamWatch& seen) {
  const long status = seen.response->status;
  Verdict verdict{Rule::sse_status, Outcome::pass, "200", std::to_string(status), ""};
  verdict.judge(status == 200);
  return verdict;
}

Verdict judge_content_type(const StreamWatch& seen) {
  const auto type = codec::combined_field_value(seen.response->headers, "Content-Type");
  Verdict verdict{Rule::sse_content_type, Outcome::pass, "text/event-stream", type, ""};
  const std::string_view essence = type ? codec::trim_ows(std::string_view(*type).substr(0, type->find(';'))) : "";
  verdict.judge(codec::iequals(essence, "text/event-stream"));
  return verdict;
}

Verdict judge_cache_control(const StreamWatch& seen) {
  const auto value = codec::combined_field_value(seen.response->headers, "Cache-Control");
  bool uncached = false;
  if (value) {
    for (const std::string_view directive : codec::split_list(*value)) {
      uncached = uncached || codec::iequals(directive, "no-cache") || codec::iequals(directive, "no-store");
    }
  }
  Verdict verdict{Rule::sse_cache_control, Outcome::pass, "no-cache or no-store", value, ""};
  verdict.judge(uncached);
  return verdict;
}

Verdict judge_first_event(const StreamWatch& seen, const SseCheckSettings& settings) {
  const double limit = static_cast<double>(settings.first_event.count());
  Verdict verdict{Rule::sse_first_event, Outcome::pass, "an event within " + ms_text(limit), std::nullopt, ""};
  if (!seen.event_ms.empty()) verdict.observed = "the first after " + ms_text(seen.event_ms.front());
  if (seen.event_ms.empty()) verdict.detail = "no event in the " + ms_text(seen.ended_ms) + " watched";
  verdict.judge(!seen.event_ms.empty() && seen.event_ms.front() <= limit);
  // A watch shorter than the limit cannot tell a late first event from none.
  if (seen.event_ms.empty() && settings.window < settings.first_event) {
    verdict.outcome = Outcome::informational;
    verdict.detail += ", shorter than the limit (--sse-window below --first-event)";
  }
  return verdict;
}

Verdict judge_unbuffered(const StreamWatch& seen) {
  Verdict verdict{Rule::sse_unbuffered, Outcome::pass, "events as they are sent",
                  fmt::format("{} events, {} burst{}", seen.event_ms.size(), seen.bursts.size(),
                              seen.bursts.size() == 1 ? "" : "s"), ""};
  if (!seen.bursts.empty()) verdict.detail = seen.bursts.front().message;
  if (seen.event_ms.size() < 2) verdict.detail = "too few events in the window to tell";
  verdict.judge(seen.bursts.empty());
  return verdict;
}

// The longest silence: before the first byte, between arrivals, and after the last
// one until the watch ended (unless the server ended the stream).
Verdict judge_keep_alive(const StreamWatch& seen, const SseCheckSettings& settings) {
  double longest = 0, last = 0;
  for (const double at : seen.byte_ms) {
    longest = std::max(longest, at - last);
    last = at;
  }
  if (!seen.server_ended) longest = std::max(longest, seen.ended_ms - last);
  const double limit = static_cast<double>(settings.keep_alive.count());
  Verdict verdict{Rule::sse_keep_alive, Outcome::pass, "a comment or an event at least every " + ms_text(limit),
                  "the longest silence " + ms_text(longest), ""};
  verdict.judge(longest <= limit);
  return verdict;
}

// Every retry field as sent: "retry" then a colon (one space after it skipped), whose
// value must be ASCII digits only or clients ignore it.
Verdict judge_retry(const StreamWatch& seen) {
  std::vector<std::string> values, bad;
  std::string_view body = seen.body;
  while (!body.empty()) {
    const std::size_t end = body.find_first_of("\r\n");
    std::string_view line = body.substr(0, end);
    body = end == std::string_view::npos ? std::string_view() : body.substr(end + 1);
    if (!line.starts_with("retry")) continue;
    std::string_view value = line.substr(5);
    if (!value.empty() && value.front() != ':') continue;  // another field name
    if (!value.empty()) value.remove_prefix(1);
    if (value.starts_with(' ')) value.remove_prefix(1);
    values.emplace_back(value);
    const bool digits = !value.empty() && std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (!digits) bad.emplace_back(value);
  }
  Verdict verdict{Rule::sse_retry, Outcome::pass, "ASCII digits only",
                  values.empty() ? std::optional<std::string>() : fmt::format("{}", fmt::join(values, ", ")), ""};
  if (values.empty()) verdict.detail = "no retry field sent";
  if (!bad.empty()) verdict.detail = "clients ignore: " + fmt::format("{}", fmt::join(bad, ", "));
  verdict.judge(bad.empty());
  return verdict;
}

bool numeric(const std::string& text, std::uint64_t& value) {
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  return error == std::errc() && end == text.data() + text.size() && !text.empty();
}

// A reconnection with the last id seen must not start over: its first event is not
// one the client had (for numeric ids: a greater one).
Verdict judge_resume(const StreamWatch& first, const std::optional<StreamWatch>& again) {
  Verdict verdict{Rule::sse_resume, Outcome::pass, "", std::nullopt, ""};
  const std::string sent = first.event_ids.empty() ? "" : first.event_ids.back();
  if (sent.empty()) {
    verdict.outcome = Outcome::informational;
    verdict.expected = "events with ids, to resume from";
    verdict.detail = first.event_ids.empty() ? "no event came while the stream was watched"
                                             : "the stream sends no ids: a reconnection cannot resume";
    return verdict;
  }
  verdict.expected = "the events after id " + sent;
  if (!again || again->event_ids.empty()) {
    verdict.detail = "no event after reconnecting with Last-Event-ID: " + sent;
    verdict.judge(false);
    return verdict;
  }
  const std::string& next = again->event_ids.front();
  verdict.observed = "first id " + next;
  std::uint64_t sent_number = 0, next_number = 0;
  const bool numbers = numeric(sent, sent_number) && numeric(next, next_number);
  const bool seen_before = std::find(first.event_ids.begin(), first.event_ids.end(), next) != first.event_ids.end();
  verdict.judge(numbers ? next_number > sent_number : !seen_before);
  if (!verdict.passed()) verdict.detail = "the stream started over";
  return verdict;
}

std::string summary_of(const Verdict& verdict) {
  if (verdict.passed()) return "as expected";
  const auto& info = codec::rule_info(verdict.rule);
  return fmt::format("{} ({} {}): expected {}, got {}{}", info.id, info.section, codec::level_name(info.level),
                     verdict.expected, verdict.observed.value_or("nothing"),
                     verdict.detail.empty() ? "" : " (" + verdict.detail + ")");
}

}  // namespace

std::vector<CaseResult> run_sse_cases(const std::vector<const conformance::Case*>& cases,
                                      const SseCheckSettings& settings) {
  const auto started = net::Clock::now();
  const StreamWatch first = watch(settings, "", 0);
  const double watched_ms = net::elapsed_ms(started);
  const bool resumes = std::any_of(cases.begin(), cases.end(), [](const auto* c) { return c->expect.sse_check == "resume"; });
  std::optional<StreamWatch> again;
  double again_ms = 0;
  if (resumes && first.response && first.response->status == 200 && !first.event_ids.empty() &&
      !first.event_ids.back().empty()) {
    const auto reconnected = net::Clock::now();
    again = watch(settings, first.event_ids.back(), 1);
    again_ms = net::elapsed_ms(reconnected);
  }
  const std::map<std::string, Verdict> verdicts = {
      {"status", judge_status(first)},
      {"content-type", judge_content_type(first)},
      {"cache-control", judge_cache_control(first)},
      {"first-event", judge_first_event(first, settings)},
      {"unbuffered", judge_unbuffered(first)},
      {"keep-alive", judge_keep_alive(first, settings)},
      {"retry", judge_retry(first)},
      {"resume", judge_resume(first, again)},
  };
  std::vector<CaseResult> results;
  for (const conformance::Case* test_case : cases) {
    const Verdict& verdict = verdicts.at(test_case->expect.sse_check);
    CaseResult result;
    result.test_case = test_case;
    result.verdicts = {verdict};
    result.outcome = verdict.outcome;
    result.summary = summary_of(verdict);
    result.duration_ms = test_case->expect.sse_check == "resume" ? again_ms : watched_ms;
    results.push_back(std::move(result));
  }
  return results;
}

}  // namespace wsprobe::session
