#pragma once
// How a command prints: the output options every subcommand takes.
namespace wsprobe::output {

struct OutputOptions {
  bool json = false;
  bool verbose = false;
  bool quiet = false;
  bool raw = false;
  bool show_secrets = false;
};

}  // namespace wsprobe::output
