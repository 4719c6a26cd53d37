#pragma once
// How a command prints: the output options every subcommand takes, and how a run
// ended, which every command's summary reports.
#include <optional>
#include <string>
#include <string_view>

#include "base/errors.h"

namespace wsprobe::output {

struct OutputOptions {
  bool json = false;
  bool verbose = false;
  bool quiet = false;
  bool raw = false;
  bool show_secrets = false;
};

// Why a run ended (one word from the man page's list), its exit code, and the error
// that made that code, if any.
struct RunEnd {
  std::string_view end;
  int exit_code = exit_ok;
  std::optional<std::string> error;
};

// The word for a run cut short by an error of this kind.
constexpr std::string_view end_for(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::usage: return "usage";
    case ErrorKind::connect: return "unreachable";
    case ErrorKind::timeout: return "timed_out";
    case ErrorKind::refused: return "failed";
  }
  return "failed";
}

// An empty `end` with a failure takes the failure's word.
inline RunEnd run_end(std::string_view end, const std::optional<Error>& failure) {
  if (!failure) return {end, exit_ok, std::nullopt};
  return {end.empty() ? end_for(failure->kind()) : end, exit_code_for(failure->kind()), std::string(failure->what())};
}

}  // namespace wsprobe::output
