#include "session/sse_endpoint.h"

#include <algorithm>
#include <charconv>

#include "codec/http_syntax.h"

namespace wsprobe::session {
namespace {

std::optional<std::uint64_t> number(std::string_view text) {
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// "a=1&b=text%2Fplain": the value of `name`, with %2F and %3B decoded (enough for a
// Content-Type); nullopt when absent.
std::optional<std::string> query_value(std::string_view query, std::string_view name) {
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    const std::size_t equals = pair.find('=');
    if (pair.substr(0, equals) != name) continue;
    std::string value(equals == std::string_view::npos ? std::string_view() : pair.substr(equals + 1));
    for (auto [code, text] : {std::pair{"%2F", "/"}, {"%2f", "/"}, {"%3B", ";"}, {"%3b", ";"}, {"%20", " "}}) {
      for (std::size_t at; (at = value.find(code)) != std::string::npos;) value.replace(at, 3, text);
    }
    return value;
  }
  return std::nullopt;
}

// A query value fit to be echoed into a header or a field line: printable ASCII only.
bool is_printable_token_text(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return c >= 0x20 && c < 0x7f; });
}

}  // namespace

std::optional<SseEndpoint> SseEndpoint::for_request(const codec::RequestHead& request, const SseOptions& options,
                                                    Clock::time_point now) {
  const std::string_view target = request.target;
  const std::size_t question = target.find('?');
  if (request.method != "GET" || target.substr(0, question) != "/sse") return std::nullopt;
  if (const auto upgrade = codec::combined_field_value(request.fields, "Upgrade")) {
    for (std::string_view token : codec::split_list(*upgrade)) {
      if (codec::iequals(token, "websocket")) return std::nullopt;
    }
  }
  const std::string_view query = question == std::string_view::npos ? std::string_view() : target.substr(question + 1);

  SseEndpoint endpoint;
  endpoint.target_ = request.target;
  endpoint.interval_ = std::max(options.interval, std::chrono::milliseconds(1));
  endpoint.retry_ = options.retry;
  if (const auto value = query_value(query, "status"); value && number(*value)) {
    endpoint.status_ = static_cast<int>(std::clamp<std::uint64_t>(*number(*value), 100, 599));
  }
  if (const auto value = query_value(query, "type")) endpoint.content_type_ = *value;
  if (const auto value = query_value(query, "close-after")) endpoint.close_after_ = number(*value);
  if (const auto value = query_value(query, "burst"); value && number(*value)) {
    endpoint.burst_ = std::clamp<std::uint64_t>(*number(*value), 1, 1000);
  }
  if (const auto value = query_value(query, "interval"); value && number(*value)) {
    endpoint.interval_ = std::chrono::milliseconds(std::clamp<std::uint64_t>(*number(*value), 1, 3'600'000));
  }
  if (const auto value = query_value(query, "retry"); value && number(*value)) {
    endpoint.retry_ = std::chrono::milliseconds(std::min<std::uint64_t>(*number(*value), 3'600'000));
  } else if (value && is_printable_token_text(*value)) {
    endpoint.retry_text_ = *value;
  }
  if (const auto value = query_value(query, "cache-control"); value && is_printable_token_text(*value)) {
    endpoint.cache_control_ = *value;
  }
  const bool resumes = query_value(query, "resume") != "0";
  if (const auto last = codec::combined_field_value(request.fields, "Last-Event-ID"); last && resumes) {
    if (const auto id = number(codec::trim_ows(*last)); id && *id < UINT64_MAX) endpoint.next_id_ = *id + 1;
  }
  // A burst is the events of `burst` intervals, sent when the last of them is due.
  endpoint.next_due_ = now + endpoint.interval_ * static_cast<long>(endpoint.burst_);
  return endpoint;
}

std::string SseEndpoint::start() {
  std::string head = "HTTP/1.1 " + std::to_string(status_) + (status_ == 200 ? " OK" : " Status") + "\r\n";
  if (!content_type_.empty()) head += "Content-Type: " + content_type_ + "\r\n";
  if (!cache_control_.empty()) head += "Cache-Control: " + cache_control_ + "\r\n";
  head += "Connection: close\r\n";
  if (status_ == 204) {
    over_ = true;
    return head + "Content-Length: 0\r\n\r\n";
  }
  head += "\r\n";
  // A comment at once: intermediaries that time the first body byte see one.
  head += ": wsprobe serve\n\n";
  if (retry_) head += "retry: " + std::to_string(retry_->count()) + "\n\n";
  if (retry_text_) head += "retry: " + *retry_text_ + "\n\n";
  if (status_ != 200) over_ = true;  // a refusal is one body, then the end
  return head;
}

std::string SseEndpoint::due(Clock::time_point now) {
  std::string events;
  while (!over_ && now >= next_due_) {
    for (std::uint64_t i = 0; i < burst_ && !over_; ++i) {
      events += "id: " + std::to_string(next_id_) + "\ndata: tick " + std::to_string(next_id_) + "\n\n";
      ++next_id_;
      ++sent_;
      over_ = close_after_ && sent_ >= *close_after_;
    }
    next_due_ += interval_ * static_cast<long>(burst_);
  }
  return events;
}

void SseEndpoint::postpone(Clock::time_point now) { next_due_ = now + interval_; }

std::optional<SseEndpoint::Clock::time_point> SseEndpoint::next_due() const {
  if (over_) return std::nullopt;
  return next_due_;
}

std::string SseEndpoint::describe() const {
  return "sse " + target_ + " from id " + std::to_string(next_id_);
}

}  // namespace wsprobe::session
