#pragma once
// How a subcommand plugs into main: its setup adds its options to its CLI11
// subcommand and returns the function that runs it, which returns the exit code or
// throws wsprobe::Error.
#include <functional>

namespace CLI {
class App;
}

namespace wsprobe::cli {

using Run = std::function<int()>;
using Setup = Run (*)(CLI::App& subcommand);

}  // namespace wsprobe::cli
