#pragma once
// Usage errors in the user's words, not CLI11's: the option named, what it takes
// said plainly ("a whole number", "one of auto, echo, no-echo"), and a suggestion for
// a mistyped subcommand or option.
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace CLI {
class App;
class ParseError;
}  // namespace CLI

namespace wsprobe::cli {

// The closest of `names` to `word` when it is close enough to be a slip (an edit
// distance of at most 2, or at most a third of its length).
std::optional<std::string> closest(std::string_view word, std::span<const std::string_view> names);

// One line for a parse error of `command` (the subcommand being parsed, or the
// top-level app).
std::string usage_error_text(const CLI::ParseError& error, const CLI::App& command);

}  // namespace wsprobe::cli
