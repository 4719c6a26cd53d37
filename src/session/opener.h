#pragma once
// How the session layer gets a WebSocket connection without knowing the command
// line: cmd hands it a function that connects and completes the opening handshake.
#include <functional>
#include <memory>

#include "codec/engine.h"
#include "net/client.h"

namespace wsprobe::session {

// A connection past its opening handshake.
struct OpenedConnection {
  std::unique_ptr<net::Connection> connection;
  codec::Bytes after_head;
  codec::EngineOptions engine;
};
// Opens one; throws Error when the attempt fails.
using Opener = std::function<OpenedConnection(net::Deadline deadline)>;

}  // namespace wsprobe::session
