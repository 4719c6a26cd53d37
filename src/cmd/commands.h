#pragma once
// The setup of each built subcommand, for the subcommand table.
#include "cli/command.h"

namespace wsprobe::cmd {

cli::Run setup_handshake(CLI::App& app);
cli::Run setup_sse(CLI::App& app);
cli::Run setup_connect(CLI::App& app);
cli::Run setup_send(CLI::App& app);
cli::Run setup_heartbeat(CLI::App& app);
cli::Run setup_reconnect(CLI::App& app);
cli::Run setup_serve(CLI::App& app);
cli::Run setup_check(CLI::App& app);

}  // namespace wsprobe::cmd
