#pragma once
// What `wsprobe connect` and `wsprobe send` print of a live session: readyState
// changes, messages, control frames, the close (with the code a browser's CloseEvent
// reports), frame traces with -v, errors and statistics; human lines or JSON Lines.
#include <cstdio>
#include <memory>
#include <string>

#include "output/options.h"
#include "codec/handshake_check.h"
#include "session/live_session.h"

namespace wsprobe::output {

enum class BinaryFormat { hex, base64, text, raw };

struct LiveOutputOptions {
  OutputOptions common;
  BinaryFormat binary_as = BinaryFormat::hex;
  bool full = false;          // whole payloads, however long
  bool show_control = false;  // pings and pongs from the peer
  bool show_stats = false;    // the human summary line (the JSON summary always has them)
  bool data_only = false;     // messages' data alone, one a line
};

class LiveReporter : public session::LiveObserver {
 public:
  virtual void connecting(const std::string& url) = 0;
  virtual void opened(const codec::Negotiated& negotiated) = 0;
  // A message we send, and a ping the user asked for (its pong is shown with the round trip).
  virtual void sent(codec::Opcode type, codec::ByteView payload) = 0;
  virtual void ping_sent(codec::ByteView payload) = 0;
  // A line for the user: input errors, /help.
  virtual void note(const std::string& text) = 0;
  // The run is over: messages and bytes each way, and how it ended.
  virtual void finish(const session::LiveStats& stats, const RunEnd& end) = 0;
};

std::unique_ptr<LiveReporter> make_live_reporter(const LiveOutputOptions& options, std::FILE* out);

}  // namespace wsprobe::output
