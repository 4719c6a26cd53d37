#include "session/stream_health.h"

#include <fmt/format.h>

#include "codec/http_syntax.h"

namespace wsprobe::session {

std::vector<HealthWarning> StreamHealth::response(const codec::HeaderFields& headers, double request_ms,
                                                  double at_ms) {
  std::vector<HealthWarning> warnings;
  if (first_connection_) request_ms_ = request_ms;
  last_mark_ms_ = at_ms;
  if (!first_connection_) return warnings;  // headers are judged once
  first_connection_ = false;

  if (const auto encoding = codec::combined_field_value(headers, "Content-Encoding");
      encoding && !codec::iequals(*encoding, "identity")) {
    warnings.push_back({"sse.content-encoding",
                        "Content-Encoding: " + *encoding +
                            ": a compressor holds events until its buffer fills unless the server flushes each one "
                            "(send Cache-Control: no-transform, or do not compress event streams)"});
  }
  const auto cache = codec::combined_field_value(headers, "Cache-Control");
  bool no_cache = false;
  if (cache) {
    for (std::string_view directive : codec::split_list(*cache)) {
      no_cache = no_cache || codec::iequals(directive, "no-cache") || codec::iequals(directive, "no-store");
    }
  }
  if (!no_cache) {
    warnings.push_back({"sse.cache-control",
                        cache ? "Cache-Control: " + *cache + " has neither no-cache nor no-store: caches may store "
                                                             "or coalesce the stream"
                              : "no Cache-Control header: send Cache-Control: no-cache so that nothing caches "
                                "the stream"});
  }
  if (const auto type = codec::combined_field_value(headers, "Content-Type")) {
    const std::size_t charset = type->find("charset=");
    if (charset != std::string::npos) {
      std::string_view value = std::string_view(*type).substr(charset + 8);
      value = value.substr(0, value.find(';'));
      value = codec::trim_ows(value);
      if (!codec::iequals(value, "utf-8") && !codec::iequals(value, "\"utf-8\"")) {
        warnings.push_back({"sse.charset", "Content-Type: " + *type +
                                               ": event streams are always UTF-8, and Chromium refuses any other "
                                               "charset"});
      }
    }
  }
  return warnings;
}

void StreamHealth::body(std::uint64_t bytes, double at_ms) {
  if (summary_.bytes == 0 && request_ms_) summary_.first_byte_ms = at_ms - *request_ms_;
  summary_.bytes += bytes;
}

std::optional<HealthWarning> StreamHealth::timed_event(std::string_view id, double at_ms) {
  ++summary_.events;
  if (request_ms_) {
    summary_.first_event_ms = at_ms - *request_ms_;
    request_ms_.reset();
  }
  std::optional<HealthWarning> closed;
  const double gap = last_mark_ms_ ? at_ms - *last_mark_ms_ : 0;
  if (last_mark_ms_) {
    longest_gap_ms_ = std::max(longest_gap_ms_, gap);
    gap_total_ms_ += gap;
    ++gaps_;
  }
  if (burst_count_ > 0 && at_ms - burst_start_ms_ <= thresholds_.burst_window_ms) {
    ++burst_count_;
    burst_last_ms_ = at_ms;
    burst_last_id_ = id;
  } else {
    if (burst_count_ > 0) closed = close_burst();
    if (last_mark_ms_ && gap >= thresholds_.burst_silence_ms) {
      burst_count_ = 1;
      burst_start_ms_ = burst_last_ms_ = at_ms;
      burst_silence_ms_ = gap;
      burst_first_id_ = burst_last_id_ = id;
    }
  }
  last_mark_ms_ = at_ms;
  return closed;
}

// The gap figures are kept as plain sums while events arrive, and made optional here.
HealthSummary StreamHealth::summary() const {
  HealthSummary summary = summary_;
  if (gaps_ > 0) {
    summary.longest_gap_ms = longest_gap_ms_;
    summary.mean_gap_ms = gap_total_ms_ / static_cast<double>(gaps_);
  }
  return summary;
}

std::optional<HealthWarning> StreamHealth::connection_end() {
  last_mark_ms_.reset();
  return close_burst();
}

std::optional<HealthWarning> StreamHealth::close_burst() {
  const std::uint64_t count = burst_count_;
  burst_count_ = 0;
  if (count < thresholds_.burst_events) return std::nullopt;
  ++summary_.bursts;
  std::string ids;
  if (!burst_first_id_.empty()) ids = fmt::format(" (ids {} to {})", burst_first_id_, burst_last_id_);
  return HealthWarning{
      "sse.burst",
      fmt::format("{} events arrived within {:.1f} ms after {:.1f} s of silence{}: something between the server and "
                  "wsprobe is buffering the stream (a proxy with response buffering, such as nginx's proxy_buffering "
                  "on, or a compressor)",
                  count, burst_last_ms_ - burst_start_ms_, burst_silence_ms_ / 1000, ids)};
}

}  // namespace wsprobe::session
