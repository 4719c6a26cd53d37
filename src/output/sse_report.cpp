#include "output/sse_report.h"

#include <fmt/format.h>

#include <chrono>
#include <cstdio>

#include "base/escape.h"
#include "output/clock_text.h"
#include "output/json.h"
#include "output/json_lines.h"
#include "output/record_buffer.h"
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

// The time text of the read being printed. The events of one read arrived together
// and share it, so the clock and the calendar are read once a read, not once an event.
class ReadStamp {
 public:
  using Format = std::string (*)(std::chrono::system_clock::time_point);
  explicit ReadStamp(Format format) : format_(format) {}

  const std::string& at(double read_ms) {
    if (read_ms != read_ms_) {
      read_ms_ = read_ms;
      text_ = format_(std::chrono::system_clock::now());
    }
    return text_;
  }

 private:
  Format format_;
  double read_ms_ = -1;
  std::string text_;
};

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

  void event(const codec::SseEvent& event, double at_ms) override {
    if (!events_shown_) return;  // kept apart so that -q pays nothing more per event
    print_event(event, at_ms);
  }

  void print_event(const codec::SseEvent& event, double at_ms) {
    // The time and the type start the line; both stay the same over many events.
    if (at_ms != head_ms_ || event.type != head_type_) {
      head_ms_ = at_ms;
      head_type_ = event.type;
      head_.clear();
      start_line(head_, at_ms);
      head_.append(style_.bold_on());
      append_escaped_for_terminal(head_, event.type);
      head_.append(style_.off());
    }
    std::string& text = records_.text();
    text.append(head_);
    if (!event.last_event_id.empty()) {
      text += " id=";
      append_escaped_for_terminal(text, event.last_event_id);
    }
    const std::string_view data = event.data;
    if (data.find('\n') == std::string_view::npos) {
      text += "  ";
      append_data_line(text, data);
      text += '\n';
    } else {
      text += '\n';
      for (std::size_t start = 0, end = 0; end != std::string_view::npos; start = end + 1) {
        end = data.find('\n', start);
        text += "    ";
        append_data_line(text, data.substr(start, end - start));
        text += '\n';
      }
    }
    records_.end_record();
  }

  void comment(std::string_view comment, double at_ms) override {
    if (!options_.show_comments || options_.common.raw) return;
    std::string& text = records_.text();
    start_line(text, at_ms);
    text.append(style_.dim_on()).append(":");
    append_escaped_for_terminal(text, comment);
    text.append(style_.off()).append("\n");
    records_.end_record();
  }

  void body(codec::ByteView raw) override {
    if (!options_.common.raw) return;
    records_.text().append(codec::as_chars(raw));
    records_.end_record();
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

  void idle() override { records_.flush(); }

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

  // The read's time of day, dim, and a space.
  void start_line(std::string& text, double at_ms) {
    text.append(style_.dim_on()).append(stamp_.at(at_ms)).append(style_.off()).append(" ");
  }
  // A data line, quoted when blank or when spaces at its ends would not show.
  static void append_data_line(std::string& text, std::string_view data) {
    const bool quote = data.empty() || data.front() == ' ' || data.back() == ' ' || data.front() == '\t' ||
                       data.back() == '\t';
    if (quote) text += '"';
    append_escaped_for_terminal(text, data);
    if (quote) text += '"';
  }

  // Status lines, with the time: to stderr under --raw, so that stdout holds the stream alone.
  void note(const std::string& line) {
    records_.flush();  // the events before it first
    if (options_.common.quiet) return;
    std::FILE* stream = options_.common.raw ? stderr : out_;
    write_text(stream, style_.dim(time_of_day()) + " " + line + "\n");
  }

  SseOutputOptions options_;
  std::FILE* out_;
  Style style_;
  RecordBuffer records_{out_};
  ReadStamp stamp_{&time_of_day};
  // The start of an event's line, for the read at head_ms_ and the type head_type_.
  double head_ms_ = -1;
  std::string head_type_, head_;
  const bool events_shown_ = !options_.common.raw && !options_.common.quiet;
};

class JsonLinesReporter : public session::EventSourceObserver {
 public:
  JsonLinesReporter(const SseOutputOptions& options, std::FILE* out) : options_(options), records_(out) {}

  void open(const net::HttpResponseInfo& response) override {
    JsonWriter json = json_event("open");
    json.field("status", std::int64_t{response.status}).field("version", "HTTP/" + response.http_version);
    json.field("url", response.final_url).field("redirects", std::int64_t{response.redirects});
    json.field("head_ms", response.head_ms);
    headers_field(json, response.headers, options_.common.show_secrets);
    emit(json);
  }

  void refused(const net::HttpResponseInfo& response, std::string_view body, bool complete) override {
    JsonWriter json = json_event("refused");
    json.field("status", std::int64_t{response.status}).field("version", "HTTP/" + response.http_version);
    json.field("url", response.final_url);
    headers_field(json, response.headers, options_.common.show_secrets);
    json.field("body", body).field("body_complete", complete);
    emit(json);
  }

  // A fast stream brings millions of events, so a record is the event's data between a
  // head and a tail that change only with the read ("ts", "at_ms"), the type or the id.
  void event(const codec::SseEvent& event, double at_ms) override {
    const bool new_read = at_ms != parts_ms_;
    parts_ms_ = at_ms;
    if (new_read || event.type != head_type_) make_event_head(event.type, at_ms);
    if (new_read || event.last_event_id != tail_id_) make_event_tail(event.last_event_id, at_ms);
    std::string& text = records_.text();
    text.append(event_head_);
    append_json_string(text, event.data);
    text.append(event_tail_);
    records_.end_record();
  }

  void comment(std::string_view text, double at_ms) override {
    if (!options_.show_comments) return;
    start_json_event(record_, "comment", stamp_.at(at_ms));
    record_.field("text", text).field("at_ms", at_ms);
    emit_json_line(record_, records_);
  }

  void body(codec::ByteView) override {}

  void retry(std::uint64_t milliseconds) override {
    JsonWriter json = json_event("retry");
    json.field("reconnection_ms", milliseconds);
    emit(json);
  }

  void discarded(std::string_view what) override {
    if (!options_.common.verbose) return;
    JsonWriter json = json_event("discarded");
    json.field("text", what);
    emit(json);
  }

  void warning(const session::HealthWarning& warning) override {
    JsonWriter json = json_event("warning");
    json.field("id", warning.id).field("message", warning.message);
    emit(json);
  }

  void error(const std::string& message, bool reconnecting) override {
    JsonWriter json = json_event("error");
    json.field("message", message).field("reconnecting", reconnecting);
    emit(json);
  }

  void reconnect(std::chrono::milliseconds delay, const std::string& last_event_id, std::uint64_t attempt) override {
    JsonWriter json = json_event("reconnect");
    json.field("retry_in_ms", std::int64_t{delay.count()}).field("last_event_id", last_event_id);
    json.field("attempt", attempt);
    emit(json);
  }

  void idle() override { records_.flush(); }

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
    emit(json);
  }

 private:
  // {"type":"event","ts":"...","event":"TYPE","data":  as json_event and JsonWriter write it.
  void make_event_head(std::string_view type, double at_ms) {
    head_type_ = type;
    start_json_event(record_, "event", stamp_.at(at_ms));
    record_.field("event", type).key("data");
    event_head_ = record_.text();
  }

  // ,"id":"ID","at_ms":N} and the line's end.
  void make_event_tail(std::string_view id, double at_ms) {
    tail_id_ = id;
    event_tail_ = ",\"id\":";
    append_json_string(event_tail_, id);
    event_tail_ += ",\"at_ms\":";
    append_json_number(event_tail_, at_ms);
    event_tail_ += "}\n";
  }

  // A record other than an event goes out at once, after the events before it.
  void emit(JsonWriter& json) {
    emit_json_line(json, records_);
    records_.flush();
  }

  SseOutputOptions options_;
  RecordBuffer records_;
  JsonWriter record_;
  ReadStamp stamp_{&rfc3339_utc};
  double parts_ms_ = -1;  // the read the parts below were made for
  std::string head_type_, event_head_;
  std::string tail_id_, event_tail_;
  const std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
};

}  // namespace

std::unique_ptr<session::EventSourceObserver> make_sse_reporter(const SseOutputOptions& options, std::FILE* out) {
  if (options.common.json) return std::make_unique<JsonLinesReporter>(options, out);
  return std::make_unique<HumanReporter>(options, out);
}

}  // namespace wsprobe::output
