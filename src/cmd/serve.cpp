// wsprobe serve: the strict built-in WebSocket server, an echo over ws:// or wss://
// that closes with the rule's code on every violation. The fixture of the tests,
// and the default target of the README's first command.
#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <limits>
#include <memory>

#include "base/errors.h"
#include "cli/options.h"
#include "base/units.h"
#include "cli/usage_errors.h"
#include "cmd/commands.h"
#include "codec/http_syntax.h"
#include "net/server.h"
#include "net/tls.h"
#include "session/server_session.h"

namespace wsprobe::cmd {
namespace {

struct ServeOptions {
  std::uint16_t port = 9001;
  std::string host = "127.0.0.1";
  std::vector<std::string> subprotocols;
  std::uint64_t max_message_size = codec::default_max_message_size;
  bool deflate = false;
  Milliseconds handshake_timeout{10'000};
  session::ServerFaults faults;
  std::vector<std::string> close_after;
  std::vector<std::string> protocol_faults;  // --fault NAME
  std::uint64_t refuse_first = 0;
  Milliseconds sse_interval{1000};
  std::optional<Milliseconds> sse_retry;
  std::string tls_cert, tls_key;
  bool tls_self_signed = false;
  std::string tls_cert_out;
  bool verbose = false;
};

void write_certificate(const std::string& path, const std::string& pem) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file << pem;
  file.close();
  if (!file) throw usage_error("cannot write --tls-cert-out " + path + " (" + std::strerror(errno) + ")");
}

int serve(const ServeOptions& options) {
  for (const std::string& name : options.subprotocols) {
    if (!codec::is_token(name)) throw usage_error("--subprotocol '" + name + "' is not a token (RFC 6455 4.1)");
  }
  if (options.handshake_timeout.count() == 0) throw usage_error("--handshake-timeout must be longer than 0ms");
  if (options.sse_interval.count() == 0) throw usage_error("--sse-interval must be longer than 0ms");
  if (options.faults.ping_interval && options.faults.ping_interval->count() <= 0) {
    throw usage_error("--ping-interval must be longer than 0ms");
  }

  net::TlsContext tls;
  std::string self_signed_pem;
  if (options.tls_self_signed) {
    net::SelfSignedContext self_signed = net::self_signed_server_context();
    tls = std::move(self_signed.context);
    self_signed_pem = std::move(self_signed.certificate_pem);
  } else if (!options.tls_cert.empty()) {
    tls = net::server_context_from_files(options.tls_cert, options.tls_key);
  }

  net::ServerOptions server_options;
  server_options.host = options.host;
  server_options.port = options.port;
  server_options.tls = tls.get();
  session::ServerSessionOptions session_options;
  session_options.handshake.subprotocols = options.subprotocols;
  session_options.handshake.accept_deflate = options.deflate;
  session_options.max_message_size = options.max_message_size;
  session_options.sse = {options.sse_interval, options.sse_retry};
  session_options.faults = options.faults;
  server_options.refuse_first = options.refuse_first;
  if (!options.close_after.empty()) {
    const auto after = parse_duration(options.close_after[0]);
    unsigned code_value = 0;
    const std::string& code_text = options.close_after[1];
    const auto [end, error] = std::from_chars(code_text.data(), code_text.data() + code_text.size(), code_value);
    const bool code_ok = error == std::errc() && end == code_text.data() + code_text.size() && code_value <= 65535;
    const std::optional<std::uint16_t> code =
        code_ok ? std::optional<std::uint16_t>(static_cast<std::uint16_t>(code_value)) : std::nullopt;
    if (!after || !code) throw usage_error("--close-after takes a duration and a close code, e.g. --close-after 5s 1001");
    session_options.faults.close_after = *after;
    session_options.faults.close_code = *code;
  }
  for (const std::string& name : options.protocol_faults) {
    const auto names = session::protocol_fault_names();
    const auto found = std::find(names.begin(), names.end(), name);
    if (found == names.end()) {
      const std::vector<std::string_view> known(names.begin(), names.end());
      const auto near = cli::closest(name, known);
      throw usage_error("--fault: '" + name + "' is not a fault" + (near ? "; did you mean " + *near + "?" : ""));
    }
    session_options.faults.protocol.push_back(static_cast<session::ProtocolFault>(found - names.begin()));
  }
  server_options.make_connection = [session_options](bool refused) {
    return std::make_unique<session::ServerSession>(session_options, refused);
  };
  server_options.handshake_timeout = options.handshake_timeout;
  if (options.verbose) server_options.log = [](std::string_view line) { fmt::print(stderr, "{}\n", line); };
  net::Server server(std::move(server_options));

  if (!options.tls_cert_out.empty()) write_certificate(options.tls_cert_out, self_signed_pem);
  // Scripts and tests wait for this line to learn the port: it must not sit in a buffer.
  fmt::print("listening on {}\n", server.url());
  std::fflush(stdout);
  server.run();
  return exit_ok;
}

}  // namespace

cli::Run setup_serve(CLI::App& app) {
  auto options = std::make_shared<ServeOptions>();
  app.add_option("--port", options->port, "TCP port; 0 picks a free one")->capture_default_str()->type_name("PORT");
  app.add_option("--host", options->host, "address to listen on, e.g. 127.0.0.1, ::1, 0.0.0.0")
      ->capture_default_str()
      ->type_name("ADDR");
  app.add_option("-s,--subprotocol", options->subprotocols,
                 "a subprotocol to agree to (repeatable); the client's first offer among them wins")
      ->type_name("NAME");
  cli::add_size_option(app, "--max-message-size", options->max_message_size,
                       "largest message accepted, compressed and inflated; a larger one is closed with 1009 "
                       "(default 16MiB)");
  app.add_flag("--deflate", options->deflate,
               "accept the client's first valid permessage-deflate offer (RFC 7692) as offered: inflate its "
               "messages, compress the echoes");
  session::ServerFaults& faults = options->faults;
  cli::add_duration_option(app, "--drop-after", faults.drop_after,
                           "fault: close TCP without a Close this long after each upgrade");
  app.add_option("--close-after", options->close_after, "fault: send a Close with CODE this long after each upgrade")
      ->expected(2)
      ->type_name("DURATION CODE");
  app.add_option("--refuse-first", options->refuse_first, "fault: answer the first N connections with 503");
  cli::add_duration_option(app, "--idle-timeout", faults.idle_timeout,
                           "fault: Close 1001 after this long without a frame from the client");
  cli::add_duration_option(app, "--ping-interval", faults.ping_interval, "ping each client this often");
  cli::add_duration_option(app, "--pong-delay", faults.pong_delay, "fault: answer pings this late");
  app.add_option("--pong-delay-every", faults.pong_delay_every,
                 "fault: with --pong-delay, only every Nth pong is late; the others come at once")
      ->check(CLI::Range(std::uint64_t{1}, std::numeric_limits<std::uint64_t>::max()));
  app.add_flag("--no-pong", faults.no_pong, "fault: never answer pings");
  std::string fault_names;
  for (const std::string_view name : session::protocol_fault_names()) {
    fault_names += (fault_names.empty() ? "" : ", ") + std::string(name);
  }
  app.add_option("--fault", options->protocol_faults, "fault: break one rule on purpose (repeatable): " + fault_names)
      ->type_name("NAME");
  cli::add_duration_option(app, "--sse-interval", options->sse_interval, "time between the events of GET /sse");
  cli::add_duration_option(app, "--sse-retry", options->sse_retry, "send this reconnection time (retry:) on /sse");
  cli::add_duration_option(app, "--handshake-timeout", options->handshake_timeout,
                           "time from TCP connect to a complete request head");
  CLI::Option* cert = app.add_option("--tls-cert", options->tls_cert, "serve wss:// with this PEM certificate (chain)")
                          ->check(CLI::ExistingFile)
                          ->type_name("FILE");
  CLI::Option* key = app.add_option("--tls-key", options->tls_key, "the PEM private key of --tls-cert")
                         ->check(CLI::ExistingFile)
                         ->type_name("FILE");
  cert->needs(key);
  key->needs(cert);
  CLI::Option* self_signed =
      app.add_flag("--tls-self-signed", options->tls_self_signed,
                   "serve wss:// with a throwaway certificate for localhost, 127.0.0.1 and ::1, valid one day")
          ->excludes(cert)
          ->excludes(key);
  app.add_option("--tls-cert-out", options->tls_cert_out,
                 "write the --tls-self-signed certificate here (PEM), for clients' --cacert")
      ->needs(self_signed)
      ->type_name("FILE");
  app.add_flag("-v,--verbose", options->verbose, "log each connection's handshake and close to stderr");
  app.footer(
      "The first line on stdout is \"listening on ws://ADDRESS:PORT/\" (wss:// with TLS).\n"
      "SIGINT or SIGTERM sends Close 1001 to every open connection and exits 0.\n"
      "\n"
      "Examples:\n"
      "  wsprobe serve                      # echo on ws://127.0.0.1:9001/ until Ctrl-C\n"
      "  wsprobe serve --sse-interval 250ms # and events on http://127.0.0.1:9001/sse\n"
      "  wsprobe serve --tls-self-signed --tls-cert-out /tmp/wsprobe.pem   # clients: --cacert /tmp/wsprobe.pem\n");
  return [options] { return serve(*options); };
}

}  // namespace wsprobe::cmd
