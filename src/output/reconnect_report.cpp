#include "output/reconnect_report.h"

#include <fmt/format.h>

#include <algorithm>

#include "output/clock_text.h"
#include "base/escape.h"
#include "output/json.h"
#include "output/json_lines.h"
#include "output/style.h"
#include "output/words.h"

namespace wsprobe::output {
namespace {

struct Recovery {
  double mean_ms = 0, max_ms = 0;
};

std::optional<Recovery> recovery_of(const std::vector<double>& samples) {
  if (samples.empty()) return std::nullopt;
  Recovery recovery;
  for (double sample : samples) recovery.mean_ms += sample;
  recovery.mean_ms /= static_cast<double>(samples.size());
  recovery.max_ms = *std::max_element(samples.begin(), samples.end());
  return recovery;
}

double share(const session::ReconnectSummary& s) { return s.total_ms > 0 ? 100 * s.connected_ms / s.total_ms : 0; }

class HumanReconnect : public session::ReconnectReporter {
 public:
  HumanReconnect(const OutputOptions& options, std::FILE* out)
      : options_(options), out_(out), style_(Style::for_stream(out)) {}

  void attempt(std::uint64_t number, double) override {
    if (options_.verbose) line(style_.dim(fmt::format("attempt {}", number)));
  }
  void opened(std::uint64_t attempt, double) override { line(style_.good(fmt::format("opened (attempt {})", attempt))); }
  void failed(std::uint64_t attempt, const std::string& reason, std::uint64_t in_a_row,
              std::optional<std::chrono::milliseconds> retry_in) override {
    line(style_.bad(fmt::format("attempt {} failed ({} in a row): {}", attempt, in_a_row, escape_for_terminal(reason))) +
         (retry_in ? fmt::format("; retry in {} ms", retry_in->count()) : "; giving up"));
  }
  void closed(const std::string& cause, double lived_ms, std::optional<std::chrono::milliseconds> retry_in) override {
    line(style_.bad(fmt::format("closed: {} after {:.1f} s", cause, lived_ms / 1000)) +
         (retry_in ? fmt::format("; reconnecting in {} ms", retry_in->count()) : ""));
  }
  void summary(const session::ReconnectSummary& s) override {
    std::string causes;
    for (const auto& [cause, count] : s.disconnects) causes += fmt::format("{}{} {}", causes.empty() ? "" : ", ", count, cause);
    const auto recovery = recovery_of(s.recoveries_ms);
    line(fmt::format("summary: connected {:.1f}% of {:.1f} s; {}, {}, {} failed; disconnects: {}; "
                     "recovery {}; {} received; ended: {}",
                     share(s), s.total_ms / 1000, counted(s.attempts, "attempt"), counted(s.opens, "open"), s.failures,
                     causes.empty() ? "none" : causes,
                     recovery ? fmt::format("mean {:.0f} ms, max {:.0f} ms", recovery->mean_ms, recovery->max_ms)
                              : std::string("-"),
                     counted(s.messages_received, "message"), end_words(session::reconnect_end_name(s.end))));
  }

 private:
  void line(const std::string& text) {
    if (!options_.quiet) print_timed_line(out_, style_, text);
  }
  OutputOptions options_;
  std::FILE* out_;
  Style style_;
};

class JsonReconnect : public session::ReconnectReporter {
 public:
  explicit JsonReconnect(std::FILE* out) : out_(out) {}

  void attempt(std::uint64_t number, double at_ms) override {
    JsonWriter json = json_event("attempt");
    json.field("attempt", number).field("at_ms", at_ms);
    emit_json_line(json, out_);
  }
  void opened(std::uint64_t attempt, double at_ms) override {
    JsonWriter json = json_event("open");
    json.field("attempt", attempt).field("at_ms", at_ms);
    emit_json_line(json, out_);
  }
  void failed(std::uint64_t attempt, const std::string& reason, std::uint64_t in_a_row,
              std::optional<std::chrono::milliseconds> retry_in) override {
    JsonWriter json = json_event("error");
    json.field("attempt", attempt).field("message", reason).field("in_a_row", in_a_row);
    json.field("retry_in_ms", retry_in ? std::optional<std::int64_t>(retry_in->count()) : std::nullopt);
    emit_json_line(json, out_);
  }
  void closed(const std::string& cause, double lived_ms, std::optional<std::chrono::milliseconds> retry_in) override {
    JsonWriter json = json_event("disconnect");
    json.field("cause", cause).field("lived_ms", lived_ms);
    json.field("retry_in_ms", retry_in ? std::optional<std::int64_t>(retry_in->count()) : std::nullopt);
    emit_json_line(json, out_);
  }
  void summary(const session::ReconnectSummary& s) override {
    JsonWriter json = json_summary("reconnect", run_end(session::reconnect_end_name(s.end), session::reconnect_failure(s)));
    json.field("attempts", s.attempts).field("opens", s.opens);
    json.field("failures", s.failures).field("total_ms", s.total_ms).field("connected_ms", s.connected_ms);
    json.field("connected_share", share(s) / 100).key("disconnects").begin_object();
    for (const auto& [cause, count] : s.disconnects) json.field(cause, count);
    json.end_object();
    const auto recovery = recovery_of(s.recoveries_ms);
    json.field("recovery_mean_ms", recovery ? std::optional<double>(recovery->mean_ms) : std::nullopt);
    json.field("recovery_max_ms", recovery ? std::optional<double>(recovery->max_ms) : std::nullopt);
    json.field("messages_received", s.messages_received);
    emit_json_line(json, out_);
  }

 private:
  std::FILE* out_;
};

}  // namespace

std::unique_ptr<session::ReconnectReporter> make_reconnect_reporter(const OutputOptions& options, std::FILE* out) {
  if (options.json) return std::make_unique<JsonReconnect>(out);
  return std::make_unique<HumanReconnect>(options, out);
}

}  // namespace wsprobe::output
