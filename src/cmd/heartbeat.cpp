// wsprobe heartbeat URL: pings every interval with round trips measured, pongs
// matched, losses and a dead peer detected; or --idle, to find how long a quiet
// connection lives.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "base/errors.h"
#include "cmd/client_common.h"
#include "cmd/commands.h"
#include "net/signals.h"
#include "output/heartbeat_report.h"
#include "session/heartbeat.h"

namespace wsprobe::cmd {
namespace {

struct HeartbeatOptions {
  cli::ClientOptions client;
  cli::OutputOptions output;
  session::HeartbeatSettings settings;
  std::optional<Milliseconds> pong_timeout, dead_after;
};

constexpr Milliseconds min_pong_timeout{1000};
constexpr Milliseconds min_dead_after{3000};

int run_heartbeat(HeartbeatOptions options) {
  session::HeartbeatSettings& settings = options.settings;
  if (settings.interval.count() <= 0) throw usage_error("--interval must be longer than 0ms");
  // Floors, so that scheduling noise on a short interval is neither late nor a dead peer.
  settings.pong_timeout = options.pong_timeout.value_or(std::max<Milliseconds>(settings.interval, min_pong_timeout));
  settings.dead_after = options.dead_after.value_or(std::max<Milliseconds>(2 * settings.interval, min_dead_after));
  settings.deadline = command_deadline(options.client, net::Clock::now());

  const auto reporter = output::make_heartbeat_reporter(options.output, settings.idle, stdout);
  OpenedSession opened = open_session(options.client, settings.deadline, options.output);
  const session::HeartbeatSummary summary =
      session::run_heartbeat(*opened.connection, opened.exchange.after_head,
                             opened.engine(options.client, options.output.verbose), settings, *reporter,
                             net::stop_requested_on_signal());
  // After the summary, why the exit status is not 0, on stderr.
  if (const auto failure = session::heartbeat_failure(summary)) throw *failure;
  return exit_ok;
}

}  // namespace

cli::Run setup_heartbeat(CLI::App& app) {
  auto options = std::make_shared<HeartbeatOptions>();
  cli::add_client_options(app, options->client);
  cli::add_output_options(app, options->output);
  cli::add_duration_option(app, "--interval", options->settings.interval, "time between pings");
  cli::add_duration_option(app, "--pong-timeout", options->pong_timeout,
                           "a pong later than this is late; its round trip counts all the same (default: --interval, "
                           "1s at least)");
  cli::add_duration_option(app, "--dead-after", options->dead_after,
                           "nothing received for this long: the peer is dead (default: 2 intervals, 3s at least)");
  app.add_option("--pings", options->settings.count, "send N pings, then close");
  cli::add_duration_option(app, "--duration", options->settings.duration,
                           "run this long, then close (with --idle: the longest wait)");
  app.add_flag("--idle", options->settings.idle, "send nothing: how long does a quiet connection live?");
  app.footer(
      "Ctrl-C closes with 1001 (going away), as a browser leaving the page, then prints the summary.\n"
      "\n"
      "Examples:\n"
      "  wsprobe heartbeat ws://127.0.0.1:9001/ --interval 1s --pings 10\n"
      "  wsprobe heartbeat wss://api.example/ws --interval 5s --json\n"
      "  wsprobe heartbeat wss://api.example/ws --idle --duration 5m   # who cuts quiet connections, and when\n");
  return [options] { return run_heartbeat(*options); };
}

}  // namespace wsprobe::cmd
