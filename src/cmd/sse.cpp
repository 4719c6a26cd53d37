// wsprobe sse URL: tail an event stream as a browser's EventSource parses it,
// reconnecting as it does, and say why events arrive late.
#include <CLI/CLI.hpp>

#include <cstdio>

#include "base/errors.h"
#include "cmd/client_common.h"
#include "cmd/commands.h"
#include "codec/http_syntax.h"
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

// Accept and Cache-Control as browsers send them, unless the user's -H replaces or
// (with "Name:") removes them; then the user's headers in order.
std::vector<std::string> request_headers(const std::vector<std::string>& user) {
  std::vector<std::string> lines;
  for (std::string_view line : {"Accept: text/event-stream", "Cache-Control: no-cache"}) {
    const std::string_view name = line.substr(0, line.find(':'));
    bool replaced = false;
    for (const std::string& mine : user) replaced = replaced || codec::iequals(std::string_view(mine).substr(0, mine.find(':')), name);
    if (!replaced) lines.emplace_back(line);
  }
  for (const std::string& line : user) {
    if (line.find(':') == std::string::npos) throw usage_error("header '" + line + "' is not 'Name: value'");
    if (codec::trim_ows(std::string_view(line).substr(line.find(':') + 1)).empty()) continue;  // a removal
    lines.push_back(line);
  }
  return lines;
}

int run_sse(const SseOptions& options) {
  const std::string& text = options.client.url;
  if (!(text.starts_with("http://") || text.starts_with("https://") || text.starts_with("HTTP://") ||
        text.starts_with("HTTPS://"))) {
    throw usage_error("bad URL '" + text + "' (an event stream needs an http:// or https:// URL)");
  }
  const net::WsUrl url = net::parse_ws_url(text);
  session::EventSourceSettings settings;
  settings.request.connection = connect_settings(options.client, url);
  settings.request.target = url.target;
  settings.request.headers = request_headers(options.client.headers);
  settings.request.http2_only = options.http2;
  settings.last_event_id = options.last_event_id;
  settings.reconnection_time = options.reconnect_time;
  settings.max_retries = options.max_retries;
  settings.max_events = options.max_events;
  settings.duration = options.duration;
  settings.max_event_size = options.max_event_size;
  settings.deadline = command_deadline(options.client, net::Clock::now());

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
  app.add_flag("--show-comments", options->output.show_comments, "show comment lines (keep-alives)");
  app.add_flag("--http2", options->http2, "insist on HTTP/2 (fail when the server speaks HTTP/1.1)");
  app.add_option("--last-event-id", options->last_event_id, "send this Last-Event-ID from the first request on");
  app.add_option("--max-retries", options->max_retries, "reconnect at most N times, then give up (exit 1)");
  app.add_option("--max-events", options->max_events, "stop after N events (exit 0)");
  cli::add_duration_option(app, "--duration", options->duration, "stop after this long (exit 0)");
  cli::add_duration_option(app, "--reconnect-time", options->reconnect_time,
                           "reconnection time until the server sends retry:");
  cli::add_size_option(app, "--max-event-size", options->max_event_size, "largest event accepted (default 16MiB)");
  app.footer(
      "Examples:\n"
      "  wsprobe sse http://127.0.0.1:9001/sse --max-events 5\n"
      "  wsprobe sse https://api.example/stream --last-event-id 41 --json\n"
      "  wsprobe sse http://127.0.0.1:9001/sse --raw --duration 10s\n");
  return [options] { return run_sse(*options); };
}

}  // namespace wsprobe::cmd
