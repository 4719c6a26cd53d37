#include "codec/utf8.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <ostream>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "codec/utf8_simd.h"
#include "support/chunks.h"

namespace wsprobe::codec {

// Names a path in test names and failure messages.
void PrintTo(Utf8Path path, std::ostream* out) {
  *out << (path == Utf8Path::avx2 ? "avx2" : path == Utf8Path::sse42 ? "sse42" : "scalar");
}

namespace {

using test::bytes_of;
using test::chunkings;
using test::describe_chunking;
using test::from_hex;
using test::to_hex;

enum class Verdict { valid, incomplete, invalid };

// What a user checks after a text: its verdict, and where it failed (the length of
// the text when it did not).
struct Expected {
  Verdict verdict;
  std::uint64_t error_offset;
};

// Every test runs on every path this CPU has: the SIMD paths must give the DFA's answers.
class Utf8ValidatorOnPath : public ::testing::TestWithParam<Utf8Path> {
 protected:
  void SetUp() override {
    if (!utf8_path_supported(GetParam())) GTEST_SKIP() << "this CPU lacks the path";
  }
  Utf8Validator validator() const { return Utf8Validator(GetParam()); }
};

INSTANTIATE_TEST_SUITE_P(, Utf8ValidatorOnPath, ::testing::Values(Utf8Path::scalar, Utf8Path::sse42, Utf8Path::avx2),
                         [](const ::testing::TestParamInfo<Utf8Path>& info) {
                           return ::testing::PrintToString(info.param);
                         });

// Feeds the chunks in order and checks that validation fails fast: every feed before
// the chunk holding the invalid byte succeeds, and that feed and every later one fail.
void expect_verdict(Utf8Path path, const std::vector<Bytes>& chunks, Expected expected) {
  SCOPED_TRACE(describe_chunking(chunks));
  Utf8Validator validator(path);
  std::uint64_t fed = 0;
  for (const Bytes& chunk : chunks) {
    fed += chunk.size();
    const bool still_valid = expected.verdict != Verdict::invalid || fed <= expected.error_offset;
    EXPECT_EQ(validator.feed(chunk), still_valid) << "feed ending at byte " << fed;
  }
  EXPECT_EQ(validator.valid(), expected.verdict != Verdict::invalid);
  EXPECT_EQ(validator.complete(), expected.verdict == Verdict::valid);
  EXPECT_EQ(validator.error_offset(), expected.error_offset);
}

// The text whole, split in two everywhere, and byte by byte; and is_valid_utf8.
void expect_verdict_for_every_split(Utf8Path path, const Bytes& text, Expected expected) {
  SCOPED_TRACE("text " + to_hex(text));
  for (const std::vector<Bytes>& chunks : chunkings(text)) expect_verdict(path, chunks, expected);
  EXPECT_EQ(is_valid_utf8(text), expected.verdict == Verdict::valid);
}

// For long texts, where every split would cost time quadratic in their size: the text
// whole, and split in two at each byte from four before `near` to four after it.
void expect_verdict_for_splits_near(Utf8Path path, const Bytes& text, std::size_t near, Expected expected) {
  SCOPED_TRACE("text " + to_hex(text));
  expect_verdict(path, {text}, expected);
  for (std::size_t at = near < 4 ? 0 : near - 4; at <= near + 4 && at <= text.size(); ++at) {
    expect_verdict(path, {Bytes(text.begin(), text.begin() + at), Bytes(text.begin() + at, text.end())}, expected);
  }
}

// --- The fixture: testdata/utf8/cases.txt -------------------------------------------

struct FixtureCase {
  Bytes text;
  Expected expected;
  std::string note;
  int line;
};

std::string trimmed(const std::string& field) {
  const auto first = field.find_first_not_of(" \t");
  if (first == std::string::npos) return "";
  return field.substr(first, field.find_last_not_of(" \t") - first + 1);
}

Verdict parse_verdict(const std::string& word, const std::string& where) {
  if (word == "valid") return Verdict::valid;
  if (word == "incomplete") return Verdict::incomplete;
  if (word == "invalid") return Verdict::invalid;
  throw std::runtime_error(where + ": unknown verdict " + word);
}

std::vector<FixtureCase> load_fixture() {
  const std::string path = std::string(WSPROBE_TESTDATA) + "/utf8/cases.txt";
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path);
  std::vector<FixtureCase> cases;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (trimmed(line).empty() || trimmed(line)[0] == '#') continue;
    std::vector<std::string> fields;
    for (std::size_t start = 0;;) {
      const std::size_t bar = line.find('|', start);
      fields.push_back(trimmed(line.substr(start, bar - start)));
      if (bar == std::string::npos) break;
      start = bar + 1;
    }
    const std::string where = path + ":" + std::to_string(number);
    if (fields.size() != 4) throw std::runtime_error(where + ": expected 4 fields separated by |");
    cases.push_back(
        {from_hex(fields[0]), {parse_verdict(fields[1], where), std::stoull(fields[2])}, fields[3], number});
  }
  return cases;
}

TEST_P(Utf8ValidatorOnPath, FixtureCasesHaveTheirVerdictAndOffsetWhateverTheSplit) {
  const std::vector<FixtureCase> cases = load_fixture();
  int seen[3] = {};
  for (const FixtureCase& fixture : cases) {
    SCOPED_TRACE("cases.txt:" + std::to_string(fixture.line) + " " + fixture.note);
    ++seen[static_cast<int>(fixture.expected.verdict)];
    if (fixture.expected.verdict != Verdict::invalid) {
      EXPECT_EQ(fixture.expected.error_offset, fixture.text.size()) << "the fixture's offset must be the length";
    }
    expect_verdict_for_every_split(GetParam(), fixture.text, fixture.expected);
  }
  EXPECT_GT(seen[static_cast<int>(Verdict::valid)], 0);
  EXPECT_GT(seen[static_cast<int>(Verdict::incomplete)], 0);
  EXPECT_GT(seen[static_cast<int>(Verdict::invalid)], 0);
}

// --- Streaming behaviour --------------------------------------------------------------

// Autobahn 6.4.2: "κόσμε" and a dangling F4 in frame 1, then 90 alone in frame 2.
TEST_P(Utf8ValidatorOnPath, Autobahn642FailsOnTheByteAfterADanglingLead) {
  Utf8Validator validator = this->validator();
  EXPECT_TRUE(validator.feed(from_hex("ce ba e1 bd b9 cf 83 ce bc ce b5 f4")));
  EXPECT_TRUE(validator.valid());
  EXPECT_FALSE(validator.complete());
  EXPECT_EQ(validator.error_offset(), 12u);

  EXPECT_FALSE(validator.feed(from_hex("90")));
  EXPECT_FALSE(validator.valid());
  EXPECT_EQ(validator.error_offset(), 12u);

  // Once failed it stays failed, and the offset keeps pointing at the first bad byte.
  EXPECT_FALSE(validator.feed(from_hex("80 80 65 64 69 74 65 64")));
  EXPECT_FALSE(validator.feed(as_bytes("plain ASCII")));
  EXPECT_FALSE(validator.complete());
  EXPECT_EQ(validator.error_offset(), 12u);
}

TEST_P(Utf8ValidatorOnPath, EmptyPiecesChangeNothing) {
  Utf8Validator validator = this->validator();
  EXPECT_TRUE(validator.feed({}));
  EXPECT_TRUE(validator.complete());
  EXPECT_TRUE(validator.feed(from_hex("e2 82")));
  EXPECT_TRUE(validator.feed({}));
  EXPECT_FALSE(validator.complete());
  EXPECT_TRUE(validator.feed(from_hex("ac")));
  EXPECT_TRUE(validator.complete());
  EXPECT_EQ(validator.error_offset(), 3u);
}

TEST_P(Utf8ValidatorOnPath, ResetStartsANewText) {
  Utf8Validator validator = this->validator();
  EXPECT_FALSE(validator.feed(from_hex("41 ff")));
  EXPECT_EQ(validator.error_offset(), 1u);
  validator.reset();
  EXPECT_TRUE(validator.valid());
  EXPECT_TRUE(validator.complete());
  EXPECT_EQ(validator.error_offset(), 0u);
  EXPECT_TRUE(validator.feed(from_hex("c2")));
  validator.reset();
  EXPECT_TRUE(validator.complete()) << "a cut-off sequence must not carry over a reset";
  EXPECT_FALSE(validator.feed(from_hex("80")));
  EXPECT_EQ(validator.error_offset(), 0u);
}

// The fast path skips whole blocks of ASCII; an invalid sequence must be found at its
// exact offset wherever it falls relative to those blocks, after ASCII or multi-byte text.
TEST_P(Utf8ValidatorOnPath, ErrorOffsetIsExactAtEveryPositionInLongText) {
  struct Bad {
    const char* hex;
    std::uint64_t fails_at;  // within the sequence
  };
  const Bad bad_sequences[] = {{"ff", 0}, {"80", 0}, {"ed a0 80", 1}, {"f4 90 80 80", 1}, {"f1 80 80 41", 3}};
  const char* backgrounds[] = {"a", "é", "€", "😀", "aé€😀"};
  const Bytes tail = bytes_of("and some more ASCII text after the error.");
  for (const Bad& bad : bad_sequences) {
    for (const char* background : backgrounds) {
      Bytes text;
      for (int repeat = 0; repeat < 40; ++repeat) {
        expect_verdict_for_every_split(GetParam(), test::concat({text, from_hex(bad.hex), tail}),
                                       {Verdict::invalid, text.size() + bad.fails_at});
        text.insert(text.end(), background, background + std::string_view(background).size());
      }
    }
  }
}

// --- Cross-checks against a reference decoder -----------------------------------------

// RFC 3629 decoding, written to be obviously right rather than fast.
bool reference_valid(ByteView text) {
  static constexpr std::uint32_t smallest_of_length[] = {0, 0, 0x80, 0x800, 0x10000};
  for (std::size_t i = 0; i < text.size();) {
    const std::uint8_t lead = text[i];
    std::size_t length;
    std::uint32_t code_point;
    if (lead < 0x80) {
      length = 1, code_point = lead;
    } else if ((lead & 0xe0) == 0xc0) {
      length = 2, code_point = lead & 0x1f;
    } else if ((lead & 0xf0) == 0xe0) {
      length = 3, code_point = lead & 0x0f;
    } else if ((lead & 0xf8) == 0xf0) {
      length = 4, code_point = lead & 0x07;
    } else {
      return false;
    }
    if (text.size() - i < length) return false;
    for (std::size_t k = 1; k < length; ++k) {
      if ((text[i + k] & 0xc0) != 0x80) return false;
      code_point = code_point << 6 | (text[i + k] & 0x3f);
    }
    if (code_point < smallest_of_length[length]) return false;  // overlong
    if (code_point >= 0xd800 && code_point <= 0xdfff) return false;
    if (code_point > 0x10ffff) return false;
    i += length;
  }
  return true;
}

// Whether some valid text begins with `prefix`: at most three more bytes finish any
// sequence, and 80, 90 and A0 stand for the three ranges a second byte may need.
bool reference_continuable(const Bytes& prefix) {
  if (reference_valid(prefix)) return true;
  for (std::uint8_t next : {0x80, 0x90, 0xa0}) {
    for (std::size_t more = 0; more < 3; ++more) {
      Bytes text = prefix;
      text.push_back(next);
      text.insert(text.end(), more, 0x80);
      if (reference_valid(text)) return true;
    }
  }
  return false;
}

// Fail-fast by its definition: the first byte that no valid text has there.
Expected reference_expected(const Bytes& text) {
  for (std::size_t end = 1; end <= text.size(); ++end) {
    if (!reference_continuable(Bytes(text.begin(), text.begin() + end))) return {Verdict::invalid, end - 1};
  }
  return {reference_valid(text) ? Verdict::valid : Verdict::incomplete, text.size()};
}

// Every lead byte with every second byte decides every second-byte rule of the table.
TEST_P(Utf8ValidatorOnPath, AgreesWithTheReferenceOnEveryTwoByteText) {
  for (unsigned first = 0; first < 256; ++first) {
    for (unsigned second = 0; second < 256; ++second) {
      const Bytes text{static_cast<std::uint8_t>(first), static_cast<std::uint8_t>(second)};
      SCOPED_TRACE("text " + to_hex(text));
      expect_verdict(GetParam(), {{text[0]}, {text[1]}}, reference_expected(text));
      expect_verdict(GetParam(), {text}, reference_expected(text));
    }
  }
}

Bytes encode(std::uint32_t code_point) {
  if (code_point < 0x80) return {static_cast<std::uint8_t>(code_point)};
  static constexpr std::uint8_t lead_marks[] = {0, 0, 0xc0, 0xe0, 0xf0};
  const std::size_t length = code_point < 0x800 ? 2 : code_point < 0x10000 ? 3 : 4;
  Bytes bytes(length);
  for (std::size_t i = length - 1; i > 0; --i, code_point >>= 6) {
    bytes[i] = static_cast<std::uint8_t>(0x80 | (code_point & 0x3f));
  }
  bytes[0] = static_cast<std::uint8_t>(lead_marks[length] | code_point);
  return bytes;
}

// Random numbers, code points and texts; each test seeds its own, so a failure reproduces.
class Randomness {
 public:
  explicit Randomness(unsigned seed) : random_(seed) {}

  std::uint32_t uniform(std::uint32_t low, std::uint32_t high) {
    return std::uniform_int_distribution<std::uint32_t>(low, high)(random_);
  }

  // Each length equally likely; never a surrogate.
  std::uint32_t code_point() {
    switch (uniform(0, 3)) {
      case 0: return uniform(0, 0x7f);
      case 1: return uniform(0x80, 0x7ff);
      case 2: {
        const std::uint32_t code_point = uniform(0x800, 0xffff - 0x800);
        return code_point < 0xd800 ? code_point : code_point + 0x800;  // skip the surrogates
      }
      default: return uniform(0x10000, 0x10ffff);
    }
  }

  // A valid text of about `size` bytes: ASCII runs, some longer than the SIMD checks'
  // groups, and code points of every length.
  Bytes valid_text(std::size_t size) {
    Bytes text;
    while (text.size() < size) {
      if (uniform(0, 3) == 0) {
        text.insert(text.end(), uniform(1, 200), static_cast<std::uint8_t>(uniform(0x20, 0x7e)));
      } else {
        text = test::concat({text, encode(code_point())});
      }
    }
    return text;
  }

  // The text cut in pieces of 1 to `largest` bytes.
  std::vector<Bytes> pieces(const Bytes& text, std::uint32_t largest) {
    std::vector<Bytes> pieces;
    for (std::size_t start = 0; start < text.size();) {
      const std::size_t size = std::min<std::size_t>(uniform(1, largest), text.size() - start);
      pieces.emplace_back(text.begin() + start, text.begin() + start + size);
      start += size;
    }
    return pieces;
  }

 private:
  std::mt19937 random_;
};

// Random texts built from ASCII runs, code points of every length, cut-off sequences
// and random bytes, fed in random pieces; fixed seed, so a failure reproduces.
TEST_P(Utf8ValidatorOnPath, AgreesWithTheReferenceOnRandomTexts) {
  Randomness random(6455);
  int seen[3] = {};
  for (int iteration = 0; iteration < 3000; ++iteration) {
    const bool only_valid_parts = random.uniform(0, 2) == 0;
    Bytes text;
    for (std::uint32_t parts = random.uniform(1, 12); parts > 0; --parts) {
      switch (only_valid_parts ? random.uniform(0, 1) : random.uniform(0, 3)) {
        case 0:
          text.insert(text.end(), random.uniform(1, 40), static_cast<std::uint8_t>(random.uniform(0x20, 0x7e)));
          break;
        case 1: text = test::concat({text, encode(random.code_point())}); break;
        case 2: text.push_back(static_cast<std::uint8_t>(random.uniform(0, 255))); break;
        default: {
          const Bytes sequence = encode(random.uniform(0x80, 0x10ffff));
          text.insert(text.end(), sequence.begin(), sequence.begin() + random.uniform(1, sequence.size() - 1));
        }
      }
    }

    const Expected expected = reference_expected(text);
    SCOPED_TRACE("iteration " + std::to_string(iteration) + ", text " + to_hex(text));
    ++seen[static_cast<int>(expected.verdict)];
    expect_verdict(GetParam(), random.pieces(text, 48), expected);
    EXPECT_EQ(is_valid_utf8(text), expected.verdict == Verdict::valid);
    if (HasFailure()) break;  // one reproducible failure is enough
  }
  // The generator must exercise every verdict, or the cross-check proves little.
  EXPECT_GT(seen[static_cast<int>(Verdict::valid)], 500);
  EXPECT_GT(seen[static_cast<int>(Verdict::incomplete)], 50);
  EXPECT_GT(seen[static_cast<int>(Verdict::invalid)], 500);
}

// --- Long texts, for the SIMD paths ---------------------------------------------------
//
// The SIMD checks read 16 or 32 bytes a vector, four vectors a group, and compare each
// byte with up to three before it, across vector boundaries and AVX2's 16-byte lanes.
// Texts shorter than a vector never reach them, so these tests use long texts and put
// what matters at every offset around those boundaries.

// `length` bytes of valid text ending between code points: copies of `unit`, then
// "é" and "x" to make up the length exactly.
Bytes background(std::string_view unit, std::size_t length) {
  Bytes text;
  while (text.size() + unit.size() <= length) text.insert(text.end(), unit.begin(), unit.end());
  while (text.size() + 2 <= length) text = test::concat({text, bytes_of("é")});
  text.resize(length, 'x');
  return text;
}

constexpr std::string_view background_units[] = {"a", "é", "€", "😀", "aé€😀", "ñ€x😀"};

// The DFA's answers for the text in these pieces: the oracle of the SIMD paths.
struct Outcome {
  std::vector<bool> feeds;
  bool valid;
  bool complete;
  std::uint64_t error_offset;
  bool operator==(const Outcome&) const = default;
};

Outcome outcome_of(Utf8Path path, const std::vector<Bytes>& pieces) {
  Utf8Validator validator(path);
  Outcome outcome{};
  for (const Bytes& piece : pieces) outcome.feeds.push_back(validator.feed(piece));
  outcome.valid = validator.valid();
  outcome.complete = validator.complete();
  outcome.error_offset = validator.error_offset();
  return outcome;
}

std::string describe(const Outcome& outcome) {
  std::string feeds;
  for (bool feed : outcome.feeds) feeds += feed ? '1' : '0';
  return "feeds " + feeds + " valid " + std::to_string(outcome.valid) + " complete " +
         std::to_string(outcome.complete) + " error_offset " + std::to_string(outcome.error_offset);
}

void expect_dfa_outcome(Utf8Path path, const std::vector<Bytes>& pieces) {
  const Outcome dfa = outcome_of(Utf8Path::scalar, pieces);
  const Outcome seen = outcome_of(path, pieces);
  EXPECT_EQ(seen, dfa) << describe_chunking(pieces) << ": " << describe(seen) << ", the DFA " << describe(dfa);
}

// Every invalid case of the fixture at offsets 0 to 70 of a long valid text, after
// ASCII or multi-byte text, with more text after it.
TEST_P(Utf8ValidatorOnPath, EveryInvalidFixtureCaseFailsAtItsOffsetInsideLongText) {
  for (const FixtureCase& fixture : load_fixture()) {
    if (fixture.expected.verdict != Verdict::invalid) continue;
    SCOPED_TRACE("cases.txt:" + std::to_string(fixture.line) + " " + fixture.note);
    for (std::string_view unit : background_units) {
      for (std::size_t offset = 0; offset <= 70; ++offset) {
        const Bytes text = test::concat({background(unit, offset), fixture.text, background(unit, 80)});
        const std::uint64_t error_offset = offset + fixture.expected.error_offset;
        expect_verdict_for_splits_near(GetParam(), text, error_offset, {Verdict::invalid, error_offset});
      }
      if (HasFailure()) return;
    }
  }
}

// Invalid bytes of each kind after 1 to 300 bytes of text: every position within and
// across the vectors and groups of both SIMD paths.
TEST_P(Utf8ValidatorOnPath, InvalidSequenceFailsAfterEveryPrefixLengthUpTo300) {
  struct Bad {
    const char* hex;
    std::uint64_t fails_at;  // within the sequence
  };
  const Bad bad_sequences[] = {{"ff", 0},          {"80", 0},          {"c0 80", 0},    {"c2 41", 1},
                               {"e0 9f bf", 1},    {"ed a0 80", 1},    {"e1 80 41", 2}, {"f0 8f bf bf", 1},
                               {"f4 90 80 80", 1}, {"f1 80 80 41", 3}, {"f5 80", 0},    {"c2 80 80", 2}};
  for (const Bad& bad : bad_sequences) {
    SCOPED_TRACE(std::string("bad sequence ") + bad.hex);
    for (std::string_view unit : background_units) {
      for (std::size_t length = 1; length <= 300; ++length) {
        const Bytes text = test::concat({background(unit, length), from_hex(bad.hex), background(unit, 70)});
        expect_verdict_for_splits_near(GetParam(), text, length + bad.fails_at,
                                       {Verdict::invalid, length + bad.fails_at});
      }
      if (HasFailure()) return;
    }
  }
}

// A code point of each length and edge across every vector boundary: valid whole, open
// when cut off at the end, invalid when cut off before more text. That text is long
// enough to hold a whole group of ASCII, which the SIMD checks skip unless a sequence
// is open before it.
TEST_P(Utf8ValidatorOnPath, SequencesAcrossVectorBoundaries) {
  const char* sequences[] = {"c2 80", "df bf", "e0 a0 80", "ed 9f bf", "ee 80 80",
                             "ef bf bf", "f0 90 80 80", "f3 bf bf bf", "f4 8f bf bf"};
  for (const char* hex : sequences) {
    const Bytes sequence = from_hex(hex);
    SCOPED_TRACE(std::string("sequence ") + hex);
    for (std::string_view unit : {std::string_view("a"), std::string_view("aé€😀")}) {
      for (std::size_t offset = 0; offset <= 140; ++offset) {
        const Bytes before = background(unit, offset);
        const Bytes after = background(unit, 300);
        expect_verdict_for_splits_near(GetParam(), test::concat({before, sequence, after}), offset,
                                       {Verdict::valid, offset + sequence.size() + after.size()});
        for (std::size_t cut = 1; cut < sequence.size(); ++cut) {
          const Bytes open = test::concat({before, Bytes(sequence.begin(), sequence.begin() + cut)});
          expect_verdict_for_splits_near(GetParam(), open, offset, {Verdict::incomplete, open.size()});
          expect_verdict(GetParam(), {test::concat({open, after})}, {Verdict::invalid, open.size()});
          expect_verdict(GetParam(), {test::concat({open, background("a", 300)})}, {Verdict::invalid, open.size()});
        }
      }
      if (HasFailure()) return;
    }
  }
}

// Bytes at the edges of every class of the table: the rules' nibble tables and the
// continuation check differ exactly there.
constexpr std::uint8_t edge_bytes[] = {0x00, 0x41, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1,
                                       0xc2, 0xdf, 0xe0, 0xe1, 0xec, 0xed, 0xee, 0xef, 0xf0, 0xf1, 0xf3,
                                       0xf4, 0xf5, 0xf7, 0xf8, 0xfe, 0xff};
// One byte of each kind a lead may be followed by: ASCII, each range of continuation
// bytes, and a lead of each length.
constexpr std::uint8_t follower_bytes[] = {0x41, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc2, 0xe1, 0xf1};

// Every pair of bytes, and every lead followed by three of the followers, straddling a
// group boundary (at 128) and AVX2's lane boundary (at 144), after ASCII and after
// multi-byte text: the DFA's answer each time.
TEST_P(Utf8ValidatorOnPath, ShortSequencesAcrossBoundariesGiveTheDfaAnswer) {
  for (std::string_view unit : {std::string_view("a"), std::string_view("é")}) {
    const Bytes after = background(unit, 40);
    for (std::size_t start : {127u, 143u}) {
      const Bytes before = background(unit, start);
      for (unsigned first = 0; first < 256; ++first) {
        for (unsigned second = 0; second < 256; ++second) {
          const Bytes pair{static_cast<std::uint8_t>(first), static_cast<std::uint8_t>(second)};
          expect_dfa_outcome(GetParam(), {test::concat({before, pair, after})});
        }
      }
      if (HasFailure()) return;
    }
    for (std::size_t start : {125u, 126u, 141u, 142u}) {
      const Bytes before = background(unit, start);
      for (std::uint8_t lead : edge_bytes) {
        if (lead < 0xc0) continue;
        for (std::uint8_t second : follower_bytes) {
          for (std::uint8_t third : follower_bytes) {
            for (std::uint8_t fourth : follower_bytes) {
              expect_dfa_outcome(GetParam(), {test::concat({before, Bytes{lead, second, third, fourth}, after})});
            }
          }
        }
      }
      if (HasFailure()) return;
    }
  }
}

// Random valid texts with one byte changed, fed whole and in random pieces: the DFA's
// answer for every feed, valid(), complete() and error_offset().
TEST_P(Utf8ValidatorOnPath, RandomTextsWithOneByteChangedGiveTheDfaAnswer) {
  Randomness random(3629);
  int invalid = 0;
  for (int iteration = 0; iteration < 3000; ++iteration) {
    Bytes text = random.valid_text(random.uniform(1, 700));
    const std::size_t at = random.uniform(0, static_cast<std::uint32_t>(text.size() - 1));
    text[at] = random.uniform(0, 1) ? edge_bytes[random.uniform(0, sizeof edge_bytes - 1)]
                                    : static_cast<std::uint8_t>(random.uniform(0, 255));
    SCOPED_TRACE("iteration " + std::to_string(iteration) + ", byte " + std::to_string(at) + " of " + to_hex(text));
    expect_dfa_outcome(GetParam(), {text});
    expect_dfa_outcome(GetParam(), random.pieces(text, 100));
    expect_dfa_outcome(GetParam(), random.pieces(text, 7));
    if (!outcome_of(Utf8Path::scalar, {text}).valid) ++invalid;
    if (HasFailure()) break;
  }
  EXPECT_GT(invalid, 1000) << "most changes must break the text, or the check proves little";
}

// The SIMD check itself: it may stop early, but never past an invalid byte, and on a
// valid text it must prove all but the last vector, or the paths would be slow.
TEST_P(Utf8ValidatorOnPath, SimdCheckProvesAValidPrefixAndAllButTheTailOfValidText) {
  if (GetParam() == Utf8Path::scalar) GTEST_SKIP() << "the DFA has no SIMD check";
  const std::size_t width = GetParam() == Utf8Path::avx2 ? 32 : 16;
  const utf8_simd::ValidPrefix valid_prefix = utf8_simd::valid_prefix_for(GetParam());
  Randomness random(8259);
  for (int iteration = 0; iteration < 3000; ++iteration) {
    Bytes text = random.valid_text(random.uniform(1, 700));
    SCOPED_TRACE("iteration " + std::to_string(iteration) + ", text " + to_hex(text));
    const std::size_t whole = valid_prefix(text.data(), text.size());
    EXPECT_LE(whole, text.size());
    EXPECT_GT(whole + width + 3, text.size()) << "a valid text's prefix must reach its last vector";

    text[random.uniform(0, static_cast<std::uint32_t>(text.size() - 1))] =
        static_cast<std::uint8_t>(random.uniform(0x80, 0xff));
    const std::size_t prefix = valid_prefix(text.data(), text.size());
    Utf8Validator dfa(Utf8Path::scalar);
    const bool valid = dfa.feed(text);
    EXPECT_LE(prefix, dfa.error_offset());
    EXPECT_TRUE(is_valid_utf8(ByteView(text).first(prefix))) << "prefix " << prefix;
    if (valid) {
      EXPECT_GT(prefix + width + 3, text.size());
    }
    if (HasFailure()) break;
  }
}

}  // namespace
}  // namespace wsprobe::codec
