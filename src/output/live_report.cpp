#include "output/live_report.h"

#include <fmt/format.h>
#include <openssl/evp.h>

#include <algorithm>
#include <chrono>
#include <vector>

#include "codec/close.h"
#include "codec/frame.h"
#include "output/clock_text.h"
#include "base/escape.h"
#include "output/frame_text.h"
#include "output/json.h"
#include "output/json_lines.h"
#include "output/session_json.h"
#include "output/style.h"
#include "output/words.h"
#include "output/verdict_text.h"

namespace wsprobe::output {
namespace {

constexpr std::size_t preview_limit = 256;

std::string base64(codec::ByteView bytes) {
  std::string text(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int size =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(text.data()), bytes.data(), static_cast<int>(bytes.size()));
  text.resize(static_cast<std::size_t>(size));
  return text;
}

std::string extensions_text(const codec::Negotiated& negotiated) {
  std::string text;
  for (const auto& extension : negotiated.extensions) {
    text += (text.empty() ? "" : ", ") + extension.name;
    for (const auto& param : extension.params) text += "; " + param.name + (param.value ? "=" + *param.value : "");
  }
  return text;
}

// A payload as human lines show it: text escaped (raw with --raw), binary as
// --binary-as says, cut at preview_limit bytes unless --full.
std::string payload_text(const LiveOutputOptions& options, codec::Opcode type, codec::ByteView payload) {
  const codec::ByteView shown = options.full ? payload : payload.first(std::min(payload.size(), preview_limit));
  const std::string_view chars(reinterpret_cast<const char*>(shown.data()), shown.size());
  std::string text;
  if (type == codec::Opcode::text) {
    text = options.common.raw ? std::string(chars) : escape_for_terminal(chars);
  } else {
    switch (options.binary_as) {
      case BinaryFormat::hex: text = spaced_hex(shown); break;
      case BinaryFormat::base64: text = base64(shown); break;
      case BinaryFormat::text: text = escape_for_terminal(chars); break;
      case BinaryFormat::raw: text = std::string(chars); break;
    }
  }
  if (shown.size() < payload.size()) text += fmt::format(" ... ({} bytes in all; --full shows them)", payload.size());
  return text;
}

// The pings typed as /ping, so that their pongs are shown with the round trip.
class PendingPings {
 public:
  // A peer that never answers keeps no more than the latest max_pending.
  void sent(codec::ByteView payload) {
    if (sent_at_.size() >= max_pending) sent_at_.erase(sent_at_.begin());
    sent_at_.emplace_back(codec::Bytes(payload.begin(), payload.end()), now());
  }
  // The round trip of the ping this pong answers, if it answers one.
  std::optional<double> answered(codec::ByteView payload) {
    for (auto it = sent_at_.begin(); it != sent_at_.end(); ++it) {
      if (!std::equal(payload.begin(), payload.end(), it->first.begin(), it->first.end())) continue;
      const double rtt = std::chrono::duration<double, std::milli>(now() - it->second).count();
      sent_at_.erase(it);
      return rtt;
    }
    return std::nullopt;
  }

 private:
  static constexpr std::size_t max_pending = 64;
  static std::chrono::steady_clock::time_point now() { return std::chrono::steady_clock::now(); }
  std::vector<std::pair<codec::Bytes, std::chrono::steady_clock::time_point>> sent_at_;
};

class HumanLive : public LiveReporter {
 public:
  HumanLive(const LiveOutputOptions& options, std::FILE* out)
      : options_(options), out_(out), style_(Style::for_stream(out)) {}

  void connecting(const std::string& url) override { line(style_.dim("CONNECTING " + url)); }
  void opened(const codec::Negotiated& negotiated) override {
    std::string text = "OPEN";
    if (negotiated.subprotocol) text += " subprotocol=" + escape_for_terminal(*negotiated.subprotocol);
    if (!negotiated.extensions.empty()) text += " extensions=" + escape_for_terminal(extensions_text(negotiated));
    line(style_.dim(text));
  }
  // OPEN is printed by opened(), with what was negotiated, and CLOSED by closed().
  void state(session::ReadyState state) override {
    if (state == session::ReadyState::closing) line(style_.dim("CLOSING"));
  }
  void frame(bool outgoing, const codec::FrameHeader& header, codec::ByteView payload) override {
    if (options_.common.verbose) line(style_.dim(frame_line(outgoing, header, payload)));
  }
  void message(codec::Opcode type, codec::ByteView payload) override {
    line("< " + binary_label(type, payload) + payload_text(options_, type, payload));
  }
  void sent(codec::Opcode type, codec::ByteView payload) override {
    line(style_.dim("> ") + binary_label(type, payload) + payload_text(options_, type, payload));
  }
  void ping_sent(codec::ByteView payload) override { pings_.sent(payload); }
  void ping(codec::ByteView payload) override { control("ping", payload, std::nullopt); }
  void pong(codec::ByteView payload) override { control("pong", payload, pings_.answered(payload)); }
  void closed(const session::LiveClose& close) override {
    std::string text = "CLOSED";
    if (close.violation) text += " " + style_.bad("server broke a rule: " + close.violation->describe());
    if (close.received) {
      text += close.received->code ? fmt::format(" server sent {} \"{}\"", *close.received->code,
                                                 escape_for_terminal(close.received->reason))
                                   : std::string(" server sent a Close without code");
    } else if (!close.violation) {
      text += " no Close from the server";
    }
    if (close.sent_code) text += fmt::format(", we sent {}", *close.sent_code);
    const std::string_view first = closed_by_name(close);
    text += fmt::format("; {}; closing handshake {}; TCP {}",
                        first == "nobody" ? "no Close either way" : std::string(first) + " closed first",
                        close.handshake_completed() ? "completed" : "not completed", tcp_end_words(close.tcp));
    if (!close.tcp_error.empty()) text += " (" + escape_for_terminal(close.tcp_error) + ")";
    text += fmt::format("; CloseEvent code={} wasClean={}", close.event_code(), close.was_clean());
    line(close.was_clean() ? style_.dim(text) : style_.bad(text));
  }
  void note(const std::string& text) override { line(text); }
  void finish(const session::LiveStats& stats, const RunEnd&) override {
    if (!options_.show_stats) return;
    line(fmt::format("stats: sent {}, {}; received {}, {}; send buffer high-water {}",
                     counted(stats.messages_sent, "message"), counted(stats.bytes_sent, "byte"),
                     counted(stats.messages_received, "message"), counted(stats.bytes_received, "byte"),
                     counted(stats.buffered_high_water, "byte")));
  }

 private:
  static std::string binary_label(codec::Opcode type, codec::ByteView payload) {
    return type == codec::Opcode::text ? "" : fmt::format("[binary {} bytes] ", payload.size());
  }
  // A ping or pong from the server: with --show-control, or when it answers a /ping.
  void control(std::string_view kind, codec::ByteView payload, std::optional<double> rtt_ms) {
    if (!options_.show_control && !rtt_ms) return;
    std::string text = style_.dim(fmt::format("< {} ", kind)) + escape_for_terminal(codec::as_chars(payload));
    if (rtt_ms) text += style_.dim(fmt::format(" ({:.3f} ms after the /ping)", *rtt_ms));
    line(text);
  }
  void line(const std::string& text) {
    if (!options_.common.quiet) print_timed_line(out_, style_, text);
  }

  LiveOutputOptions options_;
  std::FILE* out_;
  Style style_;
  PendingPings pings_;
};

// --data-only: each message's data on a line of its own, and nothing else, for pipes.
// Notes (input errors) go to stderr, so that stdout holds the data alone.
class DataOnlyLive : public LiveReporter {
 public:
  DataOnlyLive(const LiveOutputOptions& options, std::FILE* out) : options_(options), out_(out) {}

  void connecting(const std::string&) override {}
  void opened(const codec::Negotiated&) override {}
  void state(session::ReadyState) override {}
  void frame(bool, const codec::FrameHeader&, codec::ByteView) override {}
  void message(codec::Opcode type, codec::ByteView payload) override {
    write_text(out_, payload_text(options_, type, payload) + "\n");
  }
  void sent(codec::Opcode, codec::ByteView) override {}
  void ping_sent(codec::ByteView) override {}
  void ping(codec::ByteView) override {}
  void pong(codec::ByteView) override {}
  void closed(const session::LiveClose&) override {}
  void note(const std::string& text) override { write_text(stderr, text + "\n"); }
  void finish(const session::LiveStats&, const RunEnd&) override {}

 private:
  LiveOutputOptions options_;
  std::FILE* out_;
};

class JsonLive : public LiveReporter {
 public:
  JsonLive(const LiveOutputOptions& options, std::FILE* out) : options_(options), out_(out) {}

  void connecting(const std::string& url) override {
    JsonWriter json = json_event("state");
    json.field("state", "CONNECTING").field("url", url);
    emit_json_line(json, out_);
  }
  void opened(const codec::Negotiated& negotiated) override {
    JsonWriter json = json_event("open");
    negotiated_fields(json, negotiated);
    emit_json_line(json, out_);
  }
  void state(session::ReadyState state) override {
    JsonWriter json = json_event("state");
    json.field("state", session::ready_state_name(state));
    emit_json_line(json, out_);
  }
  void frame(bool outgoing, const codec::FrameHeader& header, codec::ByteView payload) override {
    if (!options_.common.verbose) return;
    JsonWriter json = json_event("frame");
    frame_fields(json, outgoing, header, payload);
    emit_json_line(json, out_);
  }
  void message(codec::Opcode type, codec::ByteView payload) override { payload_record("message", type, payload); }
  void sent(codec::Opcode type, codec::ByteView payload) override { payload_record("sent", type, payload); }
  void ping_sent(codec::ByteView payload) override { pings_.sent(payload); }
  void ping(codec::ByteView payload) override { control("ping", payload, std::nullopt); }
  void pong(codec::ByteView payload) override { control("pong", payload, pings_.answered(payload)); }
  void closed(const session::LiveClose& close) override {
    JsonWriter json = json_event("close");
    close_fields(json, close);
    emit_json_line(json, out_);
  }
  void note(const std::string& text) override {
    JsonWriter json = json_event("note");
    json.field("text", text);
    emit_json_line(json, out_);
  }
  void finish(const session::LiveStats& stats, const RunEnd& end) override {
    JsonWriter json = json_summary("connect", end);
    json.field("messages_sent", stats.messages_sent).field("bytes_sent", stats.bytes_sent);
    json.field("messages_received", stats.messages_received).field("bytes_received", stats.bytes_received);
    json.field("buffered_high_water", stats.buffered_high_water);
    emit_json_line(json, out_);
  }

 private:
  void payload_record(std::string_view kind, codec::Opcode type, codec::ByteView payload) {
    JsonWriter json = json_event(kind);
    json.field("opcode", type == codec::Opcode::text ? "text" : "binary").field("size", std::uint64_t{payload.size()});
    if (type == codec::Opcode::text) {
      json.field("data", codec::as_chars(payload));
    } else {
      json.field("data_base64", base64(payload));
    }
    emit_json_line(json, out_);
  }
  void control(std::string_view kind, codec::ByteView payload, std::optional<double> rtt_ms) {
    if (!options_.show_control && !rtt_ms) return;
    JsonWriter json = json_event(kind);
    json.field("data_hex", spaced_hex(payload));
    if (rtt_ms) json.field("rtt_ms", *rtt_ms);
    emit_json_line(json, out_);
  }

  LiveOutputOptions options_;
  std::FILE* out_;
  PendingPings pings_;
};

}  // namespace

std::unique_ptr<LiveReporter> make_live_reporter(const LiveOutputOptions& options, std::FILE* out) {
  if (options.common.json) return std::make_unique<JsonLive>(options, out);
  if (options.data_only) return std::make_unique<DataOnlyLive>(options, out);
  return std::make_unique<HumanLive>(options, out);
}

}  // namespace wsprobe::output
