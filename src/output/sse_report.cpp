#include "output/sse_report.h"

#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>

#include "output/clock_text.h"
#include "base/escape.h"
#include "output/json.h"
#include "output/json_lines.h"
#include "output/session_json.h"
#include "output/style.h"
#include "output/words.h"

namespace wsprobe::output {
namespace {

using session::EndReason;

std::string end_text(EndReason reason) {
  switch (reason) {
    case EndReason::max_events: return "--max-events reached";
    case EndReason::duration: return "--duration passed";
    case EndReason::interrupted: return "interrupted";
    case EndReason::no_content: return "the server answered 204 No Content";
    case EndReason::failed: return "the stream failed";
    case EndReason::gave_up: return "gave up: --max-retries used up";
    case EndReason::unreachable: return "the stream never opened";
    case EndReason::timed_out: return "--timeout passed";
  }
  return "";
}

std::string ms_text(const std::optional<double>& ms) { return ms ? fmt::format("{:.1f} ms", *ms) : "-"; }

class HumanReporter : public session::EventSourceObserver {
 public:
  HumanReporter(const SseOutputOptions& options, std::FILE* out)
      : options_(options), out_(out), style_(Style::for_stream(out)) {}

  void open(const net::HttpResponseInfo& response) override {
    const auto type = codec::combined_field_value(response.headers, "Content-Type");
    note(fmt::format("open: {} {} over HTTP/{}, head after {:.1f} ms{}", response.status,
                     peer(type.value_or("")), response.http_version, response.head_ms,
                     response.redirects ? fmt::format(" ({} redirects to {})", response.redirects,
                                                      peer(response.final_url))
                                        : ""));
    if (!options_.common.verbose) return;
    for (const auto& field : response.headers) {
      note(fmt::format("< {}: {}", peer(field.name),
                       peer(shown_header_value(field.name, field.value, options_.common.show_secrets))));
    }
  }

  void refused(const net::HttpResponseInfo& response, std::string_view body, bool complete) override {
    const auto type = codec::combined_field_value(response.headers, "Content-Type");
    note(fmt::format("refused: {} {} over HTTP/{}, {} bytes of body{}", response.status,
                     type ? peer(*type) : "(no Content-Type)", response.http_version, body.size(),
                     complete ? "" : " (and more)"));
    if (!options_.common.verbose) return;
    for (const auto& field : response.headers) {
      note(fmt::format("< {}: {}", peer(field.name),
                       peer(shown_header_value(field.name, field.value, options_.common.show_secrets))));
    }
    for (const std::string_view text : body_lines(body)) note("< " + peer(text));
  }

  void event(const codec::SseEvent& event, double) override {
    if (options_.common.raw || options_.common.quiet) return;
    std::string head = style_.dim(time_of_day()) + " " + style_.bold(peer(event.type));
    if (!event.last_event_id.empty()) head += " id=" + peer(event.last_event_id);
    if (event.data.find('\n') == std::string::npos) {
      print(head + "  " + data_line(event.data));
      return;
    }
    print(head);
    std::size_t start = 0;
    for (;;) {
      const std::size_t end = event.data.find('\n', start);
      print("    " + data_line(std::string_view(event.data).substr(start, end - start)));
      if (end == std::string::npos) break;
      start = end + 1;
    }
  }

  void comment(std::string_view text, double) override {
    if (options_.show_comments && !options_.common.raw) print(style_.dim(time_of_day() + " :" + peer(text)));
  }

  void body(codec::ByteView raw) override {
    if (!options_.common.raw) return;
    (flush_each_ ? write_text : write_buffered)(out_, codec::as_chars(raw));
  }

  void retry(std::uint64_t milliseconds) override {
    if (options_.common.verbose) note(fmt::format("retry: reconnection time now {} ms", milliseconds));
  }

  void discarded(std::string_view what) override {
    if (options_.common.verbose) note(style_.dim("discarded: ") + peer(what));
  }

  void warning(const session::HealthWarning& warning) override {
    note(style_.bad("warning: ") + escape_for_terminal(warning.message) + style_.dim(" [" + warning.id + "]"));
  }

  // The error that ends the run goes to stderr (main prints it); here only those retried.
  void error(const std::string& message, bool reconnecting) override {
    if (reconnecting) note(style_.bad("error: ") + escape_for_terminal(message) + "; reconnecting");
  }

  void reconnect(std::chrono::milliseconds delay, const std::string& last_event_id, std::uint64_t attempt) override {
    note(fmt::format("reconnect #{} after {} ms{}", attempt, delay.count(),
                     last_event_id.empty() ? "" : " with Last-Event-ID: " + peer(last_event_id)));
  }

  void idle() override { std::fflush(out_); }

  void end(EndReason reason, const session::HealthSummary& summary, std::uint64_t reconnects,
           const session::EventSourceResult&) override {
    note(fmt::format("end: {}; {}, {}, {}, first byte {}, first event {}, longest gap {}{}", end_text(reason),
                     counted(summary.events, "event"), counted(reconnects, "reconnect"), counted(summary.bytes, "byte"),
                     ms_text(summary.first_byte_ms),
                     ms_text(summary.first_event_ms), ms_text(summary.longest_gap_ms),
                     summary.bursts ? ", " + counted(summary.bursts, "burst") : ""));
  }

 private:
  std::string peer(std::string_view text) const { return escape_for_terminal(text); }
  // A data line, quoted when blank or when spaces at its ends would not show.
  std::string data_line(std::string_view data) const {
    const bool quote = data.empty() || data.front() == ' ' || data.back() == ' ' || data.front() == '\t' ||
                       data.back() == '\t';
    return quote ? "\"" + peer(data) + "\"" : peer(data);
  }

  // Events and comments: buffered unless stdout is a terminal (status lines flush them).
  void print(const std::string& line) {
    (flush_each_ ? write_text : write_buffered)(out_, line + "\n");
  }
  // Status lines, with the time: to stderr under --raw, so that stdout holds the stream alone.
  void note(const std::string& line) {
    if (options_.common.quiet) return;
    std::FILE* stream = options_.common.raw ? stderr : out_;
    write_text(stream, style_.dim(time_of_day()) + " " + line + "\n");
  }

  SseOutputOptions options_;
  std::FILE* out_;
  Style style_;
  const bool flush_each_ = isatty(fileno(out_)) == 1;
};

class JsonLinesReporter : public session::EventSourceObserver {
 public:
  JsonLinesReporter(const SseOutputOptions& options, std::FILE* out) : options_(options), out_(out) {}

  void open(const net::HttpResponseInfo& response) override {
    JsonWriter json = json_event("open");
    json.field("status", std::int64_t{response.status}).field("version", "HTTP/" + response.http_version);
    json.field("url", response.final_url).field("redirects", std::int64_t{response.redirects});
    json.field("head_ms", response.head_ms);
    headers_field(json, response.headers, options_.common.show_secrets);
    emit_json_line(json, out_);
  }

  void refused(const net::HttpResponseInfo& response, std::string_view body, bool complete) override {
    JsonWriter json = json_event("refused");
    json.field("status", std::int64_t{response.status}).field("version", "HTTP/" + response.http_version);
    json.field("url", response.final_url);
    headers_field(json, response.headers, options_.common.show_secrets);
    json.field("body", body).field("body_complete", complete);
    emit_json_line(json, out_);
  }

  void event(const codec::SseEvent& event, double at_ms) override {
    JsonWriter json = json_event("event");
    json.field("event", event.type).field("data", event.data).field("id", event.last_event_id);
    json.field("at_ms", at_ms);
    emit_json_line(json, out_, flush_each_);
  }

  void comment(std::string_view text, double at_ms) override {
    if (!options_.show_comments) return;
    JsonWriter json = json_event("comment");
    json.field("text", text).field("at_ms", at_ms);
    emit_json_line(json, out_, flush_each_);
  }

  void body(codec::ByteView) override {}

  void retry(std::uint64_t milliseconds) override {
    JsonWriter json = json_event("retry");
    json.field("reconnection_ms", milliseconds);
    emit_json_line(json, out_);
  }

  void discarded(std::string_view what) override {
    if (!options_.common.verbose) return;
    JsonWriter json = json_event("discarded");
    json.field("text", what);
    emit_json_line(json, out_);
  }

  void warning(const session::HealthWarning& warning) override {
    JsonWriter json = json_event("warning");
    json.field("id", warning.id).field("message", warning.message);
    emit_json_line(json, out_);
  }

  void error(const std::string& message, bool reconnecting) override {
    JsonWriter json = json_event("error");
    json.field("message", message).field("reconnecting", reconnecting);
    emit_json_line(json, out_);
  }

  void reconnect(std::chrono::milliseconds delay, const std::string& last_event_id, std::uint64_t attempt) override {
    JsonWriter json = json_event("reconnect");
    json.field("retry_in_ms", std::int64_t{delay.count()}).field("last_event_id", last_event_id);
    json.field("attempt", attempt);
    emit_json_line(json, out_);
  }

  void idle() override { std::fflush(out_); }

  void end(EndReason reason, const session::HealthSummary& summary, std::uint64_t reconnects,
           const session::EventSourceResult& result) override {
    RunEnd end{session::end_reason_name(reason)};
    // A stream that never answered timed out, whatever ended the wait for it.
    if (result.failure) end = {*result.failure == ErrorKind::timeout ? "timed_out" : end.end, exit_code_for(*result.failure), result.error};
    JsonWriter json = json_summary("sse", end);
    json.field("duration_ms", std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started_).count());
    json.field("events", summary.events).field("reconnects", reconnects).field("bytes", summary.bytes);
    json.field("first_byte_ms", summary.first_byte_ms).field("first_event_ms", summary.first_event_ms);
    json.field("longest_gap_ms", summary.longest_gap_ms).field("mean_gap_ms", summary.mean_gap_ms);
    json.field("bursts", summary.bursts);
    emit_json_line(json, out_);
  }

 private:

  SseOutputOptions options_;
  std::FILE* out_;
  const bool flush_each_ = isatty(fileno(out_)) == 1;
  const std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
};

}  // namespace

std::unique_ptr<session::EventSourceObserver> make_sse_reporter(const SseOutputOptions& options, std::FILE* out) {
  if (options.common.json) return std::make_unique<JsonLinesReporter>(options, out);
  return std::make_unique<HumanReporter>(options, out);
}

}  // namespace wsprobe::output
