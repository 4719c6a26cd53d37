#pragma once
// Output for records printed by the million (SSE events): they gather in one buffer
// and leave in 64 KiB writes, as a file or pipe takes them best. On a terminal each
// record leaves at once, as the user watches for it.
#include <cstdio>
#include <string>

namespace wsprobe::output {

class RecordBuffer {
 public:
  explicit RecordBuffer(std::FILE* out);
  // Whatever is left goes out, even when an error ends the run early.
  ~RecordBuffer() { flush(); }
  RecordBuffer(const RecordBuffer&) = delete;
  RecordBuffer& operator=(const RecordBuffer&) = delete;

  // Where the next record is appended; call end_record() after it.
  std::string& text() { return pending_; }
  void end_record();
  // Everything gathered goes out now, flushed: before a line printed some other way, and
  // when input goes quiet.
  void flush();

 private:
  static constexpr std::size_t write_size = 64 * 1024;

  std::FILE* out_;
  bool flush_each_;
  std::string pending_;
};

}  // namespace wsprobe::output
