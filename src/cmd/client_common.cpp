#include "cmd/client_common.h"

#include <fmt/format.h>

#include "codec/extensions.h"
#include "codec/http_syntax.h"
#include "output/handshake_text.h"
#include "output/style.h"

namespace wsprobe::cmd {

net::ConnectSettings connect_settings(const cli::ClientOptions& options, const net::WsUrl& url) {
  net::ConnectSettings settings;
  settings.url = url;
  settings.proxy = options.proxy;
  settings.resolve = options.resolve;
  settings.ip_version = options.ipv4_only   ? net::IpVersion::v4
                        : options.ipv6_only ? net::IpVersion::v6
                                            : net::IpVersion::any;
  settings.insecure = options.insecure;
  settings.cacert = options.cacert;
  settings.proxy_insecure = options.proxy_insecure;
  settings.proxy_cacert = options.proxy_cacert;
  settings.cert = options.cert;
  settings.key = options.key;
  settings.connect_timeout = options.connect_timeout;
  return settings;
}

codec::HandshakeRequest handshake_request(const cli::ClientOptions& options, const net::WsUrl& url) {
  codec::HandshakeRequest request;
  request.host = url.host_header();
  request.target = url.target;
  request.key = codec::random_key();
  request.subprotocols = options.subprotocols;
  request.origin = options.origin;
  request.headers = options.headers;
  if (options.deflate) {
    // "--deflate" alone offers the defaults; "--deflate='client_max_window_bits'" may
    // leave out the extension's name.
    std::string offer = *options.deflate == "true" ? std::string(codec::permessage_deflate) : *options.deflate;
    if (!offer.starts_with(codec::permessage_deflate)) offer = std::string(codec::permessage_deflate) + "; " + offer;
    try {
      codec::deflate_offer_from_text(offer);
    } catch (const std::invalid_argument& bad) {
      throw usage_error(std::string("--deflate: ") + bad.what());
    }
    request.extensions.push_back(offer);
  }
  return request;
}

net::HttpStreamSettings event_stream_request(const cli::ClientOptions& options) {
  const std::string& text = options.url;
  if (!(text.starts_with("http://") || text.starts_with("https://") || text.starts_with("HTTP://") ||
        text.starts_with("HTTPS://"))) {
    throw usage_error("bad URL '" + text + "' (an event stream needs an http:// or https:// URL)");
  }
  const net::WsUrl url = net::parse_ws_url(text);
  net::HttpStreamSettings request;
  request.connection = connect_settings(options, url);
  request.target = url.target;
  for (std::string_view line : {"Accept: text/event-stream", "Cache-Control: no-cache"}) {
    const std::string_view name = line.substr(0, line.find(':'));
    bool replaced = false;
    for (const std::string& mine : options.headers) {
      replaced = replaced || codec::iequals(std::string_view(mine).substr(0, mine.find(':')), name);
    }
    if (!replaced) request.headers.emplace_back(line);
  }
  for (const std::string& line : options.headers) {
    if (line.find(':') == std::string::npos) throw usage_error("header '" + line + "' is not 'Name: value'");
    if (codec::trim_ows(std::string_view(line).substr(line.find(':') + 1)).empty()) continue;  // a removal
    request.headers.push_back(line);
  }
  return request;
}

net::Deadline command_deadline(const cli::ClientOptions& options, net::Clock::time_point started) {
  return options.timeout ? started + *options.timeout : net::Deadline::max();
}

net::Deadline response_deadline(const cli::ClientOptions& options, net::Deadline deadline) {
  return std::min(deadline, net::Clock::now() + options.connect_timeout);
}

Error handshake_failure(const codec::HandshakeReport& report, const session::OpeningExchange& exchange) {
  if (exchange.response.status != 101) {
    return Error(ErrorKind::refused, fmt::format("the server refused the upgrade with status {}", exchange.response.status),
                 "wsprobe handshake URL shows the whole answer");
  }
  for (const auto& check : report.checks) {
    if (check.outcome != codec::Outcome::fail) continue;
    const auto& info = codec::rule_info(check.rule);
    return Error(ErrorKind::refused, fmt::format("invalid handshake response ({}: {}{})", info.section, info.summary,
                                                 check.detail.empty() ? "" : "; " + check.detail),
                 "wsprobe handshake URL shows every check");
  }
  return Error(ErrorKind::refused, "invalid handshake response");
}

codec::EngineOptions OpenedSession::engine(const cli::ClientOptions& options, bool trace_frames) const {
  return {.role = codec::Role::client,
          .max_message_size = options.max_message_size,
          .deflate = report.negotiated.deflate,
          .trace_frames = trace_frames};
}

OpenedSession open_session(const cli::ClientOptions& options, net::Deadline deadline,
                           const cli::OutputOptions& output) {
  const net::WsUrl url = net::parse_ws_url(options.url);
  const codec::RequestHead head = codec::build_request(handshake_request(options, url));
  // -v shows the raw handshake as `wsprobe handshake` does, the request before the wait.
  const bool show_heads = output.verbose && !output.json && !output.quiet;
  auto show = [&output](const std::vector<std::string>& lines) {
    for (const std::string& line : lines) output::write_text(stdout, line + "\n");
  };
  OpenedSession opened;
  opened.connection = net::Connection::open(connect_settings(options, url), deadline);
  if (show_heads) show(output::request_head_lines(head, output.show_secrets));
  opened.exchange =
      session::exchange_opening_handshake(*opened.connection, head, response_deadline(options, deadline));
  if (show_heads) show(output::response_head_lines(opened.exchange.response, output.show_secrets, output.raw));
  opened.report = codec::check_response(opened.exchange.response, head);
  if (!opened.report.upgraded()) throw handshake_failure(opened.report, opened.exchange);
  return opened;
}

}  // namespace wsprobe::cmd
