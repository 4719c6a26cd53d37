#pragma once
// The one error type every layer raises for what ends a command: what kind of thing
// went wrong, a one-line message and, where one helps, a hint. Layers below cmd say
// only the kind; cmd maps kinds to the exit codes of the CLI contract, so a caller
// such as a conformance run can record a timeout as a result instead of exiting.
#include <cstdint>
#include <stdexcept>
#include <string>

namespace wsprobe {

enum class ErrorKind : std::uint8_t {
  usage,    // bad command line: option, URL, value
  refused,  // the peer broke the protocol or refused
  connect,  // could not connect: DNS, TCP, TLS, proxy; or the connection broke
  timeout,  // a deadline passed
};

class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, std::string what, std::string hint = {})
      : std::runtime_error(std::move(what)), kind_(kind), hint_(std::move(hint)) {}
  ErrorKind kind() const { return kind_; }
  const std::string& hint() const { return hint_; }

 private:
  ErrorKind kind_;
  std::string hint_;
};

// A bad value on the command line found after parsing, naming the option.
inline Error usage_error(std::string what, std::string hint = {}) {
  return Error(ErrorKind::usage, std::move(what), std::move(hint));
}

// Exit codes of the CLI contract.
enum ExitCode : int {
  exit_ok = 0,       // success
  exit_refused = 1,  // the peer broke the protocol or refused; a check failed
  exit_usage = 2,    // bad command line: option, URL, value
  exit_connect = 3,  // could not connect: DNS, TCP, TLS, proxy
  exit_timeout = 4,  // timed out
};

constexpr ExitCode exit_code_for(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::usage: return exit_usage;
    case ErrorKind::refused: return exit_refused;
    case ErrorKind::connect: return exit_connect;
    case ErrorKind::timeout: return exit_timeout;
  }
  return exit_refused;
}

}  // namespace wsprobe
