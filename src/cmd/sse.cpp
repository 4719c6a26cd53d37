// wsprobe sse URL: tail an event stream as a browser's EventSource parses it,
// reconnecting as it does, and say why events arrive late.
#include <CLI/CLI.hpp>

#include <unistd.h>

#include <cstdio>

#include "base/errors.h"
#include "cmd/client_common.h"
#include "cmd/commands.h"
#include "net/signals.h"
#include "output/sse_report.h"
#include "session/event_source.h"

namespace wsprobe::cmd {
namespace {

struct SseOptions {
  cli::ClientOptions client;
  output::SseOutputOptions output;
  bool http2 = false;
  std::string last_event_id;
  std::optional<std::uint64_t> max_retries;
  std::optional<std::uint64_t> max_events;
  std::optional<Milliseconds> duration;
  Milliseconds reconnect_time{3000};
  std::uint64_t max_event_size = codec::default_max_event_size;
};

int run_sse(const SseOptions& options) {
  session::EventSourceSettings settings;
  settings.request = event_stream_request(options.client);
  settings.request.http2_only = options.http2;
  settings.last_event_id = options.last_event_id;
  settings.reconnection_time = options.reconnect_time;
  settings.max_retries = options.max_retries;
  settings.max_events = options.max_events;
  settings.duration = options.duration;
  settings.max_event_size = options.max_event_size;
  settings.deadline = command_deadline(options.client, net::Clock::now());

  // To a pipe or file, events are written in blocks and flushed when the stream goes
  // quiet (one write per burst, not per event); a terminal sees each at once.
  if (isatty(STDOUT_FILENO) != 1) std::setvbuf(stdout, nullptr, _IOFBF, 64 * 1024);
  const auto reporter = output::make_sse_reporter(options.output, stdout);
  const session::EventSourceResult result = session::run_event_source(settings, *reporter, net::stop_requested_on_signal());
  if (result.failure) throw Error(*result.failure, result.error);  // after the report: why, on stderr
  return exit_ok;
}

}  // namespace

cli::Run setup_sse(CLI::App& app) {
  auto options = std::make_shared<SseOptions>();
  cli::add_connection_options(app, options->client);
  cli::add_output_options(app, options->output.common);
  app.get_option("--verbose")->description("more detail: the response headers, retry changes, what the parser discarded");
  app.add_flag("--show-comments", options->output.show_comments, "show comment lines (keep-alives)");
  app.add_flag("--http2", options->http2, "insist on HTTP/2 (fail when the server speaks HTTP/1.1)");
  app.add_option("--last-event-id", options->last_event_id, "send this Last-Event-ID from the first request on");
  app.add_option("--max-retries", options->max_retries,
                 "retry at most N times in a row, then give up (exit 1; 3 when no stream ever opened)");
  app.add_option("--max-events", options->max_events, "stop after N events (exit 0)");
  cli::add_duration_option(app, "--duration", options->duration, "stop after this long (exit 0)");
  cli::add_duration_option(app, "--retry-interval", options->reconnect_time,
                           "wait before each reconnection, until the server sends retry: (default 3s)");
  cli::add_size_option(app, "--max-event-size", options->max_event_size, "largest event accepted (default 16MiB)");
  app.footer(
      "Examples:\n"
      "  wsprobe sse http://127.0.0.1:9001/sse --max-events 5\n"
      "  wsprobe sse https://api.example/stream --last-event-id 41 --json\n"
      "  wsprobe sse http://127.0.0.1:9001/sse --raw --duration 10s\n");
  return [options] { return run_sse(*options); };
}

}  // namespace wsprobe::cmd
