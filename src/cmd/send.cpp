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
#include "session/frame_run.h"
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
  OpenedSession opened = open_session(options.client, deadline, options.output);
  session::FrameRunSettings run_settings;
  run_settings.specs = std::move(specs);
  run_settings.wait = options.wait;
  run_settings.engine = opened.engine(options.client);
  run_settings.engine.close_timeout = options.close_timeout;
  run_settings.deadline = deadline;
  run_settings.on_sent = [&reporter](const codec::FrameHeader& header, codec::ByteView payload) {
    reporter->sent(header, payload);
  };
  run_settings.on_received = [&reporter](const session::TracedFrame& frame) { reporter->received(frame); };
  const session::FrameRun run = session::run_frames(*opened.connection, opened.exchange.after_head, run_settings);
  const session::Reaction& reaction = run.reaction;
  const bool timed_out = run.timed_out;

  const auto expected =
      session::expected_violation(run.sent, run_settings.engine.deflate, options.client.max_message_size);
  if (timed_out) {
    const Error failure(ErrorKind::timeout, "--timeout passed before the server's reaction was complete");
    reporter->finish(reaction, expected, {{}, failure.what()}, output::run_end("", failure));
    throw failure;
  }
  const session::Judgement judgement = session::judge(expected, reaction);
  std::optional<Error> failure;
  if (codec::any_fails(judgement.verdicts, options.strict)) failure = Error(ErrorKind::refused, judgement.summary);
  reporter->finish(reaction, expected, judgement, output::run_end("done", failure));
  if (failure) throw *failure;  // after the report: why, on stderr
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
