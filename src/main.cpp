// wsprobe: WebSocket and SSE inspection and conformance.
#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/errors.h"
#include "cli/completions.h"
#include "cli/help_format.h"
#include "cli/options.h"
#include "cli/usage_errors.h"
#include "output/json_lines.h"
#include "cmd/subcommands.h"
#include "base/escape.h"
#include "version.h"

namespace {

std::string subcommand_footer() {
  std::string text = "Subcommands:\n";
  for (const auto& sub : wsprobe::cmd::subcommands()) {
    text += fmt::format("  {:<10} {}{}\n", sub.name, sub.summary, sub.setup ? "" : " (planned)");
  }
  text +=
      "\nExit status: 0 success, 1 protocol violation or refusal, 2 usage,\n"
      "3 could not connect, 4 timed out.\n"
      "\nExamples:\n"
      "  wsprobe serve --port 9001 &                      # a strict server to try things on\n"
      "  wsprobe handshake ws://127.0.0.1:9001/           # the upgrade, checked rule by rule\n"
      "  wsprobe heartbeat wss://api.example/ws --idle    # how long does a quiet connection live?\n";
  return text;
}

// --json anywhere among the arguments: an error still ends the output with a summary.
bool json_asked(int argc, char** argv) {
  for (int at = 1; at < argc && std::string_view(argv[at]) != "--"; ++at) {
    if (std::string_view(argv[at]) == "--json") return true;
  }
  return false;
}

// The error line, then the hint line, which always ends with where to read more; with
// --json, the summary too, unless the command printed its own. Returns the exit code.
int fail(const std::string& what, const std::string& hint, std::string_view command, wsprobe::ErrorKind kind,
         bool json) {
  const std::string help = command.empty() ? "see 'wsprobe --help'" : fmt::format("see 'wsprobe {} --help'", command);
  // Messages may quote the peer (an sse Content-Type, a rule's detail): one plain line each.
  fmt::print(stderr, "wsprobe: error: {}\n", wsprobe::made_safe_for_terminal(what));
  fmt::print(stderr, "hint: {}\n", wsprobe::made_safe_for_terminal(hint.empty() ? help : hint + "; " + help));
  if (json && !wsprobe::output::json_summary_begun()) {
    auto summary = wsprobe::output::json_summary(command, wsprobe::output::run_end("", wsprobe::Error(kind, what)));
    wsprobe::output::emit_json_line(summary, stdout);
  }
  return wsprobe::exit_code_for(kind);
}

// A first word that is no subcommand: suggest the one meant, before CLI11 calls it an
// unexpected argument.
std::optional<std::string> mistyped_subcommand(int argc, char** argv) {
  if (argc < 2 || argv[1][0] == '-') return std::nullopt;
  std::vector<std::string_view> names;
  for (const auto& sub : wsprobe::cmd::subcommands()) names.push_back(sub.name);
  const std::string_view word = argv[1];
  if (std::find(names.begin(), names.end(), word) != names.end()) return std::nullopt;
  const auto near = wsprobe::cli::closest(word, names);
  return fmt::format("'{}' is not a subcommand{}", word, near ? "; did you mean " + *near + "?" : "");
}

// The arguments with each earlier option name of the chosen subcommand replaced by its
// current one ("--count 3" and "--count=3" alike), so that both reach the same option.
std::vector<std::string> with_current_option_names(int argc, char** argv) {
  std::vector<std::string> args(argv, argv + argc);
  if (args.size() < 2) return args;
  for (std::size_t at = 2; at < args.size() && args[at] != "--"; ++at) {
    for (const auto& rename : wsprobe::cmd::earlier_option_names()) {
      if (rename.subcommand != args[1]) continue;
      const std::string& arg = args[at];
      if (arg == rename.earlier) {
        args[at] = rename.current;
      } else if (arg.starts_with(rename.earlier) && arg[rename.earlier.size()] == '=') {
        args[at] = std::string(rename.current) + arg.substr(rename.earlier.size());
      }
    }
  }
  return args;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"wsprobe: inspect and test WebSocket (RFC 6455, RFC 7692) and Server-Sent Events endpoints",
               "wsprobe"};
  app.set_version_flag("-V,--version", fmt::format("wsprobe {}", wsprobe::version), "print the version and exit");
  app.set_help_flag("-h,--help", "print this help and exit");
  app.formatter(std::make_shared<wsprobe::cli::HelpFormatter>());
  app.footer(subcommand_footer());
  app.require_subcommand(0, 1);

  std::map<std::string, wsprobe::cli::Run, std::less<>> runs;
  for (const auto& sub : wsprobe::cmd::subcommands()) {
    if (!sub.setup) continue;
    CLI::App* command = app.add_subcommand(std::string(sub.name), std::string(sub.summary));
    // Subcommands have their own table in the footer; an empty group keeps CLI11's out of the help.
    command->group("");
    runs.emplace(sub.name, sub.setup(*command));
    wsprobe::cli::refuse_negative_counts(*command);
  }

  // `wsprobe --completions SHELL`: the completion script, from the tables just built.
  if (argc >= 2 && std::string_view(argv[1]) == "--completions") {
    const auto script = argc == 3 ? wsprobe::cli::completion_script(app, argv[2]) : std::nullopt;
    if (!script) return fail("--completions takes bash, zsh or fish", "", "", wsprobe::ErrorKind::usage, false);
    std::fputs(script->c_str(), stdout);
    return wsprobe::exit_ok;
  }
  const bool json = json_asked(argc, argv);
  if (const auto mistyped = mistyped_subcommand(argc, argv)) {
    return fail(*mistyped, "", "", wsprobe::ErrorKind::usage, json);
  }
  try {
    // CLI11 wants the arguments after the program name, last first.
    std::vector<std::string> args = with_current_option_names(argc, argv);
    args.erase(args.begin());
    std::reverse(args.begin(), args.end());
    app.parse(args);
  } catch (const CLI::CallForHelp&) {
    std::fputs(app.help().c_str(), stdout);
    return wsprobe::exit_ok;
  } catch (const CLI::CallForVersion& version) {
    std::puts(version.what());
    return wsprobe::exit_ok;
  } catch (const CLI::ParseError& error) {
    const CLI::App* command = app.get_subcommands().empty() ? &app : app.get_subcommands().front();
    return fail(wsprobe::cli::usage_error_text(error, *command), "", command == &app ? "" : command->get_name(),
                wsprobe::ErrorKind::usage, json);
  }

  if (app.get_subcommands().empty()) {
    return fail("a subcommand is required", "", "", wsprobe::ErrorKind::usage, json);
  }
  const std::string command = app.get_subcommands().front()->get_name();
  try {
    return runs.at(command)();
  } catch (const wsprobe::Error& failure) {
    return fail(failure.what(), failure.hint(), command, failure.kind(), json);
  } catch (const std::invalid_argument& bad_input) {  // the codec refusing our own command-line input
    return fail(bad_input.what(), "", command, wsprobe::ErrorKind::usage, json);
  }
}
