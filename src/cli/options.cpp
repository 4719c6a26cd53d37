#include "cli/options.h"

#include <charconv>
#include <map>

namespace wsprobe::cli {
namespace {

Milliseconds duration_or_throw(const std::string& name, const std::string& text) {
  const auto duration = parse_duration(text);
  if (!duration) {
    throw CLI::ValidationError(name, "'" + text + "' is not a duration such as 250ms, 5s or 2m");
  }
  return *duration;
}

// curl's --resolve forms: [+]HOST:PORT:ADDR[,ADDR...] and -HOST:PORT (forget an entry).
// Checked here, so that a typo is a usage error naming the option, not a failed connect.
std::string check_resolve_entry(const std::string& entry) {
  const bool removal = entry.starts_with('-');
  const std::string_view text = std::string_view(entry).substr(removal || entry.starts_with('+') ? 1 : 0);
  const std::size_t host_end = text.find(':');
  const std::size_t port_end = host_end == std::string_view::npos ? host_end : text.find(':', host_end + 1);
  const std::string_view port =
      host_end == std::string_view::npos ? std::string_view() : text.substr(host_end + 1, port_end - host_end - 1);
  unsigned number = 0;
  const auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), number);
  const bool port_ok = error == std::errc() && end == port.data() + port.size() && number >= 1 && number <= 65535;
  const bool shape_ok = host_end != 0 && host_end != std::string_view::npos && port_ok &&
                        (removal ? port_end == std::string_view::npos
                                 : port_end != std::string_view::npos && port_end + 1 < text.size());
  if (shape_ok) return "";
  return "'" + entry + "' is not HOST:PORT:ADDR (or -HOST:PORT)";
}

}  // namespace

CLI::Option* add_duration_option(CLI::App& app, const std::string& name, Milliseconds& target,
                                 const std::string& description) {
  return app
      .add_option_function<std::string>(
          name, [&target, name](const std::string& text) { target = duration_or_throw(name, text); }, description)
      ->type_name("DURATION")
      ->default_str(format_duration(target));
}

CLI::Option* add_duration_option(CLI::App& app, const std::string& name, std::optional<Milliseconds>& target,
                                 const std::string& description) {
  return app
      .add_option_function<std::string>(
          name, [&target, name](const std::string& text) { target = duration_or_throw(name, text); }, description)
      ->type_name("DURATION");
}

CLI::Option* add_size_option(CLI::App& app, const std::string& name, std::uint64_t& target,
                             const std::string& description) {
  return app
      .add_option_function<std::string>(
          name,
          [&target, name](const std::string& text) {
            const auto size = parse_size(text);
            if (!size) throw CLI::ValidationError(name, "'" + text + "' is not a size such as 512, 64KiB or 16MiB");
            target = *size;
          },
          description)
      ->type_name("SIZE");
}

void add_connection_options(CLI::App& app, ClientOptions& options) {
  app.add_option("url", options.url, "the server's URL")->required()->type_name("URL");
  app.add_option("-H,--header", options.headers, "extra request header 'Name: value' (repeatable); 'Name:' removes one")
      ->type_name("HEADER");
  app.add_flag("-k,--insecure", options.insecure, "do not verify the server's TLS certificate");
  app.add_option("--cacert", options.cacert, "CA certificates (PEM) to verify the server with")->check(CLI::ExistingFile);
  app.add_option("--cert", options.cert, "client certificate (PEM)")->check(CLI::ExistingFile);
  app.add_option("--key", options.key, "client private key (PEM)")->check(CLI::ExistingFile);
  app.add_option("--proxy", options.proxy, "http:// or https:// proxy URL (a CONNECT tunnel); default: the *_proxy environment")
      ->type_name("URL");
  app.add_flag("--proxy-insecure", options.proxy_insecure, "do not verify an https:// proxy's TLS certificate");
  app.add_option("--proxy-cacert", options.proxy_cacert, "CA certificates (PEM) to verify an https:// proxy with")
      ->check(CLI::ExistingFile);
  app.add_option("--resolve", options.resolve, "HOST:PORT:ADDR: connect to ADDR for HOST:PORT (repeatable)")
      ->check(CLI::Validator(check_resolve_entry, "HOST:PORT:ADDR"));
  app.add_flag("-4,--ipv4", options.ipv4_only, "resolve names to IPv4 addresses only");
  app.add_flag("-6,--ipv6", options.ipv6_only, "resolve names to IPv6 addresses only")->excludes("--ipv4");
  add_duration_option(app, "--connect-timeout", options.connect_timeout, "limit for DNS, TCP, proxy and TLS, and again for the upgrade response");
  add_duration_option(app, "--timeout", options.timeout, "limit for the whole command");
}

void add_client_options(CLI::App& app, ClientOptions& options) {
  add_connection_options(app, options);
  app.add_option("--origin", options.origin, "Origin header");
  app.add_option("-s,--subprotocol", options.subprotocols, "offer a subprotocol (repeatable, in preference order)");
  // A flag that takes a value only as --deflate=PARAMS, so that it never swallows the
  // URL. Given bare, CLI11 stores "true": handshake_request reads that as the defaults.
  app.add_flag("--deflate", options.deflate, "offer permessage-deflate; --deflate=PARAMS offers these parameters")
      ->option_text("[=PARAMS]");
  add_size_option(app, "--max-message-size", options.max_message_size, "largest message accepted (default 16MiB)");
}

void add_output_options(CLI::App& app, OutputOptions& options) {
  app.add_flag("--json", options.json,
               "machine output: JSON Lines on stdout, a summary last (man wsprobe: JSON OUTPUT)");
  app.add_flag("-v,--verbose", options.verbose, "more detail: raw handshake, one line per frame");
  app.add_flag("-q,--quiet", options.quiet, "print only errors")->excludes("--verbose");
  app.add_flag("--raw", options.raw, "print peer bytes as they came, unescaped");
  app.add_flag("--show-secrets", options.show_secrets, "print Authorization, Cookie and similar headers in full");
  add_color_option(app);
}

void add_color_option(CLI::App& app) {
  app.add_option_function<output::ColorMode>(
         "--color", [](const output::ColorMode& mode) { output::set_color_mode(mode); },
         "colour: auto (on a terminal, unless NO_COLOR is set or TERM is dumb), always or never")
      ->transform(CLI::CheckedTransformer(std::map<std::string, output::ColorMode>{
          {"auto", output::ColorMode::automatic}, {"always", output::ColorMode::always}, {"never", output::ColorMode::never}}))
      ->option_text("auto|always|never");
}

void add_strict_option(CLI::App& app, bool& strict) {
  app.add_flag("--strict", strict, "a missed SHOULD fails too (exit 1), not only a broken MUST");
}

void refuse_negative_counts(CLI::App& command) {
  const CLI::Validator no_sign(
      [](std::string& text) { return text.starts_with('-') ? "'" + text + "' is not a whole number of 0 or more" : ""; },
      "");
  for (CLI::Option* option : command.get_options()) {
    if (option->get_type_name() == "UINT") option->check(no_sign);
  }
}

}  // namespace wsprobe::cli
