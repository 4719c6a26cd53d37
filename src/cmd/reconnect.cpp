// wsprobe reconnect URL: keep a connection up as real clients do (retry every
// interval, give up after N failures in a row, reset on success) and measure it.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "base/errors.h"
#include "cmd/client_common.h"
#include "cmd/commands.h"
#include "net/signals.h"
#include "output/reconnect_report.h"
#include "session/reconnect.h"

namespace wsprobe::cmd {
namespace {

struct ReconnectOptions {
  cli::ClientOptions client;
  cli::OutputOptions output;
  session::ReconnectSettings settings;
  std::string backoff = "fixed";
  std::vector<std::string> send;
};

int run_reconnect(ReconnectOptions options) {
  session::ReconnectSettings& settings = options.settings;
  settings.policy.exponential = options.backoff == "exponential";
  if (settings.policy.jitter < 0 || settings.policy.jitter > 1) throw usage_error("--jitter takes 0 to 1");
  for (const std::string& text : options.send) settings.send_on_open.emplace_back(codec::Opcode::text, codec::Bytes(text.begin(), text.end()));
  settings.deadline = command_deadline(options.client, net::Clock::now());

  const auto reporter = output::make_reconnect_reporter(options.output, stdout);
  const cli::ClientOptions& client = options.client;
  const cli::OutputOptions& output = options.output;
  const session::ReconnectSummary summary = session::run_reconnect(
      settings,
      [&client, &output](net::Deadline deadline) {
        OpenedSession opened = open_session(client, deadline, output);
        return session::OpenedConnection{std::move(opened.connection), std::move(opened.exchange.after_head),
                                         opened.engine(client)};
      },
      *reporter, net::stop_requested_on_signal());
  // After the summary, why the exit status is not 0, on stderr.
  if (const auto failure = session::reconnect_failure(summary)) throw *failure;
  return exit_ok;
}

}  // namespace

cli::Run setup_reconnect(CLI::App& app) {
  auto options = std::make_shared<ReconnectOptions>();
  cli::add_client_options(app, options->client);
  cli::add_output_options(app, options->output);
  session::ReconnectPolicySettings& policy = options->settings.policy;
  cli::add_duration_option(app, "--retry-interval", policy.retry_interval, "wait before each reconnect");
  app.add_option("--max-retries", policy.max_retries,
                 "retry at most N times in a row, then give up (exit 1; 3 when no connection ever opened)")
      ->capture_default_str();
  app.add_option("--backoff", options->backoff, "fixed, or exponential (doubling up to --max-interval)")
      ->check(CLI::IsMember({"fixed", "exponential"}))
      ->capture_default_str();
  cli::add_duration_option(app, "--max-interval", policy.max_interval, "the longest wait with exponential backoff");
  app.add_option("--jitter", policy.jitter, "0 to 1: each wait is cut by a random share up to this")
      ->capture_default_str();
  cli::add_duration_option(app, "--heartbeat", options->settings.heartbeat,
                           "ping this often while connected; 2 silent intervals mean the connection is dead");
  app.add_option("--send", options->send, "send this text after every open (repeatable): renewed subscriptions");
  cli::add_duration_option(app, "--duration", options->settings.duration, "run this long, then print the summary");
  app.footer(
      "Ctrl-C closes with 1001 (going away), as a browser leaving the page, then prints the summary.\n"
      "\n"
      "Examples:\n"
      "  wsprobe reconnect ws://127.0.0.1:9001/ --duration 1m\n"
      "  wsprobe reconnect wss://api.example/ws --heartbeat 10s --send '{\"op\":\"subscribe\"}' --json\n"
      "  wsprobe reconnect wss://api.example/ws --backoff exponential --max-interval 30s --jitter 0.5\n");
  return [options] { return run_reconnect(*options); };
}

}  // namespace wsprobe::cmd
