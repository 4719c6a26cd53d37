#include "codec/utf8.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstring>

#include "codec/utf8_simd.h"

namespace wsprobe::codec {
namespace {

// A shift-based DFA: a state is a bit offset (a multiple of 6), and transitions[byte]
// holds, at each state's offset, the 6-bit offset of the state that byte leads to. One
// step is `transitions[byte] >> state`, whose only dependency on the previous step is a
// single shift, so the multi-byte path runs close to one byte per cycle. Only the low 6
// bits of the shifted row are meaningful; they are masked off when the state is read.
// The states follow the table in RFC 3629 section 4, one per set of allowed next bytes.
enum : std::uint32_t {
  boundary = 0,   // between code points
  reject = 6,     // an invalid byte was seen; every byte keeps it here
  tail1 = 12,     // one more 80-BF
  tail2 = 18,     // two more 80-BF
  after_e0 = 24,  // A0-BF then one more: no overlong 3-byte forms
  after_ed = 30,  // 80-9F then one more: no surrogates
  after_f0 = 36,  // 90-BF then two more: no overlong 4-byte forms
  after_f1 = 42,  // 80-BF then two more (F1-F3)
  after_f4 = 48,  // 80-8F then two more: nothing above U+10FFFF
};
constexpr std::uint32_t state_mask = 63;
static_assert(after_f4 + 6 <= 64, "every state's 6-bit field must fit in a 64-bit row");

constexpr std::uint32_t next_state(std::uint32_t state, std::uint8_t byte) {
  const auto in = [byte](unsigned low, unsigned high) { return byte >= low && byte <= high; };
  switch (state) {
    case boundary:
      if (byte <= 0x7f) return boundary;
      if (in(0xc2, 0xdf)) return tail1;
      if (byte == 0xe0) return after_e0;
      if (byte == 0xed) return after_ed;
      if (in(0xe1, 0xef)) return tail2;
      if (byte == 0xf0) return after_f0;
      if (in(0xf1, 0xf3)) return after_f1;
      if (byte == 0xf4) return after_f4;
      return reject;
    case tail1: return in(0x80, 0xbf) ? boundary : reject;
    case tail2: return in(0x80, 0xbf) ? tail1 : reject;
    case after_e0: return in(0xa0, 0xbf) ? tail1 : reject;
    case after_ed: return in(0x80, 0x9f) ? tail1 : reject;
    case after_f0: return in(0x90, 0xbf) ? tail2 : reject;
    case after_f1: return in(0x80, 0xbf) ? tail2 : reject;
    case after_f4: return in(0x80, 0x8f) ? tail2 : reject;
    default: return reject;
  }
}

constexpr std::array<std::uint64_t, 256> make_transitions() {
  std::array<std::uint64_t, 256> rows{};
  for (unsigned byte = 0; byte < 256; ++byte) {
    for (std::uint32_t state = boundary; state <= after_f4; state += 6) {
      rows[byte] |= std::uint64_t{next_state(state, static_cast<std::uint8_t>(byte))} << state;
    }
  }
  return rows;
}
constexpr std::array<std::uint64_t, 256> transitions = make_transitions();

// The state after `count` bytes, masked.
std::uint32_t run(std::uint32_t state, const std::uint8_t* bytes, std::size_t count) {
  std::uint64_t row_state = state;
  for (std::size_t i = 0; i < count; ++i) row_state = transitions[bytes[i]] >> (row_state & state_mask);
  return static_cast<std::uint32_t>(row_state & state_mask);
}

// The bytes still to come in the sequence that `state` is inside; 0 between code points.
constexpr std::size_t bytes_to_boundary(std::uint32_t state) {
  switch (state) {
    case tail1: return 1;
    case tail2:
    case after_e0:
    case after_ed: return 2;
    case after_f0:
    case after_f1:
    case after_f4: return 3;
    default: return 0;
  }
}

// The index of the byte that moves `state` to reject; the caller knows there is one.
std::size_t first_rejected(std::uint32_t state, const std::uint8_t* bytes) {
  std::size_t i = 0;
  while ((state = static_cast<std::uint32_t>(transitions[bytes[i]] >> state & state_mask)) != reject) ++i;
  return i;
}

// The ASCII fast path reads a block as four 64-bit words: one test of the OR of their
// high bits skips 32 bytes. memcpy keeps the loads unaligned-safe and portable, and
// compiles to plain moves.
constexpr std::size_t block_size = 32;
constexpr std::uint64_t high_bits = 0x8080808080808080;

std::uint64_t load_word(const std::uint8_t* bytes) {
  std::uint64_t word;
  std::memcpy(&word, bytes, sizeof word);
  return word;
}

bool is_ascii_block(const std::uint8_t* bytes) {
  return ((load_word(bytes) | load_word(bytes + 8) | load_word(bytes + 16) | load_word(bytes + 24)) & high_bits) == 0;
}

}  // namespace

Utf8Path best_utf8_path() {
  static const Utf8Path best = utf8_path_supported(Utf8Path::avx2)    ? Utf8Path::avx2
                               : utf8_path_supported(Utf8Path::sse42) ? Utf8Path::sse42
                                                                      : Utf8Path::scalar;
  return best;
}

bool utf8_path_supported(Utf8Path path) { return utf8_simd::cpu_supports(path); }

Utf8Validator::Utf8Validator(Utf8Path path) : valid_prefix_(utf8_simd::valid_prefix_for(path)) {}

// The SIMD check only accepts, and the DFA decides everything else, so that every path
// gives the DFA's answers: the same offsets, and the same fail-fast across pieces.
bool Utf8Validator::feed(ByteView piece) {
  if (state_ == reject) return false;
  // The SIMD check must start between code points: the DFA first finishes a sequence
  // begun in an earlier piece (which leaves nothing when the piece ends before it does).
  const std::size_t sequence_end = std::min(piece.size(), bytes_to_boundary(state_));
  if (!feed_dfa(piece.first(sequence_end))) return false;
  const ByteView rest = piece.subspan(sequence_end);
  const std::size_t proven = valid_prefix_(rest.data(), rest.size());
  offset_ += proven;
  return feed_dfa(rest.subspan(proven));
}

bool Utf8Validator::feed_dfa(ByteView piece) {
  const std::uint8_t* bytes = piece.data();
  const std::size_t size = piece.size();
  std::uint32_t state = state_;
  std::size_t done = 0;
  // Blocks are checked for reject only at their end, which keeps the DFA loop free of
  // branches; the rare failing block is walked again to find the exact byte.
  while (done < size) {
    const std::size_t count = size - done < block_size ? size - done : block_size;
    if (count == block_size && state == boundary && is_ascii_block(bytes + done)) {
      done += block_size;
      continue;
    }
    const std::uint32_t next = run(state, bytes + done, count);
    if (next == reject) {
      offset_ += done + first_rejected(state, bytes + done);
      state_ = reject;
      return false;
    }
    state = next;
    done += count;
  }
  state_ = state;
  offset_ += size;
  return true;
}

bool Utf8Validator::complete() const { return state_ == boundary; }

bool Utf8Validator::valid() const { return state_ != reject; }

std::uint64_t Utf8Validator::error_offset() const { return offset_; }

void Utf8Validator::reset() {
  state_ = boundary;
  offset_ = 0;
}

bool is_valid_utf8(ByteView text) {
  Utf8Validator validator;
  return validator.feed(text) && validator.complete();
}

}  // namespace wsprobe::codec
