#include "cmd/subcommands.h"

#include <array>

#include "cmd/commands.h"

namespace wsprobe::cmd {

std::span<const Subcommand> subcommands() {
  static constexpr std::array table = {
      Subcommand{"handshake", "show and verify the opening handshake", setup_handshake},
      Subcommand{"connect", "live session: messages, close, readyState, frames", setup_connect},
      Subcommand{"send", "send crafted frames and record the server's reaction", setup_send},
      Subcommand{"heartbeat", "ping/pong round trips, dead-peer and idle-timeout discovery", setup_heartbeat},
      Subcommand{"reconnect", "keep a connection up under a reconnect policy and report it", setup_reconnect},
      Subcommand{"sse", "tail a Server-Sent Events stream as EventSource parses it", setup_sse},
      Subcommand{"check", "conformance suite by RFC section, for CI", setup_check},
      Subcommand{"serve", "strict built-in WebSocket and SSE server", setup_serve},
  };
  return table;
}

std::span<const EarlierOptionName> earlier_option_names() {
  static constexpr std::array table = {
      // connect's --count counts messages received; heartbeat's counted pings sent.
      EarlierOptionName{"heartbeat", "--count", "--pings"},
      EarlierOptionName{"heartbeat", "--max", "--duration"},
      EarlierOptionName{"sse", "--reconnect-time", "--retry-interval"},
  };
  return table;
}

}  // namespace wsprobe::cmd
