#pragma once
// A file named on the command line as a payload (--frame ...:@FILE, --send-file), read
// whole but never past a limit: /dev/zero or a huge file must give a usage error, not
// exhaust memory.
#include <cstddef>
#include <string>

#include "codec/bytes.h"

namespace wsprobe::cli {

// The largest payload a command line may ask for, from a file or otherwise.
constexpr std::size_t max_input_payload = 256 * 1024 * 1024;

struct InputFile {
  enum class Status { ok, unreadable, too_big };
  Status status = Status::ok;
  codec::Bytes bytes;  // with Status::ok
};

InputFile read_input_file(const std::string& path, std::size_t limit);

}  // namespace wsprobe::cli
