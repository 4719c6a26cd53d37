#include "output/record_buffer.h"

#include <unistd.h>

#include "output/style.h"

namespace wsprobe::output {

RecordBuffer::RecordBuffer(std::FILE* out) : out_(out), flush_each_(isatty(fileno(out)) == 1) {
  pending_.reserve(write_size + 4096);
}

void RecordBuffer::end_record() {
  if (flush_each_ || pending_.size() >= write_size) flush();
}

void RecordBuffer::flush() {
  write_text(out_, pending_);
  pending_.clear();
}

}  // namespace wsprobe::output
