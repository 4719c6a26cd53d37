#pragma once
// What every client subcommand derives from the common options: where to connect,
// the request to send, and the command's deadline.
#include "base/errors.h"
#include "cli/options.h"
#include "codec/engine.h"
#include "codec/handshake_check.h"
#include "session/opening.h"
#include "codec/handshake.h"
#include "net/client.h"
#include "net/http_stream.h"

namespace wsprobe::cmd {

net::ConnectSettings connect_settings(const cli::ClientOptions& options, const net::WsUrl& url);

// The opening handshake request: Host and target from the URL, a fresh key, the
// offered subprotocols, permessage-deflate when --deflate asks for it, the origin
// and the user's headers.
codec::HandshakeRequest handshake_request(const cli::ClientOptions& options, const net::WsUrl& url);

// The GET of an event stream: the http:// or https:// URL (a usage error otherwise),
// Accept and Cache-Control as browsers send them unless the user's -H replaces or
// (with "Name:") removes them, then the user's headers.
net::HttpStreamSettings event_stream_request(const cli::ClientOptions& options);

// How verdicts read, for the help of the commands that print them.
inline constexpr const char* verdict_help =
    "Each verdict names a rule, its RFC section and its level (MUST, SHOULD, MAY): pass;\n"
    "FAIL, a MUST broken (exit 1); non-strict, a SHOULD missed (exit 0, or 1 with --strict);\n"
    "info, allowed and worth knowing. Every reaction an RFC allows passes.\n";

// The point at which --timeout ends the command (started now), or never.
net::Deadline command_deadline(const cli::ClientOptions& options, net::Clock::time_point started);

// The first failed check of a handshake response, as the error that ends a session
// before it opens.
Error handshake_failure(const codec::HandshakeReport& report, const session::OpeningExchange& exchange);

// A WebSocket connection past a valid opening handshake.
struct OpenedSession {
  std::unique_ptr<net::Connection> connection;
  session::OpeningExchange exchange;
  codec::HandshakeReport report;

  // How to run the connection: as a client, with what was negotiated and
  // --max-message-size; `trace_frames` for -v frame lines.
  codec::EngineOptions engine(const cli::ClientOptions& options, bool trace_frames = false) const;
};

// Connects and completes the opening handshake; throws Failure when it cannot, or
// when the response breaks a rule (handshake_failure).
// With -v (human output), the request and response heads are printed as they go.
OpenedSession open_session(const cli::ClientOptions& options, net::Deadline deadline,
                           const cli::OutputOptions& output);

// Until when to wait for the upgrade response: --connect-timeout bounds it too, so that
// a server that accepts TCP and never answers cannot hold a command without --timeout.
net::Deadline response_deadline(const cli::ClientOptions& options, net::Deadline deadline);

}  // namespace wsprobe::cmd
