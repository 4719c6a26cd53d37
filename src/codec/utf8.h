#pragma once
// Incremental, fail-fast UTF-8 validation (RFC 3629, as RFC 6455 8.1 requires for text).
// A text may arrive in any number of pieces; the validator fails at the first byte
// that no valid UTF-8 text could contain, even when the sequence it breaks began in
// an earlier piece.
#include <cstddef>
#include <cstdint>

#include "codec/bytes.h"

namespace wsprobe::codec {

// The ways to validate, all with the same answers: a DFA byte by byte (any CPU), and
// SSE4.2 or AVX2 checks that accept long valid runs 16 or 32 bytes at a time.
enum class Utf8Path { scalar, sse42, avx2 };

// Whether this CPU can run `path`; scalar runs everywhere.
bool utf8_path_supported(Utf8Path path);

// The fastest path this CPU runs, detected once.
Utf8Path best_utf8_path();

class Utf8Validator {
 public:
  // Code outside tests takes the default; tests and benchmarks name a path to check each
  // one against the DFA. A path this CPU lacks falls back to the DFA instead of faulting.
  explicit Utf8Validator(Utf8Path path = best_utf8_path());

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
  using ValidPrefix = std::size_t (*)(const std::uint8_t* bytes, std::size_t size);

  // feed() on the DFA alone.
  bool feed_dfa(ByteView piece);

  ValidPrefix valid_prefix_;  // the path's SIMD check; on the scalar path, one that proves nothing
  std::uint32_t state_ = 0;   // DFA state (see utf8.cpp); 0 is the code point boundary
  std::uint64_t offset_ = 0;  // bytes accepted so far; once invalid, the offset of the invalid byte
};

// Whole-text validation: valid and complete, on the best path.
bool is_valid_utf8(ByteView text);

}  // namespace wsprobe::codec
