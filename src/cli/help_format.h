#pragma once
// --help as a user reads it: each option with one placeholder for its value
// ("--send TEXT", "--cacert FILE", "--close-after DURATION CODE") and nothing of
// CLI11's bookkeeping (no "TEXT:FILE", "x 2", "Excludes:" or "Needs:").
#include <CLI/CLI.hpp>

#include <string>

namespace wsprobe::cli {

class HelpFormatter : public CLI::Formatter {
 public:
  HelpFormatter() { column_width(36); }
  std::string make_option_opts(const CLI::Option* option) const override;
};

// The placeholder for a CLI11 type name: the validator's word when one was added
// ("TEXT:FILE" is FILE), the choices of a set ("{fixed,exponential}" is
// fixed|exponential), N for counts, NUMBER for fractions.
std::string placeholder_of(std::string type_name);

}  // namespace wsprobe::cli
