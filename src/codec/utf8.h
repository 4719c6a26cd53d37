#pragma once
// Incremental, fail-fast UTF-8 validation (RFC 3629, as RFC 6455 8.1 requires for text).
// A text may arrive in any number of pieces; the validator fails at the first byte
// that no valid UTF-8 text could contain, even when the sequence it breaks began in
// an earlier piece.
#include <cstdint>

#include "codec/bytes.h"

namespace wsprobe::codec {

class Utf8Validator {
 public:
  // Validates the next piece. Returns false at the first invalid byte, and from then on.
  bool feed(ByteView piece);

  // True when the text so far is valid and ends on a code point boundary, so a
  // message may end here. A sequence cut off at the end of a message is invalid.
  bool complete() const;

  // False once an invalid byte was fed.
  bool valid() const;

  // The offset, counted from the first byte fed since reset, of the first invalid
  // byte; equal to the bytes fed so far while the text is valid.
  std::uint64_t error_offset() const;

  void reset();

 private:
  std::uint32_t state_ = 0;   // DFA state (see utf8.cpp); 0 is the code point boundary
  std::uint64_t offset_ = 0;  // bytes accepted so far; once invalid, the offset of the invalid byte
};

// Whole-text validation: valid and complete.
bool is_valid_utf8(ByteView text);

}  // namespace wsprobe::codec
