// wsprobe connect URL: a live session as a browser's WebSocket object shows it, with
// standard input (and --send options) as the messages to send.
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <map>

#include "base/errors.h"
#include "codec/hex.h"
#include "cli/input_file.h"
#include "cli/input_line.h"
#include "cmd/client_common.h"
#include "cmd/commands.h"
#include "net/signals.h"
#include "output/live_report.h"
#include "session/live_session.h"
#include "session/opening.h"

namespace wsprobe::cmd {
namespace {

struct ConnectOptions {
  cli::ClientOptions client;
  output::LiveOutputOptions output;
  bool stdin_binary = false, stdin_hex = false, no_stdin = false;
  std::optional<std::uint64_t> count;
  std::optional<Milliseconds> wait;
  bool no_close = false;
  std::uint64_t buffer_limit = 1024 * 1024;
  Milliseconds close_timeout{5000};
  // The --send, --send-binary and --send-file options, for their order on the command line.
  CLI::Option *send = nullptr, *send_binary = nullptr, *send_file = nullptr;
  CLI::App* app = nullptr;
};

// The messages of --send, --send-binary and --send-file, in command-line order.
std::vector<std::pair<codec::Opcode, codec::Bytes>> initial_messages(const ConnectOptions& options) {
  std::vector<std::pair<codec::Opcode, codec::Bytes>> messages;
  std::map<const CLI::Option*, std::size_t> used;
  for (const CLI::Option* option : options.app->parse_order()) {
    if (option != options.send && option != options.send_binary && option != options.send_file) continue;
    const std::string& value = option->results().at(used[option]++);
    if (option == options.send) {
      messages.emplace_back(codec::Opcode::text, codec::Bytes(value.begin(), value.end()));
    } else if (option == options.send_binary) {
      auto bytes = codec::parse_hex(value);
      if (!bytes) throw usage_error("--send-binary '" + value + "' is not hex bytes");
      messages.emplace_back(codec::Opcode::binary, std::move(*bytes));
    } else {
      cli::InputFile file = cli::read_input_file(value, cli::max_input_payload);
      if (file.status == cli::InputFile::Status::unreadable) {
        throw usage_error("--send-file " + value + " cannot be read");
      }
      if (file.status == cli::InputFile::Status::too_big) {
        throw usage_error("--send-file " + value + " is over 256 MiB");
      }
      messages.emplace_back(codec::Opcode::binary, std::move(file.bytes));
    }
  }
  return messages;
}

int run_connect(const ConnectOptions& options) {
  const auto started = net::Clock::now();
  const net::Deadline deadline = command_deadline(options.client, started);
  auto messages = initial_messages(options);
  const auto reporter = output::make_live_reporter(options.output, stdout);

  reporter->connecting(net::parse_ws_url(options.client.url).text());
  OpenedSession opened = open_session(options.client, deadline, options.output.common);
  // Installed once open: until then Ctrl-C ends the command at once.
  const std::atomic<bool>& stop = net::stop_requested_on_signal();
  net::Connection& connection = *opened.connection;
  reporter->opened(opened.report.negotiated);
  codec::EngineOptions engine = opened.engine(options.client, options.output.common.verbose);
  engine.close_timeout = options.close_timeout;
  session::LiveSession live(connection, engine, *reporter);
  live.start(opened.exchange.after_head);
  for (const auto& [type, payload] : messages) live.send_message(type, payload);

  const bool terminal = isatty(STDIN_FILENO) == 1;
  const cli::LineMode mode = options.stdin_hex      ? cli::LineMode::hex
                             : options.stdin_binary ? cli::LineMode::binary
                                                    : cli::LineMode::text;
  bool reading_stdin = !options.no_stdin;
  std::string partial_line;
  std::optional<net::Deadline> wait_end;
  bool stop_handled = false;
  if (options.no_stdin && options.wait) wait_end = net::Clock::now() + *options.wait;

  std::string_view end = "peer_closed";  // the man page's words for why a run ended
  auto end_session = [&](std::string_view why) {
    end = why;
    if (options.no_close) return live.drop();
    live.close(1000, "");
  };
  auto last_send = [&] {
    reading_stdin = false;
    if (options.wait) {
      wait_end = net::Clock::now() + *options.wait;
    } else if (!options.no_stdin) {
      end_session("input_ended");
    }
  };
  auto act = [&](std::string_view line) {
    const cli::InputAction action = cli::interpret_line(line, mode, terminal);
    std::visit(
        [&](const auto& what) {
          using T = std::decay_t<decltype(what)>;
          if constexpr (std::is_same_v<T, cli::SendText>) {
            live.send_message(codec::Opcode::text, codec::as_bytes(what.text));
          } else if constexpr (std::is_same_v<T, cli::SendBinary>) {
            live.send_message(codec::Opcode::binary, what.bytes);
          } else if constexpr (std::is_same_v<T, cli::SendPing>) {
            live.send_ping(what.payload);
          } else if constexpr (std::is_same_v<T, cli::SendPong>) {
            live.send_pong(what.payload);
          } else if constexpr (std::is_same_v<T, cli::StartClose>) {
            end = "closed";
            live.close(what.code, what.reason);
          } else if constexpr (std::is_same_v<T, cli::ShowHelp>) {
            reporter->note(std::string(cli::slash_command_help()));
          } else {
            reporter->note("error: " + what.why);
          }
        },
        action);
  };

  while (live.state() != session::ReadyState::closed) {
    const auto now = net::Clock::now();
    if (now >= deadline) {
      live.drop();
      throw Error(ErrorKind::timeout, "--timeout passed during the session");
    }
    if (stop && !stop_handled) {
      stop_handled = true;
      end_session("interrupted");
      continue;
    }
    if (options.count && live.stats().messages_received >= *options.count && live.state() == session::ReadyState::open) {
      end_session("count");
      continue;
    }
    if (wait_end && now >= *wait_end && live.state() == session::ReadyState::open) {
      end_session("input_ended");
      continue;
    }
    live.advance();  // the closing handshake's timeout
    if (live.state() == session::ReadyState::closed) break;

    pollfd fds[2] = {{connection.socket(), static_cast<short>(live.reading_paused() ? 0 : POLLIN), 0},
                     {STDIN_FILENO, 0, 0}};
    if (live.buffered_amount() > 0) fds[0].events |= POLLOUT;
    // Backpressure, as bufferedAmount teaches it: read input only while little waits for the socket.
    const bool want_input = reading_stdin && live.state() == session::ReadyState::open &&
                            live.buffered_amount() < options.buffer_limit;
    if (want_input) fds[1].events = POLLIN;
    net::Deadline next = deadline;
    if (wait_end && live.state() == session::ReadyState::open) next = std::min(next, *wait_end);
    if (const auto engine_deadline = live.next_deadline()) next = std::min(next, *engine_deadline);
    const auto wait_ms = live.read_pending() ? 0
                                             : std::clamp<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                                                         next - now).count() + 1,
                                                                     0, 200);
    if (::poll(fds, want_input ? 2 : 1, static_cast<int>(wait_ms)) < 0 && errno != EINTR) break;

    if (live.read_pending() || (fds[0].revents & (POLLIN | POLLHUP | POLLERR))) live.readable();
    if (fds[0].revents & POLLOUT) live.writable();
    if (want_input && (fds[1].revents & (POLLIN | POLLHUP))) {
      char chunk[4096];
      const ssize_t got = ::read(STDIN_FILENO, chunk, sizeof chunk);
      if (got <= 0) {
        if (!partial_line.empty()) act(std::exchange(partial_line, {}));
        last_send();
      } else {
        partial_line.append(chunk, static_cast<std::size_t>(got));
        for (std::size_t end; (end = partial_line.find('\n')) != std::string::npos;) {
          std::string_view line(partial_line.data(), end);
          if (line.ends_with('\r')) line.remove_suffix(1);
          act(line);
          partial_line.erase(0, end + 1);
        }
      }
    }
  }
  // The summary, then why the exit status is not 0, on stderr.
  const session::LiveClose& close = live.close_report();
  std::optional<Error> failure;
  if (close.violation) {
    failure = Error(ErrorKind::refused, "the server broke a rule: " + close.violation->describe());
  } else if (!close.ended_well()) {
    failure = Error(ErrorKind::refused,
                    fmt::format("the connection did not close cleanly (CloseEvent code {})", close.event_code()));
  }
  reporter->finish(live.stats(), output::run_end(end, failure));
  if (failure) throw *failure;
  return exit_ok;
}

}  // namespace

cli::Run setup_connect(CLI::App& app) {
  auto options = std::make_shared<ConnectOptions>();
  options->app = &app;
  cli::add_client_options(app, options->client);
  cli::add_output_options(app, options->output.common);
  app.add_option("--binary-as", options->output.binary_as, "show binary messages as hex, base64, text or raw")
      ->transform(CLI::CheckedTransformer(std::map<std::string, output::BinaryFormat>{
          {"hex", output::BinaryFormat::hex},
          {"base64", output::BinaryFormat::base64},
          {"text", output::BinaryFormat::text},
          {"raw", output::BinaryFormat::raw}}));
  app.add_flag("--full", options->output.full, "show long payloads whole");
  app.add_flag("--show-control", options->output.show_control, "show pings and pongs from the server");
  const auto repeatable = CLI::MultiOptionPolicy::TakeAll;
  options->send =
      app.add_option("--send", "send this text message first (repeatable, in order)")->multi_option_policy(repeatable);
  options->send_binary = app.add_option("--send-binary", "send these hex bytes as a binary message first")
                             ->multi_option_policy(repeatable);
  options->send_file = app.add_option("--send-file", "send this file as a binary message first")
                           ->multi_option_policy(repeatable)
                           ->check(CLI::ExistingFile);
  app.add_flag("--stdin-binary", options->stdin_binary, "send each input line's bytes as a binary message");
  app.add_flag("--stdin-hex", options->stdin_hex, "decode each input line as hex, send it as binary")
      ->excludes("--stdin-binary");
  app.add_flag("--no-stdin", options->no_stdin, "do not read standard input");
  app.add_option("--count", options->count, "close after N messages received");
  cli::add_duration_option(app, "--wait", options->wait,
                           "after the last send, keep the session open this long, then close");
  app.add_flag("--no-close", options->no_close, "end by dropping TCP instead of the closing handshake");
  cli::add_size_option(app, "--buffer-limit", options->buffer_limit,
                       "read input only while fewer bytes than this wait for the socket (default 1MiB)");
  app.add_flag("--stats", options->output.show_stats, "print messages and bytes each way and the send buffer's high-water mark");
  cli::add_duration_option(app, "--close-timeout", options->close_timeout,
                           "how long to wait for the server's part of the closing handshake");
  app.footer(
      "In a terminal, lines starting with / are commands: /ping [text], /pong [text], /binary HEX,\n"
      "/close [code [reason]], /help. EOF (Ctrl-D) or Ctrl-C closes with 1000.\n"
      "\n"
      "Examples:\n"
      "  wsprobe connect ws://127.0.0.1:9001/\n"
      "  echo hello | wsprobe connect ws://127.0.0.1:9001/ --json\n"
      "  wsprobe connect wss://api.example/ws --send '{\"op\":\"subscribe\"}' --no-stdin --count 10 -v\n");
  return [options] { return run_connect(*options); };
}

}  // namespace wsprobe::cmd
