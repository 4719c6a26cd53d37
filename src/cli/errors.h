#pragma once
// Exit codes of the CLI contract and the one error type that carries them to main,
// which prints "wsprobe: error: WHAT (WHY)" and a hint line where one helps.
#include <stdexcept>
#include <string>

namespace wsprobe {

enum ExitCode : int {
  exit_ok = 0,       // success
  exit_refused = 1,  // the peer broke the protocol or refused; a check failed
  exit_usage = 2,    // bad command line: option, URL, value
  exit_connect = 3,  // could not connect: DNS, TCP, TLS, proxy
  exit_timeout = 4,  // timed out
};

class Failure : public std::runtime_error {
 public:
  Failure(ExitCode code, std::string what, std::string hint = {})
      : std::runtime_error(std::move(what)), code_(code), hint_(std::move(hint)) {}
  ExitCode code() const { return code_; }
  const std::string& hint() const { return hint_; }

 private:
  ExitCode code_;
  std::string hint_;
};

// A bad value on the command line found after parsing, naming the option.
inline Failure usage_error(std::string what, std::string hint = {}) {
  return Failure(exit_usage, std::move(what), std::move(hint));
}

}  // namespace wsprobe
