#pragma once
// Crafted frames on an open connection, and the server's reaction to them: what
// `wsprobe send` does once, and `wsprobe check` once per case. The frames go out
// exactly as their specs say (delays and dribbles included, no automatic pongs); the
// server's frames, Close, pongs and end of TCP are recorded; then, if the server has
// not closed, the session ends with a closing handshake of ours, read to its end so
// that data after the server's Close is caught too.
#include <chrono>
#include <functional>
#include <optional>
#include <vector>

#include "codec/engine.h"
#include "codec/frame_spec.h"
#include "net/client.h"
#include "session/reaction.h"

namespace wsprobe::session {

// Messages sent as a client sends them (compressed when permessage-deflate was
// agreed), each once the server has sent back as many messages as went out before it.
struct MessageSeriesToSend {
  codec::Opcode type = codec::Opcode::text;
  std::size_t count = 0;
  std::size_t fragment_size = 0;  // payload bytes per frame; 0: one frame
  std::function<codec::ByteView(std::size_t index)> message;
};

struct FrameRunSettings {
  std::vector<codec::FrameSpec> specs;
  std::optional<MessageSeriesToSend> series;  // after the frames
  std::size_t write_chunk = 0;                // bytes per write; 0: as many as the socket takes
  std::chrono::milliseconds wait{2000};   // after the last frame, to record the reaction
  codec::EngineOptions engine;            // negotiated; traces are turned on, pongs off
  net::Deadline deadline = net::Deadline::max();
  // Ends the wait early once true (a check case whose expected events all came).
  std::function<bool(const Reaction&)> enough;
  // Each frame as it is sent, and each server frame kept, for live output.
  std::function<void(const codec::FrameHeader&, codec::ByteView payload)> on_sent;
  std::function<void(const TracedFrame&)> on_received;
};

struct FrameRun {
  Reaction reaction;
  codec::Bytes sent;       // every byte written, for what a strict server makes of it
  // How many of those bytes were written when the server first closed, ended TCP or
  // broke a rule: how far into our frames it failed the connection.
  std::optional<std::size_t> sent_when_server_ended;
  bool timed_out = false;  // the deadline cut the frames or the wait short, the reaction undecided
};

FrameRun run_frames(net::Connection& connection, codec::Bytes after_head, const FrameRunSettings& settings);

}  // namespace wsprobe::session
