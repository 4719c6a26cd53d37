#include "codec/utf8_simd.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

#include <array>
#endif

namespace wsprobe::codec::utf8_simd {
namespace {

std::size_t proves_nothing(const std::uint8_t*, std::size_t) { return 0; }

}  // namespace

#if defined(__x86_64__) || defined(__i386__)
namespace {

// --- The rules, as three nibble tables ---------------------------------------------
//
// Every byte pair that no valid text holds falls in one of the classes below, and each
// class is the product of three sets: the first byte's high nibble, its low nibble, and
// the second byte's high nibble. So three 16-entry tables, indexed by those nibbles (one
// pshufb each), ANDed together give every byte the classes its pair breaks, a bit each.
// The only rule a pair cannot decide, that a 3- or 4-byte lead wants two or three
// continuation bytes, is checked apart (must_continue, in Sse42Scan::errors).

using NibbleSet = std::uint16_t;  // bit n: nibble n is in the set

constexpr NibbleSet nibbles(unsigned first, unsigned last) {
  NibbleSet set = 0;
  for (unsigned nibble = first; nibble <= last; ++nibble) set |= static_cast<NibbleSet>(1u << nibble);
  return set;
}
constexpr NibbleSet any_nibble = nibbles(0x0, 0xf);
constexpr NibbleSet ascii = nibbles(0x0, 0x7);         // 00-7F
constexpr NibbleSet continuation = nibbles(0x8, 0xb);  // 80-BF
constexpr NibbleSet lead = nibbles(0xc, 0xf);          // C0-FF

struct PairRule {
  std::uint8_t error;  // the class's bit; one class a bit, or the AND would mix classes
  NibbleSet first_high;
  NibbleSet first_low;
  NibbleSet second_high;
};

// Two continuations in a row. It is the one class whose bit is also set by must_continue,
// and it has to be bit 7, where must_continue leaves its mark.
constexpr std::uint8_t two_continuations = 0x80;

constexpr PairRule pair_rules[] = {
    {0x01, lead, any_nibble, ascii | lead},                      // a lead without a continuation
    {0x02, ascii, any_nibble, continuation},                     // a continuation after ASCII
    {0x04, nibbles(0xc, 0xc), nibbles(0x0, 0x1), continuation},  // C0, C1: overlong 2-byte forms
    {0x08, nibbles(0xe, 0xe), nibbles(0x0, 0x0), nibbles(0x8, 0x9)},  // E0 80-9F: overlong 3-byte
    {0x10, nibbles(0xe, 0xe), nibbles(0xd, 0xd), nibbles(0xa, 0xb)},  // ED A0-BF: surrogates
    // F0 80-8F, overlong 4-byte forms, and F5-FF 80-8F, above U+10FFFF: one product.
    {0x20, nibbles(0xf, 0xf), nibbles(0x0, 0x0) | nibbles(0x5, 0xf), nibbles(0x8, 0x8)},
    {0x40, nibbles(0xf, 0xf), nibbles(0x4, 0xf), nibbles(0x9, 0xb)},  // F4-FF 90-BF: above U+10FFFF
    {two_continuations, continuation, any_nibble, continuation},
};

constexpr bool one_class_a_bit() {
  std::uint8_t seen = 0;
  for (const PairRule& rule : pair_rules) {
    if (seen & rule.error) return false;
    seen |= rule.error;
  }
  return true;
}
static_assert(one_class_a_bit(), "two classes share a bit, so the tables' AND would mix them");

using NibbleTable = std::array<std::uint8_t, 16>;

constexpr NibbleTable table_of(NibbleSet PairRule::*nibble_set) {
  NibbleTable table{};
  for (const PairRule& rule : pair_rules) {
    for (unsigned nibble = 0; nibble < 16; ++nibble) {
      if (rule.*nibble_set >> nibble & 1) table[nibble] |= rule.error;
    }
  }
  return table;
}
constexpr NibbleTable first_high_table = table_of(&PairRule::first_high);
constexpr NibbleTable first_low_table = table_of(&PairRule::first_low);
constexpr NibbleTable second_high_table = table_of(&PairRule::second_high);

// A vector ends inside a sequence when one of its last three bytes is a lead that wants
// more bytes than follow it: saturating subtraction of these limits leaves nonzero there.
constexpr std::array<std::uint8_t, 32> open_sequence_limits = [] {
  std::array<std::uint8_t, 32> limits{};
  limits.fill(0xff);
  limits[29] = 0xef;  // F0-FF wants three more
  limits[30] = 0xdf;  // E0-FF wants two more
  limits[31] = 0xbf;  // C0-FF wants one more
  return limits;
}();

// `end` moved back before a sequence that the bytes up to it leave open. The checks
// below prove that no byte before `end` breaks a rule with the bytes before it, so
// bytes[0, end) is valid except for such a sequence.
std::size_t complete_prefix(const std::uint8_t* bytes, std::size_t end) {
  if (end >= 1 && bytes[end - 1] >= 0xc0) return end - 1;
  if (end >= 2 && bytes[end - 2] >= 0xe0) return end - 2;
  if (end >= 3 && bytes[end - 3] >= 0xf0) return end - 3;
  return end;
}

constexpr char byte_value(unsigned value) { return static_cast<char>(value); }

// A lead 2 back (E0-FF) or 3 back (F0-FF) wants this byte to be a continuation: the
// saturating subtractions leave the high bit set exactly there.
constexpr char third_byte_lead_floor = byte_value(0xe0 - 0x80);
constexpr char fourth_byte_lead_floor = byte_value(0xf0 - 0x80);

// --- SSE4.2: 16-byte vectors (pshufb and palignr are SSSE3) ------------------------

// Each SSE function carries the target, so that the rest of the project keeps the
// default flags and the binary runs on any x86-64 CPU.
[[gnu::target("sse4.2")]] __m128i load_128(const std::uint8_t* bytes) {
  return _mm_loadu_si128(reinterpret_cast<const __m128i*>(bytes));
}

[[gnu::target("sse4.2")]] __m128i high_nibbles_128(__m128i bytes) {
  return _mm_and_si128(_mm_srli_epi16(bytes, 4), _mm_set1_epi8(0x0f));
}

// The scan's state from one vector to the next.
struct Sse42Scan {
  static constexpr std::size_t width = 16;
  static constexpr std::size_t group = 4 * width;

  __m128i first_high;
  __m128i first_low;
  __m128i second_high;
  __m128i previous;  // the vector before; at first zero, as if the text followed ASCII
  __m128i open;      // nonzero when `previous` ends inside a sequence

  [[gnu::target("sse4.2")]] Sse42Scan()
      : first_high(load_128(first_high_table.data())),
        first_low(load_128(first_low_table.data())),
        second_high(load_128(second_high_table.data())),
        previous(_mm_setzero_si128()),
        open(_mm_setzero_si128()) {}

  // Nonzero in each byte of `current` that breaks a rule with the bytes before it.
  [[gnu::target("sse4.2")]] __m128i errors(__m128i current, __m128i before) const {
    const __m128i previous1 = _mm_alignr_epi8(current, before, 15);
    const __m128i pair_errors = _mm_and_si128(
        _mm_and_si128(_mm_shuffle_epi8(first_high, high_nibbles_128(previous1)),
                      _mm_shuffle_epi8(first_low, _mm_and_si128(previous1, _mm_set1_epi8(0x0f)))),
        _mm_shuffle_epi8(second_high, high_nibbles_128(current)));
    const __m128i must_continue =
        _mm_or_si128(_mm_subs_epu8(_mm_alignr_epi8(current, before, 14), _mm_set1_epi8(third_byte_lead_floor)),
                     _mm_subs_epu8(_mm_alignr_epi8(current, before, 13), _mm_set1_epi8(fourth_byte_lead_floor)));
    // Two continuations in a row are an error exactly where no lead wants them.
    return _mm_xor_si128(pair_errors, _mm_and_si128(must_continue, _mm_set1_epi8(byte_value(0x80))));
  }

  // Checks the next `group` bytes. Most text is all ASCII for long stretches: one test
  // of the high bits skips the rules for the whole group when no sequence is open.
  [[gnu::target("sse4.2")]] bool accept_group(const std::uint8_t* bytes) {
    const __m128i a = load_128(bytes), b = load_128(bytes + 16), c = load_128(bytes + 32), d = load_128(bytes + 48);
    if (_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(a, b), _mm_or_si128(c, d))) != 0 || !_mm_testz_si128(open, open)) {
      const __m128i found = _mm_or_si128(_mm_or_si128(errors(a, previous), errors(b, a)),
                                         _mm_or_si128(errors(c, b), errors(d, c)));
      if (!_mm_testz_si128(found, found)) return false;
      open = _mm_subs_epu8(d, load_128(open_sequence_limits.data() + 16));
    }
    previous = d;
    return true;
  }

  // Checks the next `width` bytes, past the last whole group.
  [[gnu::target("sse4.2")]] bool accept_vector(const std::uint8_t* bytes) {
    const __m128i current = load_128(bytes);
    const __m128i found = errors(current, previous);
    if (!_mm_testz_si128(found, found)) return false;
    previous = current;
    return true;
  }
};

// A group that fails is checked again a vector at a time, so that the prefix stops at
// the failing vector and the DFA walks fewer bytes to the error.
[[gnu::target("sse4.2")]] std::size_t valid_prefix_sse42(const std::uint8_t* bytes, std::size_t size) {
  Sse42Scan scan;
  std::size_t done = 0;
  while (done + Sse42Scan::group <= size && scan.accept_group(bytes + done)) done += Sse42Scan::group;
  while (done + Sse42Scan::width <= size && scan.accept_vector(bytes + done)) done += Sse42Scan::width;
  return complete_prefix(bytes, done);
}

// --- AVX2: 32-byte vectors ---------------------------------------------------------

[[gnu::target("avx2")]] __m256i load_256(const std::uint8_t* bytes) {
  return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(bytes));
}

[[gnu::target("avx2")]] __m256i broadcast_table(const NibbleTable& table) {
  return _mm256_broadcastsi128_si256(_mm_loadu_si128(reinterpret_cast<const __m128i*>(table.data())));
}

[[gnu::target("avx2")]] __m256i high_nibbles_256(__m256i bytes) {
  return _mm256_and_si256(_mm256_srli_epi16(bytes, 4), _mm256_set1_epi8(0x0f));
}

// Each byte of `current` with the one `back` places before it. AVX2's alignr shifts
// within each 16-byte lane, so its lower operand is the 32 bytes that straddle the two
// vectors: the upper lane of `before` and the lower lane of `current`.
template <int back>
[[gnu::target("avx2")]] __m256i bytes_back(__m256i current, __m256i before) {
  const __m256i straddle = _mm256_permute2x128_si256(before, current, 0x21);
  return _mm256_alignr_epi8(current, straddle, 16 - back);
}

// The same scan as Sse42Scan, on 32-byte vectors.
struct Avx2Scan {
  static constexpr std::size_t width = 32;
  static constexpr std::size_t group = 4 * width;

  __m256i first_high;
  __m256i first_low;
  __m256i second_high;
  __m256i previous;
  __m256i open;

  [[gnu::target("avx2")]] Avx2Scan()
      : first_high(broadcast_table(first_high_table)),
        first_low(broadcast_table(first_low_table)),
        second_high(broadcast_table(second_high_table)),
        previous(_mm256_setzero_si256()),
        open(_mm256_setzero_si256()) {}

  [[gnu::target("avx2")]] __m256i errors(__m256i current, __m256i before) const {
    const __m256i previous1 = bytes_back<1>(current, before);
    const __m256i pair_errors = _mm256_and_si256(
        _mm256_and_si256(_mm256_shuffle_epi8(first_high, high_nibbles_256(previous1)),
                         _mm256_shuffle_epi8(first_low, _mm256_and_si256(previous1, _mm256_set1_epi8(0x0f)))),
        _mm256_shuffle_epi8(second_high, high_nibbles_256(current)));
    const __m256i must_continue =
        _mm256_or_si256(_mm256_subs_epu8(bytes_back<2>(current, before), _mm256_set1_epi8(third_byte_lead_floor)),
                        _mm256_subs_epu8(bytes_back<3>(current, before), _mm256_set1_epi8(fourth_byte_lead_floor)));
    return _mm256_xor_si256(pair_errors, _mm256_and_si256(must_continue, _mm256_set1_epi8(byte_value(0x80))));
  }

  [[gnu::target("avx2")]] bool accept_group(const std::uint8_t* bytes) {
    const __m256i a = load_256(bytes), b = load_256(bytes + 32), c = load_256(bytes + 64), d = load_256(bytes + 96);
    const __m256i any = _mm256_or_si256(_mm256_or_si256(a, b), _mm256_or_si256(c, d));
    if (_mm256_movemask_epi8(any) != 0 || !_mm256_testz_si256(open, open)) {
      const __m256i found = _mm256_or_si256(_mm256_or_si256(errors(a, previous), errors(b, a)),
                                            _mm256_or_si256(errors(c, b), errors(d, c)));
      if (!_mm256_testz_si256(found, found)) return false;
      open = _mm256_subs_epu8(d, load_256(open_sequence_limits.data()));
    }
    previous = d;
    return true;
  }

  [[gnu::target("avx2")]] bool accept_vector(const std::uint8_t* bytes) {
    const __m256i current = load_256(bytes);
    const __m256i found = errors(current, previous);
    if (!_mm256_testz_si256(found, found)) return false;
    previous = current;
    return true;
  }
};

[[gnu::target("avx2")]] std::size_t valid_prefix_avx2(const std::uint8_t* bytes, std::size_t size) {
  Avx2Scan scan;
  std::size_t done = 0;
  while (done + Avx2Scan::group <= size && scan.accept_group(bytes + done)) done += Avx2Scan::group;
  while (done + Avx2Scan::width <= size && scan.accept_vector(bytes + done)) done += Avx2Scan::width;
  return complete_prefix(bytes, done);
}

// Read once: what the CPU runs cannot change while the program runs.
struct CpuFeatures {
  bool sse42;
  bool avx2;
};

CpuFeatures detect_cpu_features() {
  // Needed should the first call come from a static initializer that runs before the
  // runtime's own; harmless otherwise.
  __builtin_cpu_init();
  return {__builtin_cpu_supports("sse4.2") != 0, __builtin_cpu_supports("avx2") != 0};
}

}  // namespace

bool cpu_supports(Utf8Path path) {
  static const CpuFeatures features = detect_cpu_features();
  return path == Utf8Path::scalar || (path == Utf8Path::sse42 && features.sse42) ||
         (path == Utf8Path::avx2 && features.avx2);
}

ValidPrefix valid_prefix_for(Utf8Path path) {
  if (!cpu_supports(path)) return proves_nothing;
  if (path == Utf8Path::avx2) return valid_prefix_avx2;
  if (path == Utf8Path::sse42) return valid_prefix_sse42;
  return proves_nothing;
}

#else  // Other architectures have only the DFA.

bool cpu_supports(Utf8Path path) { return path == Utf8Path::scalar; }

ValidPrefix valid_prefix_for(Utf8Path) { return proves_nothing; }

#endif

}  // namespace wsprobe::codec::utf8_simd
