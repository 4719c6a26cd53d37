#include "session/event_source.h"

#include <algorithm>
#include <thread>

#include "base/errors.h"
#include "codec/http_syntax.h"

namespace wsprobe::session {
namespace {

using std::chrono::milliseconds;

bool is_event_stream(const codec::HeaderFields& headers) {
  const auto type = codec::combined_field_value(headers, "Content-Type");
  if (!type) return false;
  const std::string_view essence = codec::trim_ows(std::string_view(*type).substr(0, type->find(';')));
  return codec::iequals(essence, "text/event-stream");
}

class Run : public net::HttpStreamHandler, public codec::SseHandler {
 public:
  Run(const EventSourceSettings& settings, EventSourceObserver& observer, const std::atomic<bool>& interrupted)
      : settings_(settings),
        observer_(observer),
        interrupted_(interrupted),
        parser_(*this, settings.max_event_size),
        health_(settings.health),
        reconnection_time_(settings.reconnection_time),
        duration_end_(settings.duration ? started_ + *settings.duration : net::Deadline::max()) {
    parser_.set_last_event_id(settings.last_event_id);
  }

  EventSourceResult run() {
    for (std::uint64_t reconnects = 0;; ++reconnects) {
      net::HttpStreamSettings request = settings_.request;
      if (!parser_.last_event_id().empty()) request.headers.push_back("Last-Event-ID: " + parser_.last_event_id());
      request_ms_ = now_ms();
      const net::StreamResult result = net::run_http_stream(request, *this, settings_.deadline);
      if (refusal_) {
        observer_.refused(refusal_->response, refusal_->body, refusal_->complete && result.end == net::StreamEnd::body_ended);
        error(refusal_->why, false);
        return finish(refusal_->end, reconnects);
      }
      if (auto warning = health_.connection_end()) observer_.warning(*warning);
      parser_.end_of_body();

      if (const auto reason = bound_reached()) return finish(*reason, reconnects);
      if (ended_) return finish(*ended_, reconnects);
      if (result.end == net::StreamEnd::stopped) return finish(EndReason::interrupted, reconnects);

      // Reestablish the connection: the end of the body and network errors alike.
      const std::string why = result.end == net::StreamEnd::body_ended
                                  ? "the server ended the stream"
                                  : "connection failed (" + result.error + ")";
      // A stream that never opened is a mistyped URL or a server that is down: the
      // answer comes at once, as curl gives it, unless --max-retries asks for more.
      const bool retry = settings_.max_retries ? reconnects < *settings_.max_retries : connected_once_;
      error(why, retry);
      if (!retry) {
        gave_up_without_connecting_ = !connected_once_;
        never_answered_ = result.end == net::StreamEnd::timed_out;
        return finish(settings_.max_retries ? EndReason::gave_up : EndReason::unreachable, reconnects);
      }
      const net::Deadline wake = std::min<net::Deadline>({net::Clock::now() + reconnection_time_, settings_.deadline, duration_end_});
      while (net::Clock::now() < wake && !interrupted_) std::this_thread::sleep_for(milliseconds(10));
      if (const auto reason = bound_reached()) return finish(*reason, reconnects);
      observer_.reconnect(reconnection_time_, parser_.last_event_id(), reconnects + 1);
    }
  }

  // HttpStreamHandler
  bool on_response(const net::HttpResponseInfo& response) override {
    if (auto refusal = refusal_of(response)) {
      // Read the start of the refused body, briefly: it often says why.
      refusal_ = std::move(refusal);
      return true;
    }
    connected_once_ = true;
    observer_.open(response);
    if (settings_.max_events == 0u) ended_ = EndReason::max_events;  // --max-events 0: open, and no event
    for (const auto& warning : health_.response(response.headers, request_ms_, now_ms())) observer_.warning(warning);
    return true;
  }

  bool on_body(codec::ByteView bytes) override {
    if (refusal_) {
      const std::size_t room = refusal_body_limit - refusal_->body.size();
      refusal_->body.append(codec::as_chars(bytes.first(std::min(room, bytes.size()))));
      refusal_->complete = bytes.size() <= room;
      return refusal_->complete;
    }
    observer_.body(bytes);
    // The events of one read arrived together: one clock read serves them all.
    read_ms_ = now_ms();
    health_.body(bytes.size(), read_ms_);
    return parser_.feed(bytes) && !ended_;
  }

  bool keep_going() override {
    return !interrupted_ && !ended_ && !bound_reached() && !(refusal_ && net::Clock::now() >= refusal_->read_until);
  }
  void idle() override { observer_.idle(); }
  net::Deadline wake_by() const override {
    const net::Deadline bound = std::min(duration_end_, settings_.deadline);
    return refusal_ ? std::min(bound, refusal_->read_until) : bound;
  }

  // SseHandler
  void on_event(const codec::SseEvent& event) override {
    if (ended_) return;  // --max-events N means N, however many more the same read holds
    if (auto warning = health_.event(event.last_event_id, read_ms_)) observer_.warning(*warning);
    observer_.event(event, read_ms_);
    if (settings_.max_events && health_.events() >= *settings_.max_events) ended_ = EndReason::max_events;
  }
  void on_comment(std::string_view text) override { observer_.comment(text, read_ms_); }
  // The reconnection time used, a day at most, is what is reported.
  void on_retry(std::uint64_t ms) override {
    const std::uint64_t used = std::min<std::uint64_t>(ms, max_reconnection_ms);
    reconnection_time_ = milliseconds(static_cast<milliseconds::rep>(used));
    observer_.retry(used);
  }
  void on_discarded(std::string_view what) override { observer_.discarded(what); }
  void on_violation(const codec::Violation& violation) override {
    error(violation.describe() + ": raise --max-event-size to accept it", false);
    ended_ = EndReason::failed;
  }

 private:
  double now_ms() const { return net::elapsed_ms(started_); }

  std::optional<EndReason> bound_reached() const {
    if (interrupted_) return EndReason::interrupted;
    const auto now = net::Clock::now();
    if (now >= settings_.deadline) return EndReason::timed_out;
    if (now >= duration_end_) return EndReason::duration;
    return std::nullopt;
  }

  // Why a failure happened, in one line, for stderr and the summary.
  EventSourceResult outcome(EndReason reason, std::optional<ErrorKind> failure, std::uint64_t reconnects) const {
    if (!failure) return {};
    if (reason == EndReason::timed_out) return {failure, "--timeout passed"};
    if (reason == EndReason::interrupted) return {failure, "interrupted before the stream opened"};
    if (reason == EndReason::gave_up) {
      return {failure, "gave up after " + std::to_string(reconnects) + (reconnects == 1 ? " retry: " : " retries: ") +
                           last_error_};
    }
    return {failure, last_error_};
  }

  EventSourceResult finish(EndReason reason, std::uint64_t reconnects) {
    std::optional<ErrorKind> failure;
    switch (reason) {
      case EndReason::max_events:
      case EndReason::duration:
        break;
      case EndReason::interrupted:
        // Stopping a stream is the user's choice; stopping the wait for one that never
        // opened is no success.
        if (!connected_once_) failure = ErrorKind::connect;
        break;
      case EndReason::no_content:
        if (health_.events() == 0) failure = ErrorKind::refused;
        break;
      case EndReason::failed:
        failure = ErrorKind::refused;
        break;
      case EndReason::gave_up:
      case EndReason::unreachable:
        failure = !gave_up_without_connecting_ ? ErrorKind::refused : never_answered_ ? ErrorKind::timeout : ErrorKind::connect;
        break;
      case EndReason::timed_out:
        failure = ErrorKind::timeout;
        break;
    }
    const EventSourceResult result = outcome(reason, failure, reconnects);
    observer_.end(reason, health_.summary(), reconnects, result);
    return result;
  }

  static constexpr std::uint64_t max_reconnection_ms = 86'400'000;

  // A response EventSource does not take: the end it makes and why, in one line.
  struct Refusal {
    net::HttpResponseInfo response;
    EndReason end;
    std::string why;
    std::string body;  // its first refusal_body_limit bytes
    bool complete = true;
    net::Deadline read_until = net::Clock::now() + milliseconds(1000);
  };
  static constexpr std::size_t refusal_body_limit = 4096;

  std::optional<Refusal> refusal_of(const net::HttpResponseInfo& response) const {
    if (response.status == 204) {
      return Refusal{response, EndReason::no_content, "status 204 No Content: the server asks clients to stop (no reconnection)"};
    }
    if (response.status != 200) {
      return Refusal{response, EndReason::failed, "status " + std::to_string(response.status) +
                                                      ": EventSource accepts only 200 and fails the connection (no reconnection)"};
    }
    if (!is_event_stream(response.headers)) {
      const auto type = codec::combined_field_value(response.headers, "Content-Type");
      return Refusal{response, EndReason::failed,
                     "Content-Type " + (type ? *type : std::string("missing")) +
                         " is not text/event-stream: EventSource fails the connection (no reconnection)"};
    }
    if (settings_.request.http2_only && response.http_version != "2") {
      return Refusal{response, EndReason::failed,
                     "the server answered with HTTP/" + response.http_version + ", not HTTP/2 (--http2)"};
    }
    return std::nullopt;
  }

  void error(const std::string& why, bool reconnecting) {
    last_error_ = why;
    observer_.error(why, reconnecting);
  }

  const EventSourceSettings& settings_;
  EventSourceObserver& observer_;
  const std::atomic<bool>& interrupted_;
  codec::SseParser parser_;
  StreamHealth health_;
  milliseconds reconnection_time_;
  std::string last_error_;
  const net::Clock::time_point started_ = net::Clock::now();
  const net::Deadline duration_end_;
  double request_ms_ = 0;
  double read_ms_ = 0;  // when the read being parsed arrived
  std::optional<EndReason> ended_;
  std::optional<Refusal> refusal_;  // the response being refused, while its body is read
  bool connected_once_ = false;
  bool gave_up_without_connecting_ = false;
  bool never_answered_ = false;  // and the last attempt timed out
};

}  // namespace

std::string_view end_reason_name(EndReason reason) {
  switch (reason) {
    case EndReason::max_events: return "count";
    case EndReason::duration: return "duration";
    case EndReason::interrupted: return "interrupted";
    case EndReason::no_content: return "no_content";
    case EndReason::failed: return "failed";
    case EndReason::gave_up: return "gave_up";
    case EndReason::unreachable: return "unreachable";
    case EndReason::timed_out: return "timed_out";
  }
  return "";
}

EventSourceResult run_event_source(const EventSourceSettings& settings, EventSourceObserver& observer,
                                   const std::atomic<bool>& interrupted) {
  return Run(settings, observer, interrupted).run();
}

}  // namespace wsprobe::session
