#include <cstdlib>

#include "codec/utf8.h"
#include "fuzz/targets.h"

namespace wsprobe::fuzz {
namespace {

using codec::ByteView;
using codec::Utf8Path;
using codec::Utf8Validator;

// Everything a validator tells about a text fed in two pieces.
struct Outcome {
  bool first_feed;
  bool second_feed;
  bool valid;
  bool complete;
  std::uint64_t error_offset;
  bool operator==(const Outcome&) const = default;
};

Outcome outcome_of(Utf8Path path, ByteView first, ByteView second) {
  Utf8Validator validator(path);
  const bool first_feed = validator.feed(first);
  const bool second_feed = validator.feed(second);
  return {first_feed, second_feed, validator.valid(), validator.complete(), validator.error_offset()};
}

}  // namespace

// Byte 0 places the split, in proportion to the length. The rest is a text, fed whole
// and in two pieces by every path this CPU runs: each must give the DFA's answers.
int utf8_fuzz(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const ByteView text(data + 1, size - 1);
  const ByteView first = text.first(text.size() * data[0] / 255);
  const ByteView second = text.subspan(first.size());

  const Outcome whole = outcome_of(Utf8Path::scalar, text, {});
  const Outcome split = outcome_of(Utf8Path::scalar, first, second);
  // However a text is split, its verdict and offset stay; a feed fails when its piece
  // holds the invalid byte or comes after it.
  if (whole.valid != split.valid || whole.complete != split.complete || whole.error_offset != split.error_offset) {
    std::abort();
  }
  const bool first_holds_error = !split.valid && split.error_offset < first.size();
  if (split.first_feed == first_holds_error || split.second_feed != split.valid) std::abort();
  for (Utf8Path path : {Utf8Path::sse42, Utf8Path::avx2}) {
    if (!codec::utf8_path_supported(path)) continue;
    if (outcome_of(path, text, {}) != whole || outcome_of(path, first, second) != split) std::abort();
  }
  if (codec::is_valid_utf8(text) != (whole.valid && whole.complete)) std::abort();
  return 0;
}

}  // namespace wsprobe::fuzz
