#pragma once
// The options every client subcommand takes (conventions: common options), and
// helpers for options with units.
#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/units.h"
#include "output/options.h"
#include "output/style.h"

namespace wsprobe::cli {

struct ClientOptions {
  std::string url;
  std::vector<std::string> headers;       // -H 'Name: value', curl's rules
  std::optional<std::string> origin;
  std::vector<std::string> subprotocols;  // offered in order
  std::optional<std::string> deflate;     // --deflate[=PARAMS]: the permessage-deflate offer
  bool insecure = false;
  std::string cacert, cert, key;
  bool proxy_insecure = false;
  std::string proxy_cacert;
  std::optional<std::string> proxy;
  std::vector<std::string> resolve;       // HOST:PORT:ADDR, as curl's --resolve
  bool ipv4_only = false, ipv6_only = false;
  Milliseconds connect_timeout{10'000};
  std::optional<Milliseconds> timeout;    // the whole command
  std::uint64_t max_message_size = 16 * 1024 * 1024;
};

using output::OutputOptions;

// The URL and how to reach it: headers, proxy, TLS, resolution, timeouts.
void add_connection_options(CLI::App& app, ClientOptions& options);
// The URL and connection options, plus what a WebSocket client offers: origin,
// subprotocols, permessage-deflate, and the message size limit.
void add_client_options(CLI::App& app, ClientOptions& options);
void add_output_options(CLI::App& app, OutputOptions& options);
// --color=auto|always|never (part of add_output_options; serve takes it alone).
void add_color_option(CLI::App& app);
// --strict: a missed SHOULD fails the command (exit 1) instead of a non-strict line.
void add_strict_option(CLI::App& app, bool& strict);

// An option taking a duration with a unit ("250ms", "5s", "2m").
CLI::Option* add_duration_option(CLI::App& app, const std::string& name, Milliseconds& target,
                                 const std::string& description);
CLI::Option* add_duration_option(CLI::App& app, const std::string& name, std::optional<Milliseconds>& target,
                                 const std::string& description);
// An option taking a size ("512", "64KiB", "16MiB").
CLI::Option* add_size_option(CLI::App& app, const std::string& name, std::uint64_t& target,
                             const std::string& description);

// CLI11 reads "-1" into an unsigned option as a huge number; refuse a sign on every
// option of `command` whose type is unsigned (UINT), so counts stay counts.
void refuse_negative_counts(CLI::App& command);

}  // namespace wsprobe::cli
