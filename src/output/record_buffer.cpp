#include "output/record_buffer.h"

#include <unistd.h>

#include <cerrno>
#include <cstddef>


namespace wsprobe::output {

RecordBuffer::RecordBuffer(std::FILE* out) : out_(out), flush_each_(isatty(fileno(out)) == 1) {
  pending_.reserve(write_size + 4096);
}

void RecordBuffer::end_record() {
  if (flush_each_ || pending_.size() >= write_size) flush();
}

// Straight to the file descriptor, after what the stream holds: going through stdio
// would copy every byte once more into its buffer.
void RecordBuffer::flush() {
  std::fflush(out_);
  const char* data = pending_.data();
  std::size_t left = pending_.size();
  while (left > 0) {
    const ssize_t written = ::write(fileno(out_), data, left);
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) break;  // a closed pipe or a full disk: the output is lost, as with stdio
    data += written;
    left -= static_cast<std::size_t>(written);
  }
  pending_.clear();
}

}  // namespace wsprobe::output
