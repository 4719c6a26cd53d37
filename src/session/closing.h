#pragma once
// The client's side of the closing handshake on its own (RFC 6455 5.5.1, 7.1), as
// `wsprobe handshake` runs it: send a Close, read until the server's Close, then see
// how the server ends TCP. Frames that come after the server's Close are judged too.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "codec/engine.h"
#include "net/client.h"
#include "session/live_session.h"

namespace wsprobe::session {

struct CloseExchange {
  std::optional<codec::CloseFrame> server_close;  // the server's Close, when one came
  std::optional<codec::Violation> violation;      // the server broke a rule
  std::optional<double> close_ms;                 // our Close sent -> the server's Close read
  TcpEnd tcp = TcpEnd::left_open;
  std::optional<double> tcp_end_ms;               // our Close sent -> TCP closed or reset
  std::string tcp_error;                          // with TcpEnd::reset
  std::size_t messages_before_close = 0;          // data the server sent before its Close

  // As a browser's wasClean: both Closes, no rule broken, then the server closed TCP
  // (7.1.1: the server closes it first); a reset or TCP left open is not clean.
  bool closed_cleanly() const { return server_close && !violation && tcp == TcpEnd::closed_by_peer; }
};

// Called for each frame header read, for -v traces.
using FrameObserver = std::function<void(const codec::FrameHeader&)>;

// Sends a Close with `code` and `reason`, feeds `already_read` (bytes that came with
// the handshake response) and then the connection to an engine, and waits for the
// server's Close and its end of TCP until `deadline`.
CloseExchange exchange_close(net::Connection& connection, codec::Bytes already_read, codec::EngineOptions options,
                             std::uint16_t code, const std::string& reason, net::Deadline deadline,
                             const FrameObserver& observe = {});

}  // namespace wsprobe::session
