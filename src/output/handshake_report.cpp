#include "output/handshake_report.h"

#include <fmt/format.h>

#include "codec/close.h"
#include "codec/frame.h"
#include "base/escape.h"
#include "output/handshake_text.h"
#include "output/json.h"
#include "output/json_lines.h"
#include "output/session_json.h"
#include "output/style.h"
#include "output/words.h"
#include "output/verdict_text.h"

namespace wsprobe::output {
namespace {

std::string params_text(const codec::Extension& extension) {
  std::string text = extension.name;
  for (const auto& param : extension.params) {
    text += "; " + param.name;
    if (param.value) text += "=" + *param.value;
  }
  return text;
}

class HumanReporter : public HandshakeReporter {
 public:
  HumanReporter(const OutputOptions& options, std::FILE* out)
      : options_(options), out_(out), style_(Style::for_stream(out)) {}

  void connected(const net::WsUrl& url, const net::Endpoints& ends) override {
    if (!options_.verbose) return;
    line(style_.dim(fmt::format("* Connected to {} ({} port {}) from {} port {}", url.host_literal(),
                                ends.remote_address, ends.remote_port, ends.local_address, ends.local_port)));
  }

  void request(const codec::RequestHead& request) override {
    for (const std::string& text : request_head_lines(request, options_.show_secrets)) line(text);
  }

  void response(const session::OpeningExchange& exchange) override {
    for (const std::string& text : response_head_lines(exchange.response, options_.show_secrets, options_.raw)) line(text);
  }

  void checks(const codec::HandshakeReport& report) override {
    const std::size_t width = id_width(report.checks);
    line("checks:");
    for (const auto& check : report.checks) {
      // An unexpected refusal is not an upgrade: the other rules would only repeat that.
      if (unexpected_refusal(report) && check.rule != codec::Rule::handshake_status) continue;
      line(verdict_line(check, style_, options_.raw, width));
    }
    checks_ok_ = report.ok();
    refusal_due_ = report.refusal_due;
    for (const auto& check : report.checks) {
      if (!check.passed() && check.outcome != codec::Outcome::informational && !first_miss_) first_miss_ = check.rule;
    }
    upgraded_ = report.upgraded();
    if (!upgraded_) return;
    const auto& negotiated = report.negotiated;
    line("negotiated:");
    line(fmt::format("  subprotocol  {}", negotiated.subprotocol ? peer(*negotiated.subprotocol) : "(none)"));
    if (negotiated.extensions.empty()) line("  extensions   (none)");
    for (const auto& extension : negotiated.extensions) line("  extension    " + peer(params_text(extension)));
  }

  void refused(const codec::ResponseHead& response, const std::string& body, bool complete) override {
    // RFC 6455 4.2.2: refusing a version, the server lists the versions it speaks.
    const auto versions = codec::combined_field_value(response.fields, "Sec-WebSocket-Version");
    if (versions) line("server supports WebSocket versions: " + peer(*versions));
    if (body.empty()) return;
    line(fmt::format("body ({} bytes{}):", body.size(), complete ? "" : ", first KiB"));
    for (const std::string_view text : body_lines(body)) line("  " + peer(text));
  }

  void timings(const HandshakeTimings& timings, const std::optional<net::TlsDetails>& tls) override {
    std::string text = fmt::format("timings: dns {:.2f} ms, tcp {:.2f} ms", timings.connect.dns_ms,
                                   timings.connect.tcp_ms);
    if (timings.connect.tls_ms) text += fmt::format(", tls {:.2f} ms", *timings.connect.tls_ms);
    text += fmt::format(", handshake {:.2f} ms, total {:.2f} ms", timings.handshake_ms, timings.total_ms);
    line(text);
    if (!tls) return;
    line(fmt::format("tls: {} {}{}", tls->version, tls->cipher, tls->alpn.empty() ? "" : ", ALPN " + tls->alpn));
    line(fmt::format("  subject {}; issuer {}", peer(tls->subject), peer(tls->issuer)));
    std::string names;
    for (const auto& name : tls->subject_alt_names) names += (names.empty() ? "" : ", ") + peer(name);
    line(fmt::format("  names {}; expires {}", names.empty() ? "(none)" : names, tls->not_after));
    line(fmt::format("  verification: {}", tls->verified ? style_.good("ok") : style_.bad(tls->verify_result)));
  }

  void frame_received(const codec::FrameHeader& header) override {
    if (!options_.verbose) return;
    line(style_.dim(fmt::format("< frame {} fin={} rsv={} len={}", codec::opcode_name(header.opcode),
                                header.fin ? 1 : 0, header.rsv >> 4, header.payload_length)));
  }

  void closed(std::uint16_t sent_code, const session::CloseExchange& close) override {
    std::string text = fmt::format("close: sent {}", sent_code);
    if (close.server_close) {
      const auto& frame = *close.server_close;
      text += frame.code ? fmt::format("; server answered {} \"{}\"", *frame.code, peer(frame.reason))
                         : "; server answered with an empty Close";
      text += fmt::format(" after {:.2f} ms", close.close_ms.value_or(0));
    } else if (!close.violation) {
      text += "; " + style_.bad("server sent no Close");
    }
    if (close.violation) text += "; " + style_.bad("server broke a rule: " + close.violation->describe());
    switch (close.tcp) {
      case session::TcpEnd::closed_by_peer:
        text += fmt::format("; TCP closed by server after {:.2f} ms", close.tcp_end_ms.value_or(0));
        break;
      case session::TcpEnd::reset:
        text += "; TCP reset (" + close.tcp_error + ")";
        break;
      case session::TcpEnd::left_open:
        text += "; TCP left open by server";
        break;
      case session::TcpEnd::closed_by_us:
        text += "; TCP closed by us (the connection failed)";
        break;
    }
    if (close.messages_before_close) text += "; " + counted(close.messages_before_close, "message") + " came first";
    line(text);
    close_ = close;
  }

  void finish(const RunEnd& end) override {
    if (!refusal_due_.empty() && !upgraded_) {
      if (!first_miss_) {
        line(style_.good("result: the server refused " + refusal_due_ + ", as RFC 6455 4.2 requires"));
      } else {
        const auto& missed = codec::rule_info(*first_miss_);
        line(style_.bad(fmt::format("result: the answer to {} breaks {} ({})", refusal_due_, missed.section,
                                    missed.summary)));
      }
    } else if (end.exit_code == exit_ok) {
      line(style_.good("result: valid WebSocket upgrade, closed cleanly"));
    } else if (checks_ok_ && close_ && (!close_->server_close || close_->violation)) {
      line(style_.bad("result: valid upgrade, but the server did not close as RFC 6455 5.5.1 requires"));
    } else if (checks_ok_ && close_) {
      line(style_.bad(close_->tcp == session::TcpEnd::reset
                          ? "result: valid upgrade and Close, but TCP was reset instead of closed (not clean)"
                          : "result: valid upgrade and Close, but the server left TCP open (RFC 6455 7.1.1)"));
    } else {
      line(style_.bad("result: not a valid WebSocket upgrade"));
    }
  }

 private:
  std::string peer(std::string_view text) const {
    return options_.raw ? std::string(text) : escape_for_terminal(text);
  }
  void line(const std::string& text) {
    if (options_.quiet) return;
    write_text(out_, text + "\n");
  }

  static bool unexpected_refusal(const codec::HandshakeReport& report) {
    return report.refusal_due.empty() && !report.checks.empty() && !report.checks.front().passed();
  }

  OutputOptions options_;
  std::FILE* out_;
  Style style_;
  bool checks_ok_ = false;
  bool upgraded_ = false;
  std::optional<codec::Rule> first_miss_;  // the first check not passed, informational ones aside
  std::string refusal_due_;
  std::optional<session::CloseExchange> close_;
};

class JsonReporter : public HandshakeReporter {
 public:
  JsonReporter(const OutputOptions& options, std::FILE* out) : options_(options), out_(out) {}

  void connected(const net::WsUrl& url, const net::Endpoints& ends) override {
    JsonWriter json = json_event("connected");
    json.field("url", url.text());
    json.field("remote_address", ends.remote_address).field("remote_port", std::int64_t{ends.remote_port});
    json.field("local_address", ends.local_address).field("local_port", std::int64_t{ends.local_port});
    emit_json_line(json, out_);
  }

  void request(const codec::RequestHead& request) override {
    JsonWriter json = json_event("request");
    json.field("method", request.method).field("target", request.target).field("version", request.version);
    headers_field(json, request.fields, options_.show_secrets);
    emit_json_line(json, out_);
  }

  void response(const session::OpeningExchange& exchange) override {
    JsonWriter json = json_event("response");
    json.field("version", exchange.response.version).field("status", int{exchange.response.status});
    json.field("reason", exchange.response.reason);
    headers_field(json, exchange.response.fields, options_.show_secrets);
    emit_json_line(json, out_);
  }

  void checks(const codec::HandshakeReport& report) override {
    JsonWriter json = json_event("handshake");
    json.key("checks");
    write_verdicts(json, report.checks);
    json.field("refusal_due", report.refusal_due.empty() ? std::nullopt : std::optional<std::string>(report.refusal_due));
    negotiated_fields(json, report.negotiated);
    emit_json_line(json, out_);
  }

  void refused(const codec::ResponseHead& response, const std::string& body, bool complete) override {
    JsonWriter json = json_event("refused");
    json.field("body", body).field("body_complete", complete);
    json.field("supported_versions", codec::combined_field_value(response.fields, "Sec-WebSocket-Version"));
    emit_json_line(json, out_);
  }

  void timings(const HandshakeTimings& timings, const std::optional<net::TlsDetails>& tls) override {
    JsonWriter json = json_event("timings");
    json.field("dns_ms", timings.connect.dns_ms).field("tcp_ms", timings.connect.tcp_ms);
    json.field("tls_ms", timings.connect.tls_ms).field("handshake_ms", timings.handshake_ms);
    json.field("total_ms", timings.total_ms).key("tls");
    if (tls) {
      json.begin_object().field("version", tls->version).field("cipher", tls->cipher).field("alpn", tls->alpn);
      json.field("subject", tls->subject).field("issuer", tls->issuer).key("subject_alt_names").begin_array();
      for (const auto& name : tls->subject_alt_names) json.value(name);
      json.end_array().field("not_after", tls->not_after).field("verified", tls->verified);
      json.field("verify_result", tls->verify_result).end_object();
    } else {
      json.null();
    }
    emit_json_line(json, out_);
  }

  void frame_received(const codec::FrameHeader&) override {}

  void closed(std::uint16_t sent_code, const session::CloseExchange& close) override {
    JsonWriter json = json_event("close");
    const auto& frame = close.server_close;
    json.field("received", frame.has_value());
    json.field("code", frame && frame->code ? std::optional<int>(*frame->code) : std::nullopt);
    json.field("reason", frame ? std::optional<std::string>(frame->reason) : std::nullopt);
    json.field("sent_code", int{sent_code}).field("closed_by", "wsprobe").field("close_ms", close.close_ms);
    json.field("tcp", session::tcp_end_name(close.tcp)).field("tcp_ms", close.tcp_end_ms).key("violation");
    write_violation(json, close.violation);
    json.field("messages_before_close", std::uint64_t{close.messages_before_close});
    emit_json_line(json, out_);
  }

  void finish(const RunEnd& end) override {
    JsonWriter json = json_summary("handshake", end);
    json.field("ok", end.exit_code == exit_ok);
    emit_json_line(json, out_);
  }

 private:
  OutputOptions options_;
  std::FILE* out_;
};

}  // namespace

std::unique_ptr<HandshakeReporter> make_handshake_reporter(const OutputOptions& options, std::FILE* out) {
  if (options.json) return std::make_unique<JsonReporter>(options, out);
  return std::make_unique<HumanReporter>(options, out);
}

}  // namespace wsprobe::output
