// wsprobe handshake URL: the opening handshake shown, every client-side rule of
// RFC 6455 4.1 checked on its own, then a closing handshake to see how the server
// ends the connection.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cstdio>

#include "base/errors.h"
#include "cmd/client_common.h"
#include "cmd/commands.h"
#include "codec/handshake_check.h"
#include "output/handshake_report.h"
#include "session/closing.h"
#include "session/opening.h"

namespace wsprobe::cmd {
namespace {

constexpr std::size_t refusal_body_limit = 1024;
constexpr std::uint16_t normal_closure = 1000;

struct HandshakeOptions {
  cli::ClientOptions client;
  cli::OutputOptions output;
  std::optional<std::string> ws_key;
  std::optional<std::string> ws_version;
  std::vector<std::string> extensions;
  Milliseconds close_timeout{5000};
  bool strict = false;
};

// The first check that fails the run: "RFC 6455 4.1 (the Sec-WebSocket-Accept ...)".
std::string first_failed_check(const codec::HandshakeReport& report, bool strict) {
  for (const auto& check : report.checks) {
    if (!codec::fails(check, strict)) continue;
    const auto& rule = codec::rule_info(check.rule);
    return fmt::format("{} ({})", rule.section, rule.summary);
  }
  return "a check";
}

Error refused_upgrade(const codec::HandshakeReport& report, const codec::ResponseHead& response, bool strict) {
  if (!report.refusal_due.empty()) {
    return Error(ErrorKind::refused, "the answer to " + report.refusal_due + " breaks " + first_failed_check(report, strict));
  }
  return Error(ErrorKind::refused,
               fmt::format("the server did not upgrade: {} {}", response.status, response.reason),
               response.status == 200 ? "is this URL a WebSocket endpoint? A 200 is a plain HTTP answer" : "");
}

Error unclean_close(const session::CloseExchange& close) {
  if (!close.server_close || close.violation) {
    return Error(ErrorKind::refused, "valid upgrade, but the server did not close as RFC 6455 5.5.1 requires" +
                                         (close.violation ? ": " + close.violation->describe() : std::string()));
  }
  return Error(ErrorKind::refused, close.tcp == session::TcpEnd::reset
                                       ? "valid upgrade and Close, but TCP was reset instead of closed (not clean)"
                                       : "valid upgrade and Close, but the server left TCP open (RFC 6455 7.1.1)");
}

// Runs the handshake and the closing handshake; returns what failed the run, if anything.
std::optional<Error> run_handshake(const HandshakeOptions& options, output::HandshakeReporter& reporter) {
  const auto started = net::Clock::now();
  const net::Deadline deadline = command_deadline(options.client, started);
  const net::WsUrl url = net::parse_ws_url(options.client.url);

  codec::HandshakeRequest request = handshake_request(options.client, url);
  if (options.ws_key) request.key = *options.ws_key;
  if (options.ws_version) request.version = *options.ws_version;
  request.extensions.insert(request.extensions.begin(), options.extensions.begin(), options.extensions.end());
  const codec::RequestHead head = codec::build_request(request);

  const auto connection = net::Connection::open(connect_settings(options.client, url), deadline);
  reporter.connected(url, connection->endpoints());
  reporter.request(head);
  const session::OpeningExchange exchange =
      session::exchange_opening_handshake(*connection, head, response_deadline(options.client, deadline));
  reporter.response(exchange);
  const codec::HandshakeReport report = codec::check_response(exchange.response, head);
  reporter.checks(report);
  reporter.timings({connection->timings(), exchange.response_ms, net::elapsed_ms(started)}, connection->tls());

  if (exchange.response.status != 101) {
    const auto body = session::read_refusal_body(*connection, exchange, refusal_body_limit, deadline);
    reporter.refused(exchange.response, body.text, body.complete);
    // A request that breaks a rule on purpose expects exactly this refusal.
    if (!report.refusal_due.empty() && report.ok(options.strict)) return std::nullopt;
    return refused_upgrade(report, exchange.response, options.strict);
  }
  if (!report.upgraded() || !report.ok(options.strict)) {
    return Error(ErrorKind::refused, "not a valid WebSocket upgrade: the response breaks " +
                                         first_failed_check(report, options.strict));
  }

  const codec::EngineOptions frames{
      .role = codec::Role::client,
      .max_message_size = options.client.max_message_size,
      .deflate = report.negotiated.deflate,
  };
  const session::CloseExchange close =
      session::exchange_close(*connection, exchange.after_head, frames, normal_closure, "",
                              std::min(deadline, net::Clock::now() + options.close_timeout),
                              [&reporter](const codec::FrameHeader& header) { reporter.frame_received(header); });
  reporter.closed(normal_closure, close);
  if (close.closed_cleanly()) return std::nullopt;
  // --timeout, not the server, ended a closing handshake still under way.
  if (close.tcp == session::TcpEnd::left_open && !close.violation && net::Clock::now() >= deadline) {
    throw Error(ErrorKind::timeout, "--timeout passed during the closing handshake");
  }
  return unclean_close(close);
}

}  // namespace

cli::Run setup_handshake(CLI::App& app) {
  auto options = std::make_shared<HandshakeOptions>();
  cli::add_client_options(app, options->client);
  cli::add_output_options(app, options->output);
  app.add_option("--ws-key", options->ws_key, "send this Sec-WebSocket-Key instead of a random one");
  app.add_option("--ws-version", options->ws_version, "send this Sec-WebSocket-Version (probe version negotiation)");
  app.add_option("--extension", options->extensions, "offer this Sec-WebSocket-Extensions value (repeatable)");
  cli::add_duration_option(app, "--close-timeout", options->close_timeout,
                           "how long to wait for the server's Close and TCP close");
  cli::add_strict_option(app, options->strict);
  app.footer(
      "Examples:\n"
      "  wsprobe handshake ws://127.0.0.1:9001/\n"
      "  wsprobe handshake wss://echo.example/chat -s chat --deflate --json\n"
      "  wsprobe handshake ws://127.0.0.1:9001/ --ws-version 99  # expect a refusal listing versions\n"
      "\n"
      "A request that breaks a rule on purpose (--ws-version other than 13, a malformed\n"
      "--ws-key) passes when the server refuses it as RFC 6455 4.2 requires.\n" +
      std::string(verdict_help));
  return [options] {
    const auto reporter = output::make_handshake_reporter(options->output, stdout);
    const std::optional<Error> failure = run_handshake(*options, *reporter);
    reporter->finish(output::run_end("done", failure));
    if (failure) throw *failure;  // after the report: why, on stderr
    return exit_ok;
  };
}

}  // namespace wsprobe::cmd
