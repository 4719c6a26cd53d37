#pragma once
// The subcommand table (ninja's tool table): one place that names every subcommand,
// says what it does and whether it is built yet. --help and the README's table come
// from it.
#include <span>
#include <string_view>

namespace wsprobe::cmd {

struct Subcommand {
  std::string_view name;
  std::string_view summary;
  bool available;  // false: planned, not built yet
};

std::span<const Subcommand> subcommands();

}  // namespace wsprobe::cmd
