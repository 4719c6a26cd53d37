#pragma once
// Shell completions for bash, zsh and fish, written from the same CLI11 tables that
// parse the command line and print --help, so that they never drift from the options.
// `wsprobe --completions SHELL` prints one; the build writes all three for install.
#include <CLI/CLI.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace wsprobe::cli {

// The script for `shell` ("bash", "zsh" or "fish"), or nothing for another name.
std::optional<std::string> completion_script(const CLI::App& app, std::string_view shell);

}  // namespace wsprobe::cli
