// wsprobe send URL --frame SPEC...: frames exactly as written, valid or not, and how
// the server reacts, judged against what a strict server must do with them.
#include <CLI/CLI.hpp>

#include <thread>

#include "base/errors.h"
#include "cli/input_file.h"
#include "codec/frame_spec.h"
#include "cmd/client_common.h"
#include "cmd/commands.h"
#include "codec/message_encoder.h"
#include "output/send_report.h"
#include "session/reaction.h"

namespace wsprobe::cmd {
namespace {

struct SendOptions {
  cli::ClientOptions client;
  cli::OutputOptions output;
  std::vector<std::string> frames;
  Milliseconds wait{2000};
  Milliseconds close_timeout{5000};
  bool strict = false;
};

// The Close a crafted frame carries, as far as its payload says: a code when it has two
// bytes or more, the rest as its reason.
std::optional<codec::CloseFrame> crafted_close(const codec::BuiltFrame& frame) {
  if (frame.header.opcode != static_cast<std::uint8_t>(codec::Opcode::close)) return std::nullopt;
  codec::CloseFrame close;
  if (frame.payload.size() >= 2) {
    close.code = static_cast<std::uint16_t>(frame.payload[0] << 8 | frame.payload[1]);
    close.reason = std::string(codec::as_chars(frame.payload.subspan(2)));
  }
  return close;
}

bool is_valid_ping(const codec::BuiltFrame& frame) {
  return frame.header.opcode == static_cast<std::uint8_t>(codec::Opcode::ping) && frame.header.fin &&
         frame.header.rsv == 0 && frame.payload.size() <= codec::max_control_payload;
}

// The payload of a --frame ...:@FILE spec.
codec::Bytes read_spec_payload(const std::string& spec, const std::string& path) {
  cli::InputFile file = cli::read_input_file(path, codec::max_spec_payload);
  if (file.status == cli::InputFile::Status::ok) return std::move(file.bytes);
  throw usage_error("--frame '" + spec + "': " +
                        (file.status == cli::InputFile::Status::too_big ? "payload over 256 MiB" : "cannot read " + path),
                    "see 'man wsprobe' (SEND) for the syntax, e.g. --frame text/fin=0:Hel");
}

int run_send(const SendOptions& options) {
  std::vector<codec::FrameSpec> specs;
  for (const std::string& text : options.frames) {
    codec::FrameSpec spec = codec::parse_frame_spec(text);
    if (spec.payload_file) spec.payload = read_spec_payload(text, *spec.payload_file);
    specs.push_back(std::move(spec));
  }

  const net::Deadline deadline = command_deadline(options.client, net::Clock::now());
  const auto reporter = output::make_send_reporter(options.output, stdout);
  OpenedSession opened;
  try {
    opened = open_session(options.client, deadline, options.output);
  } catch (const Error& failure) {
    reporter->failed(exit_code_for(failure.kind()), failure.what());
    throw;
  }
  session::Reaction reaction;
  session::ReactionRecorder recorder(reaction, [&reporter](const session::TracedFrame& frame) { reporter->received(frame); });
  // Exactly the frames asked for: no automatic pongs. The server's Close is answered,
  // as a well-behaved client does.
  codec::EngineOptions engine = opened.engine(options.client, true);
  engine.auto_pong = false;
  engine.close_timeout = options.close_timeout;
  session::LiveSession live(*opened.connection, engine, recorder);
  live.start(opened.exchange.after_head);
  auto closed = [&] { return live.state() == session::ReadyState::closed; };
  auto read_until = [&](net::Deadline until) {
    while (!closed() && net::Clock::now() < until) live.wait(until);
  };

  codec::Bytes sent;  // everything written, for what a strict server should make of it
  // Frames still due when --timeout passes are not sent; the verdict then says so.
  auto stopped = [&] { return closed() || net::Clock::now() >= deadline; };
  for (const codec::FrameSpec& spec : specs) {
    read_until(std::min(deadline, net::Clock::now() + spec.delay));
    for (const codec::BuiltFrame& frame : codec::build_frames(spec)) {
      if (stopped()) break;
      reporter->sent(frame.header, frame.payload);
      const std::optional<codec::CloseFrame> close = crafted_close(frame);
      // Pongs are due to a valid Ping sent before our Close (5.5.2).
      if (is_valid_ping(frame) && live.state() == session::ReadyState::open) recorder.ping_sent(frame.payload);
      if (close) recorder.close_sent(close->code);
      std::size_t written = 0;  // a dribble may stop part way
      if (spec.dribble.count() == 0) {
        live.send_raw(frame.wire, close);
        written = frame.wire.size();
      } else {
        for (; written < frame.wire.size() && !stopped(); ++written) {
          const bool last = written + 1 == frame.wire.size();
          live.send_raw(codec::ByteView(frame.wire).subspan(written, 1), last ? close : std::nullopt);
          read_until(std::min(deadline, net::Clock::now() + spec.dribble));
        }
      }
      sent.insert(sent.end(), frame.wire.begin(), frame.wire.begin() + static_cast<std::ptrdiff_t>(written));
      recorder.frame_sent();
    }
    if (stopped()) break;
  }

  read_until(std::min(deadline, net::Clock::now() + options.wait));
  // --timeout cut the frames or the wait short before the server's reaction was decided.
  const bool timed_out = net::Clock::now() >= deadline && !closed() && !reaction.close && !reaction.violation;
  // A well-behaved client ends the session, and the closing handshake runs to its end:
  // frames the server sends after its Close are judged too (5.5.1).
  if (!timed_out) {
    reaction.ended_by_us = live.state() == session::ReadyState::open;
    live.close(1000, "");
    read_until(deadline);
  }
  live.drop();

  const auto expected = session::expected_violation(sent, engine.deflate, options.client.max_message_size);
  if (timed_out) {
    reporter->finish(reaction, expected, {{}, "--timeout passed before the server's reaction was complete"},
                     exit_timeout);
    throw Error(ErrorKind::timeout, "--timeout passed before the server's reaction was complete");
  }
  const session::Judgement judgement = session::judge(expected, reaction);
  const ExitCode code = codec::any_fails(judgement.verdicts, options.strict) ? exit_refused : exit_ok;
  reporter->finish(reaction, expected, judgement, code);
  if (code != exit_ok) throw Error(ErrorKind::refused, judgement.summary);  // after the report: why, on stderr
  return exit_ok;
}

}  // namespace

cli::Run setup_send(CLI::App& app) {
  auto options = std::make_shared<SendOptions>();
  cli::add_client_options(app, options->client);
  cli::add_output_options(app, options->output);
  app.add_option("--frame", options->frames, "a frame to send, valid or not (repeatable, in order; see below)")
      ->required()
      ->type_name("SPEC");
  cli::add_duration_option(app, "--wait", options->wait, "how long to record the reaction after the last frame");
  cli::add_duration_option(app, "--close-timeout", options->close_timeout,
                           "how long to wait for the server's part of the closing handshake");
  cli::add_strict_option(app, options->strict);
  app.footer(
      "SPEC is KIND[/FLAG...][:PAYLOAD]. KIND: text, binary, cont, close, ping, pong or 0-15.\n"
      "FLAGs: fin=0|1, rsv1, rsv2, rsv3, mask=off|on|KEYHEX, len=N, len16, len64, fragments=N,\n"
      "dribble=DURATION, delay=DURATION. PAYLOAD: TEXT, hex:HEX (HH*N repeats), @FILE, repeat:N:TEXT;\n"
      "for close, CODE[:REASON]. The man page has the details.\n"
      "\n" +
      std::string(verdict_help) +
      "\n"
      "Examples:\n"
      "  wsprobe send ws://127.0.0.1:9001/ --frame 3:                       # reserved opcode: expect 1002\n"
      "  wsprobe send ws://127.0.0.1:9001/ --frame text/fin=0:Hel --frame ping:x --frame cont:lo\n"
      "  wsprobe send ws://127.0.0.1:9001/ --frame text:hex:ce --frame cont/delay=1s:hex:ba   # UTF-8 split\n");
  return [options] { return run_send(*options); };
}

}  // namespace wsprobe::cmd
