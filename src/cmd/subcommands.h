#pragma once
// The subcommand table (ninja's tool table): one place that names every subcommand,
// says what it does and how to set it up. --help and the README's table come from it.
#include <span>
#include <string_view>

#include "cli/command.h"

namespace wsprobe::cmd {

struct Subcommand {
  std::string_view name;
  std::string_view summary;
  cli::Setup setup;  // nullptr: planned, not built yet
};

std::span<const Subcommand> subcommands();

// An option that was renamed so that one name means one thing in every subcommand.
// The earlier name keeps working (main rewrites it before parsing) but is in no help.
struct EarlierOptionName {
  std::string_view subcommand;
  std::string_view earlier;
  std::string_view current;
};

std::span<const EarlierOptionName> earlier_option_names();

}  // namespace wsprobe::cmd
