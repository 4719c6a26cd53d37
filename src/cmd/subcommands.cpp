#include "cmd/subcommands.h"

#include <array>

namespace wsprobe::cmd {

std::span<const Subcommand> subcommands() {
  static constexpr std::array table = {
      Subcommand{"handshake", "show and verify the opening handshake", false},
      Subcommand{"connect", "live session: messages, close, readyState, frames", false},
      Subcommand{"send", "send crafted frames and record the server's reaction", false},
      Subcommand{"heartbeat", "ping/pong round trips, dead-peer and idle-timeout discovery", false},
      Subcommand{"reconnect", "keep a connection up under a reconnect policy and report it", false},
      Subcommand{"sse", "tail a Server-Sent Events stream as EventSource parses it", false},
      Subcommand{"check", "conformance suite by RFC section, JSON and JUnit reports", false},
      Subcommand{"serve", "strict built-in WebSocket and SSE server", false},
  };
  return table;
}

}  // namespace wsprobe::cmd
