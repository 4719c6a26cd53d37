#include "session/ping_tracker.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <string_view>

namespace wsprobe::session {
namespace {

constexpr std::string_view ping_prefix = "wsprobe ";

double nearest_rank(const std::vector<double>& sorted, double percent) {
  const auto rank = static_cast<std::size_t>(std::ceil(percent / 100.0 * static_cast<double>(sorted.size())));
  return sorted[std::clamp<std::size_t>(rank, 1, sorted.size()) - 1];
}

}  // namespace

RttSummary summarize_rtts(const std::vector<double>& samples) {
  RttSummary summary;
  summary.samples = samples.size();
  if (samples.empty()) return summary;
  std::vector<double> sorted = samples;
  std::sort(sorted.begin(), sorted.end());
  summary.min_ms = sorted.front();
  summary.max_ms = sorted.back();
  double total = 0;
  for (double sample : samples) total += sample;
  summary.mean_ms = total / static_cast<double>(samples.size());
  summary.p50_ms = nearest_rank(sorted, 50);
  summary.p90_ms = nearest_rank(sorted, 90);
  summary.p99_ms = nearest_rank(sorted, 99);
  if (samples.size() > 1) {
    double differences = 0;
    for (std::size_t i = 1; i < samples.size(); ++i) differences += std::abs(samples[i] - samples[i - 1]);
    summary.jitter_ms = differences / static_cast<double>(samples.size() - 1);
  }
  return summary;
}

codec::Bytes PingTracker::next_ping(double now_ms) {
  const std::uint64_t sequence = next_sequence_++;
  outstanding_[sequence] = now_ms;
  const std::string text = std::string(ping_prefix) + std::to_string(sequence);
  return codec::Bytes(text.begin(), text.end());
}

void PingTracker::written(double at_ms) {
  if (const auto latest = outstanding_.find(next_sequence_ - 1); latest != outstanding_.end()) latest->second = at_ms;
}

PingTracker::PongMatch PingTracker::pong(codec::ByteView payload, double now_ms) {
  PongMatch match;
  const std::string_view text = codec::as_chars(payload);
  std::uint64_t sequence = 0;
  if (text.starts_with(ping_prefix)) {
    const std::string_view digits = text.substr(ping_prefix.size());
    const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), sequence);
    if (error != std::errc() || end != digits.data() + digits.size()) sequence = 0;
  }
  if (const auto found = outstanding_.find(sequence); sequence != 0 && found != outstanding_.end()) {
    match.sequence = sequence;
    match.rtt_ms = now_ms - found->second;
    match.late = late_.erase(sequence) > 0 || *match.rtt_ms >= pong_timeout_ms_;
    if (match.late) ++late_answered_;
    rtts_.push_back(*match.rtt_ms);
    outstanding_.erase(found);
  } else {
    ++unmatched_;
  }
  return match;
}

std::vector<std::uint64_t> PingTracker::newly_late(double now_ms) {
  std::vector<std::uint64_t> turned;
  for (const auto& [sequence, sent_at] : outstanding_) {
    if (now_ms - sent_at >= pong_timeout_ms_ && late_.insert(sequence).second) turned.push_back(sequence);
  }
  return turned;
}

std::optional<double> PingTracker::next_late_at() const {
  std::optional<double> next;
  for (const auto& [sequence, sent_at] : outstanding_) {
    if (late_.contains(sequence)) continue;
    next = std::min(next.value_or(sent_at + pong_timeout_ms_), sent_at + pong_timeout_ms_);
  }
  return next;
}

std::vector<std::pair<std::uint64_t, double>> PingTracker::finish(double now_ms) {
  std::vector<std::pair<std::uint64_t, double>> lost;
  for (const auto& [sequence, sent_at] : outstanding_) lost.emplace_back(sequence, now_ms - sent_at);
  lost_ += lost.size();
  outstanding_.clear();
  late_.clear();
  return lost;
}

}  // namespace wsprobe::session
