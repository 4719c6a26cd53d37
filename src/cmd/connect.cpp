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
#include "cli/line_editor.h"
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
  Milliseconds linger{1000};  // after the input: close once nothing has arrived for this long
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

// Standard input as the session reads it: typed lines when it is a terminal (slash
// commands; a prompt with line editing when standard output is a terminal too, so
// that no prompt lands in a file), else lines from a pipe or file, every one data.
class Input {
 public:
  Input(bool read, bool terminal_in, bool terminal_out) : reading_(read), typed_(read && terminal_in) {
    if (typed_ && terminal_out) editor_.emplace("> ");
  }
  bool reading() const { return reading_; }
  bool interactive() const { return typed_; }
  int fd() const { return editor_ ? editor_->fd() : STDIN_FILENO; }

  // Standard input is readable: the lines complete now (at the end, the last partial one).
  std::vector<std::string> read() {
    if (editor_) {
      auto lines = editor_->read();
      if (editor_->ended()) reading_ = false;
      return lines;
    }
    std::vector<std::string> lines;
    char chunk[4096];
    const ssize_t got = ::read(STDIN_FILENO, chunk, sizeof chunk);
    if (got <= 0) {
      reading_ = false;
      if (!partial_.empty()) lines.push_back(std::exchange(partial_, {}));
      return lines;
    }
    partial_.append(chunk, static_cast<std::size_t>(got));
    for (std::size_t end; (end = partial_.find('\n')) != std::string::npos; partial_.erase(0, end + 1)) {
      std::string_view line(partial_.data(), end);
      if (line.ends_with('\r')) line.remove_suffix(1);
      lines.emplace_back(line);
    }
    return lines;
  }

 private:
  bool reading_;
  bool typed_;
  std::optional<cli::LineEditor> editor_;
  std::string partial_;
};

// One live session: the messages to send first, then standard input, until a bound
// (--count, --wait, the quiet after the input, Ctrl-C, --timeout) or the server ends it.
class ConnectSession {
  // After a pipe's end, --linger's wait for quiet ends this long after the input at the latest.
  static constexpr std::chrono::seconds linger_cap{10};

 public:
  ConnectSession(const ConnectOptions& options, OpenedSession& opened, output::LiveReporter& reporter,
                 net::Deadline deadline)
      : options_(options), reporter_(reporter), deadline_(deadline),
        live_(*opened.connection, engine_options(options, opened), reporter),
        input_(!options.no_stdin, isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1),
        mode_(options.stdin_hex ? cli::LineMode::hex : options.stdin_binary ? cli::LineMode::binary : cli::LineMode::text) {
    live_.start(opened.exchange.after_head);
    if (options.no_stdin) input_ended();
  }

  int run(const std::vector<std::pair<codec::Opcode, codec::Bytes>>& messages) {
    for (const auto& [type, payload] : messages) send(type, payload);
    if (input_.interactive()) {
      reporter_.note("type a message and Enter to send it; /help lists commands; Ctrl-D or Ctrl-C closes");
    }
    const std::atomic<bool>& stop = net::stop_requested_on_signal();
    while (live_.state() != session::ReadyState::closed) {
      if (net::Clock::now() >= deadline_) {
        live_.drop();
        throw Error(ErrorKind::timeout, "--timeout passed during the session");
      }
      if (live_.state() == session::ReadyState::open) {
        if (const auto why = stop ? std::optional<std::string_view>("interrupted") : end_due()) end_session(*why);
      }
      live_.advance();  // the closing handshake's timeout
      if (live_.state() != session::ReadyState::closed) wait_and_serve();
    }
    return conclude();
  }

 private:
  static codec::EngineOptions engine_options(const ConnectOptions& options, OpenedSession& opened) {
    codec::EngineOptions engine = opened.engine(options.client, options.output.common.verbose);
    engine.close_timeout = options.close_timeout;
    return engine;
  }

  void send(codec::Opcode type, codec::ByteView payload) {
    reporter_.sent(type, payload);
    live_.send_message(type, payload);
  }

  void act(std::string_view line) {
    std::visit(
        [&](const auto& what) {
          using T = std::decay_t<decltype(what)>;
          if constexpr (std::is_same_v<T, cli::SendText>) {
            send(codec::Opcode::text, codec::as_bytes(what.text));
          } else if constexpr (std::is_same_v<T, cli::SendBinary>) {
            send(codec::Opcode::binary, what.bytes);
          } else if constexpr (std::is_same_v<T, cli::SendPing>) {
            reporter_.ping_sent(what.payload);
            live_.send_ping(what.payload);
          } else if constexpr (std::is_same_v<T, cli::SendPong>) {
            live_.send_pong(what.payload);
          } else if constexpr (std::is_same_v<T, cli::StartClose>) {
            end_ = "closed";
            live_.close(what.code, what.reason);
          } else if constexpr (std::is_same_v<T, cli::ShowHelp>) {
            reporter_.note(std::string(cli::slash_command_help()));
          } else {
            reporter_.note("error: " + what.why);
          }
        },
        cli::interpret_line(line, mode_, input_.interactive()));
  }

  // Ctrl-D at the prompt closes at once; the end of a pipe waits for the replies due
  // (end_due); --no-stdin runs until the server closes, Ctrl-C or --count.
  void input_ended() {
    input_end_ = net::Clock::now();
    if (options_.wait) {
      wait_end_ = *input_end_ + *options_.wait;
    } else if (options_.no_stdin || options_.count) {
      return;
    } else if (input_.interactive()) {
      wait_end_ = *input_end_;
    } else {
      wait_end_ = *input_end_ + linger_cap;  // a server that never stops talking
    }
  }

  // The bound that ends an open session now, if one does.
  std::optional<std::string_view> end_due() {
    const auto now = net::Clock::now();
    if (options_.count && live_.stats().messages_received >= *options_.count) return "count";
    if (wait_end_ && now >= *wait_end_) return "input_ended";
    // After the input, the replies still due: --count of them, or until the link is quiet.
    if (!input_end_ || options_.count || options_.no_stdin || options_.wait) return std::nullopt;
    if (live_.stats().bytes_received != bytes_seen_) {
      bytes_seen_ = live_.stats().bytes_received;
      last_arrival_ = now;
    }
    const auto quiet_since = std::max(*input_end_, last_arrival_);
    if (live_.buffered_amount() == 0 && now - quiet_since >= options_.linger) return "input_ended";
    return std::nullopt;
  }

  void end_session(std::string_view why) {
    end_ = why;
    if (options_.no_close) return live_.drop();
    live_.close(1000, "");
  }

  // One turn of the event loop: sleep in poll until the socket, standard input or the
  // next bound, then serve what is ready.
  void wait_and_serve() {
    pollfd fds[2] = {{live_.socket(), static_cast<short>(live_.reading_paused() ? 0 : POLLIN), 0},
                     {input_.fd(), 0, 0}};
    if (live_.buffered_amount() > 0) fds[0].events |= POLLOUT;
    // Backpressure, as bufferedAmount teaches it: read input only while little waits for the socket.
    const bool want_input = input_.reading() && live_.state() == session::ReadyState::open &&
                            live_.buffered_amount() < options_.buffer_limit;
    if (want_input) fds[1].events = POLLIN;
    const auto wait_ms = live_.read_pending() ? 0 : std::chrono::duration_cast<std::chrono::milliseconds>(
                                                         next_wake() - net::Clock::now()).count() + 1;
    if (::poll(fds, want_input ? 2 : 1, static_cast<int>(std::clamp<long long>(wait_ms, 0, 200))) < 0 && errno != EINTR) {
      live_.drop();
      return;
    }
    if (live_.read_pending() || (fds[0].revents & (POLLIN | POLLHUP | POLLERR))) live_.readable();
    if (fds[0].revents & POLLOUT) live_.writable();
    if (want_input && (fds[1].revents & (POLLIN | POLLHUP))) {
      for (const std::string& line : input_.read()) act(line);
      if (!input_.reading()) input_ended();
    }
  }

  // The next bound to check: --timeout, the engine's, and while open, the input's end.
  net::Deadline next_wake() const {
    net::Deadline next = deadline_;
    if (live_.state() == session::ReadyState::open) {
      if (wait_end_) next = std::min(next, *wait_end_);
      if (input_end_ && !options_.count && !options_.wait) {
        next = std::min(next, std::max(*input_end_, last_arrival_) + options_.linger);
      }
    }
    if (const auto engine_deadline = live_.next_deadline()) next = std::min(next, *engine_deadline);
    return next;
  }

  // The summary, then why the exit status is not 0, on stderr.
  int conclude() {
    const session::LiveClose& close = live_.close_report();
    std::optional<Error> failure;
    if (close.violation) {
      failure = Error(ErrorKind::refused, "the server broke a rule: " + close.violation->describe());
      end_ = "failed";  // wsprobe failed the connection
    } else if (!close.ended_well()) {
      failure = Error(ErrorKind::refused,
                      fmt::format("the connection did not close cleanly (CloseEvent code {})", close.event_code()));
    }
    reporter_.finish(live_.stats(), output::run_end(end_, failure));
    if (failure) throw *failure;
    return exit_ok;
  }

  const ConnectOptions& options_;
  output::LiveReporter& reporter_;
  const net::Deadline deadline_;
  session::LiveSession live_;
  Input input_;
  const cli::LineMode mode_;
  std::string_view end_ = "peer_closed";  // the man page's word for why the run ended
  std::optional<net::Deadline> input_end_, wait_end_;
  net::Clock::time_point last_arrival_{};
  std::uint64_t bytes_seen_ = 0;
};

int run_connect(const ConnectOptions& options) {
  const net::Deadline deadline = command_deadline(options.client, net::Clock::now());
  const auto messages = initial_messages(options);
  const auto reporter = output::make_live_reporter(options.output, stdout);
  reporter->connecting(net::parse_ws_url(options.client.url).text());
  OpenedSession opened = open_session(options.client, deadline, options.output.common);
  reporter->opened(opened.report.negotiated);
  // Installed once open: until then Ctrl-C ends the command at once.
  net::stop_requested_on_signal();
  return ConnectSession(options, opened, *reporter, deadline).run(messages);
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
      app.add_option("--send", "send this text message first (repeatable, in order)")
          ->type_name("TEXT")
          ->multi_option_policy(repeatable);
  options->send_binary = app.add_option("--send-binary", "send these hex bytes as a binary message first")
                             ->type_name("HEX")
                             ->multi_option_policy(repeatable);
  options->send_file = app.add_option("--send-file", "send this file as a binary message first")
                           ->multi_option_policy(repeatable)
                           ->check(CLI::ExistingFile)
                           ->type_name("FILE");
  app.add_flag("--stdin-binary", options->stdin_binary, "send each input line's bytes as a binary message");
  app.add_flag("--stdin-hex", options->stdin_hex, "decode each input line as hex, send it as binary")
      ->excludes("--stdin-binary");
  app.add_flag("--no-stdin", options->no_stdin, "do not read standard input");
  app.add_option("--count", options->count, "close after N messages received");
  cli::add_duration_option(app, "--wait", options->wait,
                           "after the input ends (or, with --no-stdin, once open), stay this long, then close");
  cli::add_duration_option(app, "--linger", options->linger,
                           "after the input ends, close once nothing has arrived for this long");
  app.add_flag("--no-close", options->no_close, "end by dropping TCP instead of the closing handshake");
  cli::add_size_option(app, "--buffer-limit", options->buffer_limit,
                       "read input only while fewer bytes than this wait for the socket (default 1MiB)");
  app.add_flag("--data-only", options->output.data_only,
               "print each message's data on a line of its own and nothing else (for pipes)")
      ->excludes("--json");
  app.add_flag("--stats", options->output.show_stats, "print messages and bytes each way and the send buffer's high-water mark");
  cli::add_duration_option(app, "--close-timeout", options->close_timeout,
                           "how long to wait for the server's part of the closing handshake");
  app.footer(
      "In a terminal, lines starting with / are commands: /ping [text], /pong [text], /binary HEX,\n"
      "/close [code [reason]], /help. Ctrl-D or Ctrl-C closes with 1000. When piped input ends,\n"
      "the replies still due come first: --count of them, or until --linger passes quietly.\n"
      "\n"
      "Examples:\n"
      "  wsprobe connect ws://127.0.0.1:9001/\n"
      "  echo hello | wsprobe connect ws://127.0.0.1:9001/ --json\n"
      "  wsprobe connect wss://api.example/ws --send '{\"op\":\"subscribe\"}' --no-stdin --count 10 -v\n");
  return [options] { return run_connect(*options); };
}

}  // namespace wsprobe::cmd
