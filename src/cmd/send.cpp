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
};

// Reads the server's frames into `reaction` until `until`, or until TCP ends.
class ReactionReader {
 public:
  ReactionReader(net::Connection& connection, const codec::AssemblerOptions& options, output::SendReporter& reporter,
                 session::Reaction& reaction)
      : connection_(connection), reporter_(reporter), reaction_(reaction), recorder_(reaction, clock_ms_),
        assembler_(options, recorder_), buffer_(64 * 1024) {}

  // Restarts the reaction clock: times count from our latest frame.
  void frame_sent() { sent_at_ = net::Clock::now(); }
  bool tcp_ended() const { return reaction_.tcp != session::TcpEnd::left_open; }

  void feed(codec::Bytes bytes) { process(bytes); }

  void read_until(net::Deadline until) {
    while (!tcp_ended()) {
      const net::ReadResult read = connection_.read_some(buffer_, until);
      clock_ms_ = net::elapsed_ms(sent_at_);
      if (read.status == net::ReadStatus::timeout || read.status == net::ReadStatus::would_block) return;
      if (read.status != net::ReadStatus::data) {
        reaction_.tcp = read.status == net::ReadStatus::eof ? session::TcpEnd::closed_by_server : session::TcpEnd::reset;
        reaction_.tcp_ms = clock_ms_;
        reaction_.tcp_error = read.error;
        return;
      }
      process(codec::MutableByteView(buffer_).first(read.size));
      if (net::Clock::now() >= until) return;  // a server that never stops sending cannot hold us
    }
  }

 private:
  void process(codec::MutableByteView bytes) {
    const std::size_t before = reaction_.received.size();
    // After the server's Close nothing more counts (7.1.7): only how TCP ends.
    if (!reaction_.close && !assembler_.failed()) assembler_.feed(bytes);
    for (std::size_t i = before; i < reaction_.received.size(); ++i) reporter_.received(reaction_.received[i]);
  }

  net::Connection& connection_;
  output::SendReporter& reporter_;
  session::Reaction& reaction_;
  double clock_ms_ = 0;
  net::Clock::time_point sent_at_ = net::Clock::now();
  session::ReactionRecorder recorder_;
  codec::MessageAssembler assembler_;
  codec::Bytes buffer_;
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
  OpenedSession opened;
  try {
    opened = open_session(options.client, deadline, options.output);
  } catch (const Error& failure) {
    reporter->failed(exit_code_for(failure.kind()), failure.what());
    throw;
  }
  const auto& connection = opened.connection;
  const codec::AssemblerOptions reading = opened.reading(options.client);

  session::Reaction reaction;
  ReactionReader reader(*connection, reading, *reporter, reaction);
  reader.feed(opened.exchange.after_head);

  codec::Bytes sent;  // everything written, for what a strict server should make of it
  // Frames still due when --timeout passes are not sent; the verdict then says so.
  auto stopped = [&] { return reader.tcp_ended() || net::Clock::now() >= deadline; };
  try {
    for (const codec::FrameSpec& spec : specs) {
      reader.read_until(std::min(deadline, net::Clock::now() + spec.delay));
      for (const codec::BuiltFrame& frame : codec::build_frames(spec)) {
        if (stopped()) break;
        reporter->sent(frame.header, frame.payload);
        std::size_t written = 0;  // a dribble may stop part way
        if (spec.dribble.count() == 0) {
          connection->send_all(frame.wire, deadline);
          written = frame.wire.size();
        } else {
          for (; written < frame.wire.size() && !stopped(); ++written) {
            connection->send_all(codec::ByteView(frame.wire).subspan(written, 1), deadline);
            reader.read_until(std::min(deadline, net::Clock::now() + spec.dribble));
          }
        }
        sent.insert(sent.end(), frame.wire.begin(), frame.wire.begin() + static_cast<std::ptrdiff_t>(written));
        reader.frame_sent();
      }
      if (stopped()) break;
    }
  } catch (const Error& failure) {
    // A timeout while writing is judged below, with the reaction so far.
    if (failure.kind() != ErrorKind::timeout) reaction.send_error = failure.what();
  }

  reader.read_until(std::min(deadline, net::Clock::now() + options.wait));
  // --timeout cut the frames or the wait short before the server's reaction was decided.
  const bool timed_out = net::Clock::now() >= deadline && !reader.tcp_ended() && !reaction.close && !reaction.violation;
  if (!reader.tcp_ended()) {
    // A well-behaved client ends the session: echo the server's Close, or start one.
    codec::Bytes payload;  // the server's code echoed; an empty Close answers an empty one
    if (!reaction.close) {
      payload = codec::build_close_payload(1000);
    } else if (reaction.close->code) {
      payload = codec::build_close_payload(*reaction.close->code);
    }
    try {
      connection->send_all(codec::MessageEncoder({.as = codec::Role::client}).control(codec::Opcode::close, payload),
                           deadline);
    } catch (const Error&) {
      // The server is gone already; its reaction is recorded.
    }
  }

  const auto expected = session::expected_violation(sent, reading.deflate);
  const session::Verdict verdict =
      timed_out ? session::Verdict{false, "--timeout passed before the server's reaction was complete"}
                : session::judge(expected, reaction);
  const ExitCode code = timed_out ? exit_timeout : verdict.as_required ? exit_ok : exit_refused;
  reporter->finish(reaction, expected, verdict, code);
  if (code != exit_ok) throw Error(kind_for(code), verdict.text);  // after the report: why, on stderr
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
  app.footer(
      "SPEC is KIND[/FLAG...][:PAYLOAD]. KIND: text, binary, cont, close, ping, pong or 0-15.\n"
      "FLAGs: fin=0|1, rsv1, rsv2, rsv3, mask=off|on|KEYHEX, len=N, len16, len64, fragments=N,\n"
      "dribble=DURATION, delay=DURATION. PAYLOAD: TEXT, hex:HEX (HH*N repeats), @FILE, repeat:N:TEXT;\n"
      "for close, CODE[:REASON]. The man page has the details.\n"
      "\n"
      "Examples:\n"
      "  wsprobe send ws://127.0.0.1:9001/ --frame 3:                       # reserved opcode: expect 1002\n"
      "  wsprobe send ws://127.0.0.1:9001/ --frame text/fin=0:Hel --frame ping:x --frame cont:lo\n"
      "  wsprobe send ws://127.0.0.1:9001/ --frame text:hex:ce --frame cont/delay=1s:hex:ba   # UTF-8 split\n");
  return [options] { return run_send(*options); };
}

}  // namespace wsprobe::cmd
