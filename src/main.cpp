// wsprobe: WebSocket and SSE inspection and conformance.
#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include <cstdio>
#include <string>

#include "cmd/subcommands.h"
#include "version.h"

namespace {

// Exit codes of the CLI contract (README, man page).
constexpr int exit_usage = 2;

std::string subcommand_footer() {
  std::string text = "Subcommands:\n";
  for (const auto& sub : wsprobe::cmd::subcommands()) {
    text += fmt::format("  {:<10} {}{}\n", sub.name, sub.summary, sub.available ? "" : " (planned)");
  }
  text +=
      "\nExit status: 0 success, 1 protocol violation or refusal, 2 usage,\n"
      "3 could not connect, 4 timed out.\n";
  return text;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"wsprobe: inspect and test WebSocket (RFC 6455, RFC 7692) and Server-Sent Events endpoints",
               "wsprobe"};
  app.set_version_flag("--version", fmt::format("wsprobe {}", wsprobe::version));
  app.footer(subcommand_footer());
  app.require_subcommand(0, 1);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    std::fputs(app.help().c_str(), stdout);
    return 0;
  } catch (const CLI::CallForVersion& version) {
    std::puts(version.what());
    return 0;
  } catch (const CLI::ParseError& error) {
    fmt::print(stderr, "wsprobe: error: {}\n", error.what());
    fmt::print(stderr, "hint: see 'wsprobe --help'\n");
    return exit_usage;
  }

  if (app.get_subcommands().empty()) {
    std::fputs(app.help().c_str(), stdout);
    return exit_usage;
  }
  return 0;
}
