#include "codec/utf8.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "support/chunks.h"

namespace wsprobe::codec {
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

// Feeds the chunks in order and checks that validation fails fast: every feed before
// the chunk holding the invalid byte succeeds, and that feed and every later one fail.
void expect_verdict(const std::vector<Bytes>& chunks, Expected expected) {
  SCOPED_TRACE(describe_chunking(chunks));
  Utf8Validator validator;
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
void expect_verdict_for_every_split(const Bytes& text, Expected expected) {
  SCOPED_TRACE("text " + to_hex(text));
  for (const std::vector<Bytes>& chunks : chunkings(text)) expect_verdict(chunks, expected);
  EXPECT_EQ(is_valid_utf8(text), expected.verdict == Verdict::valid);
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

TEST(Utf8Validator, FixtureCasesHaveTheirVerdictAndOffsetWhateverTheSplit) {
  const std::vector<FixtureCase> cases = load_fixture();
  int seen[3] = {};
  for (const FixtureCase& fixture : cases) {
    SCOPED_TRACE("cases.txt:" + std::to_string(fixture.line) + " " + fixture.note);
    ++seen[static_cast<int>(fixture.expected.verdict)];
    if (fixture.expected.verdict != Verdict::invalid) {
      EXPECT_EQ(fixture.expected.error_offset, fixture.text.size()) << "the fixture's offset must be the length";
    }
    expect_verdict_for_every_split(fixture.text, fixture.expected);
  }
  EXPECT_GT(seen[static_cast<int>(Verdict::valid)], 0);
  EXPECT_GT(seen[static_cast<int>(Verdict::incomplete)], 0);
  EXPECT_GT(seen[static_cast<int>(Verdict::invalid)], 0);
}

// --- Streaming behaviour --------------------------------------------------------------

// Autobahn 6.4.2: "κόσμε" and a dangling F4 in frame 1, then 90 alone in frame 2.
TEST(Utf8Validator, Autobahn642FailsOnTheByteAfterADanglingLead) {
  Utf8Validator validator;
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

TEST(Utf8Validator, EmptyPiecesChangeNothing) {
  Utf8Validator validator;
  EXPECT_TRUE(validator.feed({}));
  EXPECT_TRUE(validator.complete());
  EXPECT_TRUE(validator.feed(from_hex("e2 82")));
  EXPECT_TRUE(validator.feed({}));
  EXPECT_FALSE(validator.complete());
  EXPECT_TRUE(validator.feed(from_hex("ac")));
  EXPECT_TRUE(validator.complete());
  EXPECT_EQ(validator.error_offset(), 3u);
}

TEST(Utf8Validator, ResetStartsANewText) {
  Utf8Validator validator;
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
TEST(Utf8Validator, ErrorOffsetIsExactAtEveryPositionInLongText) {
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
        expect_verdict_for_every_split(test::concat({text, from_hex(bad.hex), tail}),
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
TEST(Utf8Validator, AgreesWithTheReferenceOnEveryTwoByteText) {
  for (unsigned first = 0; first < 256; ++first) {
    for (unsigned second = 0; second < 256; ++second) {
      const Bytes text{static_cast<std::uint8_t>(first), static_cast<std::uint8_t>(second)};
      SCOPED_TRACE("text " + to_hex(text));
      expect_verdict({{text[0]}, {text[1]}}, reference_expected(text));
      expect_verdict({text}, reference_expected(text));
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

// Random texts built from ASCII runs, code points of every length, cut-off sequences
// and random bytes, fed in random pieces; fixed seed, so a failure reproduces.
TEST(Utf8Validator, AgreesWithTheReferenceOnRandomTexts) {
  std::mt19937 random(6455);
  const auto uniform = [&random](std::uint32_t low, std::uint32_t high) {
    return std::uniform_int_distribution<std::uint32_t>(low, high)(random);
  };
  const auto random_code_point = [&]() -> std::uint32_t {
    switch (uniform(0, 3)) {
      case 0: return uniform(0, 0x7f);
      case 1: return uniform(0x80, 0x7ff);
      case 2: {
        const std::uint32_t code_point = uniform(0x800, 0xffff - 0x800);
        return code_point < 0xd800 ? code_point : code_point + 0x800;  // skip the surrogates
      }
      default: return uniform(0x10000, 0x10ffff);
    }
  };

  int seen[3] = {};
  for (int iteration = 0; iteration < 3000; ++iteration) {
    const bool only_valid_parts = uniform(0, 2) == 0;
    Bytes text;
    for (std::uint32_t parts = uniform(1, 12); parts > 0; --parts) {
      switch (only_valid_parts ? uniform(0, 1) : uniform(0, 3)) {
        case 0: text.insert(text.end(), uniform(1, 40), static_cast<std::uint8_t>(uniform(0x20, 0x7e))); break;
        case 1: text = test::concat({text, encode(random_code_point())}); break;
        case 2: text.push_back(static_cast<std::uint8_t>(uniform(0, 255))); break;
        default: {
          const Bytes sequence = encode(uniform(0x80, 0x10ffff));
          text.insert(text.end(), sequence.begin(), sequence.begin() + uniform(1, sequence.size() - 1));
        }
      }
    }
    std::vector<Bytes> pieces;
    for (std::size_t start = 0; start < text.size();) {
      const std::size_t size = std::min<std::size_t>(uniform(1, 48), text.size() - start);
      pieces.emplace_back(text.begin() + start, text.begin() + start + size);
      start += size;
    }

    const Expected expected = reference_expected(text);
    SCOPED_TRACE("iteration " + std::to_string(iteration) + ", text " + to_hex(text));
    ++seen[static_cast<int>(expected.verdict)];
    expect_verdict(pieces, expected);
    EXPECT_EQ(is_valid_utf8(text), expected.verdict == Verdict::valid);
    if (HasFailure()) break;  // one reproducible failure is enough
  }
  // The generator must exercise every verdict, or the cross-check proves little.
  EXPECT_GT(seen[static_cast<int>(Verdict::valid)], 500);
  EXPECT_GT(seen[static_cast<int>(Verdict::incomplete)], 50);
  EXPECT_GT(seen[static_cast<int>(Verdict::invalid)], 500);
}

}  // namespace
}  // namespace wsprobe::codec
