#pragma once
// What every client subcommand derives from the common options: where to connect,
// the request to send, and the command's deadline.
#include "cli/errors.h"
#include "cli/options.h"
#include "codec/handshake_check.h"
#include "session/opening.h"
#include "codec/handshake.h"
#include "net/client.h"

namespace wsprobe::cmd {

net::ConnectSettings connect_settings(const cli::ClientOptions& options, const net::WsUrl& url);

// The opening handshake request: Host and target from the URL, a fresh key, the
// offered subprotocols, permessage-deflate when --deflate asks for it, the origin
// and the user's headers.
codec::HandshakeRequest handshake_request(const cli::ClientOptions& options, const net::WsUrl& url);

// The point at which --timeout ends the command (started now), or never.
net::Deadline command_deadline(const cli::ClientOptions& options, net::Clock::time_point started);

// The first failed check of a handshake response, as the error that ends a session
// before it opens.
Failure handshake_failure(const codec::HandshakeReport& report, const session::OpeningExchange& exchange);

}  // namespace wsprobe::cmd
