#include "output/send_report.h"

#include <fmt/format.h>

#include "base/escape.h"
#include "output/frame_text.h"
#include "output/json.h"
#include "output/json_lines.h"
#include "output/style.h"
#include "output/verdict_text.h"

namespace wsprobe::output {
namespace {

constexpr std::size_t preview_size = 64;

codec::ByteView preview_of(codec::ByteView payload) { return payload.first(std::min(payload.size(), preview_size)); }

class HumanSend : public SendReporter {
 public:
  HumanSend(const OutputOptions& options, std::FILE* out)
      : options_(options), out_(out), style_(Style::for_stream(out)) {}

  void sent(const codec::FrameHeader& header, codec::ByteView payload) override {
    line(frame_line(true, header, preview_of(payload)));
  }
  void received(const session::TracedFrame& frame) override {
    line(frame_line(false, frame.header, frame.preview) + style_.dim(fmt::format("  +{:.2f} ms", frame.at_ms)));
  }
  void finish(const session::Reaction& reaction, const std::optional<codec::Violation>& expected,
              const session::Judgement& judgement, const RunEnd& end) override {
    if (reaction.frames_received > reaction.received.size()) {
      line(fmt::format("< ... {} more frames, not shown", reaction.frames_received - reaction.received.size()));
    }
    // After --wait with the connection still open, wsprobe closes: the server's Close then answers ours.
    std::string close = reaction.ended_by_us ? "close: wsprobe sent 1000 after --wait; " : "close: ";
    if (reaction.close) {
      const std::string_view sent = reaction.ended_by_us ? "answered" : "sent";
      close += reaction.close->code ? fmt::format("server {} {} \"{}\"", sent, *reaction.close->code,
                                                  escape_for_terminal(reaction.close->reason))
                                    : fmt::format("server {} a Close without code", sent);
      close += fmt::format(" after {:.2f} ms", reaction.close_ms.value_or(0));
    } else {
      close += "no Close from the server";
    }
    switch (reaction.tcp) {
      case session::TcpEnd::closed_by_peer:
        close += fmt::format("; TCP closed by server (FIN) after {:.2f} ms", reaction.tcp_ms.value_or(0));
        break;
      case session::TcpEnd::reset:
        close += fmt::format("; TCP reset (RST) after {:.2f} ms", reaction.tcp_ms.value_or(0));
        break;
      case session::TcpEnd::left_open:
      case session::TcpEnd::closed_by_us:
        close += "; TCP left open by server";
        break;
    }
    line(close);
    if (expected) {
      const auto& rule = codec::rule_info(expected->rule);
      line(fmt::format("our frames break {} ({}): the server must fail the connection", rule.section, rule.summary));
    } else {
      line("our frames are valid: the server must accept them");
    }
    if (!judgement.verdicts.empty()) line("checks:");
    const std::size_t width = id_width(judgement.verdicts);
    for (const auto& verdict : judgement.verdicts) line(verdict_line(verdict, style_, options_.raw, width));
    const std::string result = "result: " + judgement.summary;
    line(end.exit_code == exit_ok ? style_.good(result) : style_.bad(result));
  }

 private:
  void line(const std::string& text) {
    if (options_.quiet) return;
    write_text(out_, text + "\n");
  }
  OutputOptions options_;
  std::FILE* out_;
  Style style_;
};

class JsonSend : public SendReporter {
 public:
  explicit JsonSend(std::FILE* out) : out_(out) {}

  void sent(const codec::FrameHeader& header, codec::ByteView payload) override {
    JsonWriter json = json_event("frame");
    frame_fields(json, true, header, preview_of(payload));
    emit_json_line(json, out_);
  }
  void received(const session::TracedFrame& frame) override {
    JsonWriter json = json_event("frame");
    frame_fields(json, false, frame.header, frame.preview);
    json.field("at_ms", frame.at_ms);
    emit_json_line(json, out_);
  }
  void finish(const session::Reaction& reaction, const std::optional<codec::Violation>& expected,
              const session::Judgement& judgement, const RunEnd& end) override {
    JsonWriter close = json_event("close");
    close_fields(close, reaction);
    emit_json_line(close, out_);

    JsonWriter json = json_summary("send", end);
    json.field("frames_received", reaction.frames_received).key("violation");
    write_violation(json, reaction.violation);
    json.key("expected");
    if (expected) {
      const auto& rule = codec::rule_info(expected->rule);
      json.begin_object().field("rule", rule.id).field("section", rule.section);
      json.field("level", codec::level_name(rule.level)).field("text", expected->describe());
      json.field("close_code", int{rule.close_code});
      json.field("other_close_code", rule.other_close_code ? std::optional<int>(rule.other_close_code) : std::nullopt);
      json.end_object();
    } else {
      json.null();
    }
    json.key("verdicts");
    write_verdicts(json, judgement.verdicts);
    json.field("result", judgement.summary);
    emit_json_line(json, out_);
  }

 private:
  // The server's Close as it came: a valid one's code and reason, or an invalid one's
  // raw code and the rule it breaks; and how TCP ended.
  static void close_fields(JsonWriter& json, const session::Reaction& reaction) {
    json.field("received", reaction.close_payload.has_value());
    const codec::Bytes payload = reaction.close_payload.value_or(codec::Bytes());
    std::optional<int> code;
    if (reaction.close) {
      if (reaction.close->code) code = *reaction.close->code;
    } else if (payload.size() >= 2) {
      code = payload[0] << 8 | payload[1];
    }
    json.field("code", code);
    json.field("reason", reaction.close ? std::optional<std::string>(reaction.close->reason)
                         : payload.size() > 2 ? std::optional<std::string>(std::string(codec::as_chars(payload).substr(2)))
                                              : std::nullopt);
    json.field("sent_code", reaction.ended_by_us ? std::optional<int>(1000) : std::nullopt);
    json.field("closed_by", reaction.ended_by_us ? "wsprobe" : reaction.close_payload ? "server" : "nobody");
    json.field("valid", reaction.close.has_value()).field("close_ms", reaction.close_ms);
    json.field("tcp", session::tcp_end_name(reaction.tcp)).field("tcp_ms", reaction.tcp_ms);
    const bool close_rule = reaction.violation && codec::rule_info(reaction.violation->rule).id.starts_with("close.");
    json.key("violation");
    write_violation(json, close_rule && !reaction.close ? reaction.violation : std::nullopt);
  }

  std::FILE* out_;
};

}  // namespace

std::unique_ptr<SendReporter> make_send_reporter(const OutputOptions& options, std::FILE* out) {
  if (options.json) return std::make_unique<JsonSend>(out);
  return std::make_unique<HumanSend>(options, out);
}

}  // namespace wsprobe::output
