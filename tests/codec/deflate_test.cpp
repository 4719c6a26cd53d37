#include "codec/deflate.h"

#include <gtest/gtest.h>
#include <zlib.h>  // to write streams MessageDeflater never writes: BFINAL blocks, preset windows

#include <stdexcept>
#include <string>

#include "support/chunks.h"

namespace wsprobe::codec {
namespace {

using test::bytes_of;
using test::chunkings;
using test::from_hex;
using test::to_hex;

constexpr DeflateParameters takeover{.window_bits = 15, .no_context_takeover = false};
constexpr DeflateParameters no_takeover{.window_bits = 15, .no_context_takeover = true};
constexpr std::uint64_t no_limit = 64 << 20;

// One message's compressed bytes, fed in `chunks`: the inflated text, or
// "violation RULE-ID (DETAIL)".
std::string inflate_chunks(MessageInflater& inflater, const std::vector<Bytes>& chunks) {
  Bytes message;
  std::optional<Violation> violation;
  for (const Bytes& chunk : chunks) {
    if (!violation) violation = inflater.inflate(chunk, message);
  }
  if (!violation) violation = inflater.finish_message(message);
  if (violation) return "violation " + std::string(rule_info(violation->rule).id) + " (" + violation->detail + ")";
  return std::string(as_chars(message));
}

std::string inflate_message(MessageInflater& inflater, ByteView compressed) {
  return inflate_chunks(inflater, {Bytes(compressed.begin(), compressed.end())});
}

// Raw DEFLATE of `data` by zlib itself: ended with a BFINAL block (Z_FINISH) or
// sync-flushed and stripped as RFC 7692 7.2.1 asks, starting from `window`.
Bytes zlib_deflate(std::string_view data, int flush, std::string_view window = "", int window_bits = 15) {
  z_stream z{};
  EXPECT_EQ(deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -window_bits, 8, Z_DEFAULT_STRATEGY), Z_OK);
  if (!window.empty()) {
    deflateSetDictionary(&z, reinterpret_cast<const Bytef*>(window.data()), static_cast<uInt>(window.size()));
  }
  Bytes out(deflateBound(&z, data.size()) + 16);
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = out.data();
  z.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&z, flush), flush == Z_FINISH ? Z_STREAM_END : Z_OK);
  out.resize(out.size() - z.avail_out);
  deflateEnd(&z);
  if (flush == Z_SYNC_FLUSH) out.resize(out.size() - 4);
  return out;
}

// Text whose second half repeats its first from `distance` bytes back, and nothing nearer.
std::string repeated_at(std::size_t distance) {
  std::string first;
  for (std::size_t i = 0; first.size() < distance; ++i) first += std::to_string(i * 7919 % 10007) + ",";
  first.resize(distance);
  return first + first;
}

TEST(DeflateParameters, EachSideUsesItsOwnParameters) {
  const DeflateAgreement agreement{.server_no_context_takeover = true, .client_max_window_bits = 10};
  EXPECT_EQ(deflate_parameters(agreement, Role::server), (DeflateParameters{15, true}));
  EXPECT_EQ(deflate_parameters(agreement, Role::client), (DeflateParameters{10, false}));
}

// RFC 7692 7.2.3.1, 7.2.3.2 and 7.2.3.6.
TEST(MessageDeflater, CompressesTheRfcExamplesByteForByte) {
  MessageDeflater shared(takeover);
  EXPECT_EQ(to_hex(shared.compress(bytes_of("Hello"))), "f2 48 cd c9 c9 07 00");
  EXPECT_EQ(to_hex(shared.compress(bytes_of("Hello"))), "f2 00 11 00 00");  // a back-reference into the window
  MessageDeflater reset(no_takeover);
  EXPECT_EQ(to_hex(reset.compress(bytes_of("Hello"))), "f2 48 cd c9 c9 07 00");
  EXPECT_EQ(to_hex(reset.compress(bytes_of("Hello"))), "f2 48 cd c9 c9 07 00");
  EXPECT_EQ(to_hex(MessageDeflater(takeover).compress({})), "00");
}

TEST(MessageDeflater, AnEmptyMessageAfterAnotherIsStillOneZeroByte) {
  MessageDeflater deflater(takeover);
  MessageInflater inflater(takeover, no_limit);
  EXPECT_EQ(inflate_message(inflater, deflater.compress(bytes_of("Hello"))), "Hello");
  EXPECT_EQ(to_hex(deflater.compress({})), "00");
  EXPECT_EQ(inflate_message(inflater, from_hex("00")), "");
  EXPECT_EQ(to_hex(deflater.compress(bytes_of("Hello"))), "f2 00 11 00 00");
  EXPECT_EQ(inflate_message(inflater, from_hex("f2 00 11 00 00")), "Hello");
}

TEST(MessageDeflater, ALargeMessageRoundTrips) {
  std::string text;
  for (int i = 0; text.size() < (1u << 20); ++i) text += "{\"id\":" + std::to_string(i * 2654435761u) + "},";
  const Bytes compressed = MessageDeflater(takeover).compress(bytes_of(text));
  EXPECT_LT(compressed.size(), text.size() / 2);
  MessageInflater inflater(takeover, no_limit);
  EXPECT_EQ(inflate_message(inflater, compressed), text);
}

// zlib's raw deflate has no 8-bit window; 9 bits reach back at most 250 bytes, which
// an 8-bit inflater holds (tests/integration/test_serve_deflate.py shows Python's).
TEST(MessageDeflater, Window8CompressesAsWindow9) {
  const std::string text = repeated_at(200) + repeated_at(300) + repeated_at(1000);
  const Bytes with8 = MessageDeflater({.window_bits = 8}).compress(bytes_of(text));
  EXPECT_EQ(with8, MessageDeflater({.window_bits = 9}).compress(bytes_of(text)));
  EXPECT_NE(with8, MessageDeflater({.window_bits = 10}).compress(bytes_of(text)));
  MessageInflater inflater({.window_bits = 8}, no_limit);
  EXPECT_EQ(inflate_message(inflater, with8), text);
}

TEST(MessageDeflater, RejectsWindowBitsOutsideEightToFifteen) {
  EXPECT_THROW(MessageDeflater({.window_bits = 7}), std::invalid_argument);
  EXPECT_THROW(MessageInflater({.window_bits = 16}, no_limit), std::invalid_argument);
}

// RFC 7692 7.2.3.1 and 7.2.3.3 to 7.2.3.6, fed in every chunking.
TEST(MessageInflater, InflatesTheRfcExamplesHoweverTheyAreSplit) {
  const std::vector<std::pair<const char*, const char*>> examples = {
      {"f2 48 cd c9 c9 07 00", "Hello"},                    // one fixed-Huffman block
      {"00 05 00 fa ff 48 65 6c 6c 6f 00", "Hello"},        // a stored block
      {"f3 48 cd c9 c9 07 00 00", "Hello"},                 // a BFINAL block, then a stored block's header
      {"f2 48 05 00 00 00 ff ff ca c9 c9 07 00", "Hello"},  // two blocks, flushed in between
      {"00", ""},                                           // an empty message
  };
  for (const auto& [hex, text] : examples) {
    for (const auto& chunks : chunkings(from_hex(hex))) {
      MessageInflater inflater(takeover, no_limit);
      EXPECT_EQ(inflate_chunks(inflater, chunks), text) << hex << ", " << test::describe_chunking(chunks);
    }
  }
}

// RFC 7692 7.2.3.2: the second "Hello" refers back into the first.
TEST(MessageInflater, KeepsTheWindowAcrossMessagesUnlessTheSenderResetsItsOwn) {
  MessageInflater shared(takeover, no_limit);
  EXPECT_EQ(inflate_message(shared, from_hex("f2 48 cd c9 c9 07 00")), "Hello");
  EXPECT_EQ(inflate_message(shared, from_hex("f2 00 11 00 00")), "Hello");
  MessageInflater reset(no_takeover, no_limit);
  EXPECT_EQ(inflate_message(reset, from_hex("f2 48 cd c9 c9 07 00")), "Hello");
  EXPECT_EQ(inflate_message(reset, from_hex("f2 00 11 00 00")),
            "violation deflate.corrupt-data (invalid distance too far back)");
}

// After a BFINAL block the data goes on, and may refer back past it (7.2.3.4).
TEST(MessageInflater, ABfinalBlockMidMessageKeepsTheWindowForTheBlocksAfterIt) {
  const std::string first = "Hello, hello, ";
  const Bytes final_block = zlib_deflate(first, Z_FINISH);
  const Bytes leaning_back = zlib_deflate("Hello, hello!", Z_SYNC_FLUSH, first);
  MessageInflater fresh(takeover, no_limit);
  ASSERT_EQ(inflate_message(fresh, leaning_back), "violation deflate.corrupt-data (invalid distance too far back)")
      << "the second stream must refer back for this test to mean anything";

  const Bytes message = test::concat({final_block, leaning_back});
  for (const auto& chunks : chunkings(message)) {
    MessageInflater inflater(no_takeover, no_limit);
    EXPECT_EQ(inflate_chunks(inflater, chunks), "Hello, hello, Hello, hello!") << test::describe_chunking(chunks);
  }

  // The same across two messages: the first flushed with BFINAL, as 7.2.3.4 shows.
  MessageInflater inflater(takeover, no_limit);
  EXPECT_EQ(inflate_message(inflater, test::concat({final_block, from_hex("00")})), first);
  EXPECT_EQ(inflate_message(inflater, leaning_back), "Hello, hello!");
}

// A 9-bit window agreed, but the sender reaches back 600 bytes, within a message and
// into the previous one: inflated all the same, however the reads fall. (zlib checks a
// narrower window only against what one call holds, which depends on the reads.)
TEST(MessageInflater, InflatesWithA32KiBWindowWhateverWasAgreed) {
  const std::string text = repeated_at(600);
  MessageDeflater wide({.window_bits = 15});
  const Bytes first = wide.compress(bytes_of(text));
  const Bytes second = wide.compress(bytes_of(text));
  const std::vector<Bytes> first_byte_by_byte = chunkings(first).back();
  ASSERT_EQ(first_byte_by_byte.size(), first.size());
  for (const auto& chunks : chunkings(second)) {
    MessageInflater inflater({.window_bits = 9}, no_limit);
    EXPECT_EQ(inflate_chunks(inflater, first_byte_by_byte), text);
    EXPECT_EQ(inflate_chunks(inflater, chunks), text) << test::describe_chunking(chunks);
  }
}

// 16 MiB of zeros compress to about 16 KiB. Against a 1 MiB limit the inflater stops one
// byte past the limit and never holds more than that.
TEST(MessageInflater, ABombFailsWithoutAllocatingMoreThanTheLimit) {
  constexpr std::uint64_t limit = 1 << 20;
  const Bytes bomb = MessageDeflater(takeover).compress(Bytes(16 << 20, 0));
  ASSERT_LT(bomb.size(), 32u * 1024);
  MessageInflater inflater(takeover, limit);
  Bytes message;
  const std::optional<Violation> violation = inflater.inflate(bomb, message);
  ASSERT_TRUE(violation);
  EXPECT_EQ(violation->rule, Rule::message_too_big);
  EXPECT_EQ(violation->detail, "at least 1048577 bytes after inflating, limit 1048576");
  EXPECT_LE(message.capacity(), limit + 1);
}

TEST(MessageInflater, AMessageOfExactlyTheLimitInflates) {
  const Bytes compressed = MessageDeflater(takeover).compress(Bytes(1000, 'a'));
  MessageInflater at_limit(takeover, 1000);
  EXPECT_EQ(inflate_message(at_limit, compressed), std::string(1000, 'a'));
  MessageInflater below(takeover, 999);
  EXPECT_EQ(inflate_message(below, compressed),
            "violation message.too-big (at least 1000 bytes after inflating, limit 999)");
}

TEST(MessageInflater, CorruptDataIsAViolation) {
  auto inflated = [](const char* hex) {
    MessageInflater inflater(takeover, no_limit);
    return inflate_message(inflater, from_hex(hex));
  };
  EXPECT_EQ(inflated("ff ff ff"), "violation deflate.corrupt-data (invalid block type)");
  EXPECT_EQ(inflated("00 05 00 00 00 48 65 6c 6c 6f 00"),
            "violation deflate.corrupt-data (invalid stored block lengths)");
  // "The quick brown fox..." cut after 5 bytes: the appended 00 00 ff ff cannot end its block.
  EXPECT_EQ(inflated("0a c9 48 55 28"), "violation deflate.corrupt-data (the message ends inside a deflate block)");
}

// A message whose data stops right after a block's end code, inside a byte, is not
// what 7.2.1 sends (its data ends inside an empty stored block's header): the tail
// appended as 7.2.2 asks cannot complete a block there, and the message fails.
TEST(MessageInflater, DataCutAfterAnEndCodeInsideAByteDoesNotInflateToItsEnd) {
  for (std::vector<Bytes> chunks : test::chunkings(from_hex("f2 00 11 00"))) {
    MessageInflater inflater(takeover, no_limit);
    inflate_message(inflater, from_hex("f2 48 cd c9 c9 07 00"));
    EXPECT_EQ(inflate_chunks(inflater, chunks), "violation deflate.corrupt-data (the message ends inside a deflate block)")
        << test::describe_chunking(chunks);
  }
}

// A message is judged by whether it inflates to its end (RFC 7692 7.2.1 lets a sender
// end with a BFINAL block, 7.2.3.3; and a kept 00 00 ff ff tail is one more empty
// block): both are whole messages, and the next message still inflates.
TEST(MessageInflater, MessagesThatInflateToTheirEndAreWhole) {
  for (const char* hex : {"f3 48 cd c9 c9 07 00", "f3 48 cd c9 c9 07 00 00", "f2 48 cd c9 c9 07 00 00 00 ff ff"}) {
    for (std::vector<Bytes> chunks : test::chunkings(from_hex(hex))) {
      MessageInflater inflater(takeover, no_limit);
      EXPECT_EQ(inflate_chunks(inflater, chunks), "Hello") << hex << " " << test::describe_chunking(chunks);
      EXPECT_EQ(inflater.tail_kept(), std::string_view(hex).ends_with("ff ff")) << hex;
      // "Hello" again, referring back into the window: the window is in order.
      EXPECT_EQ(inflate_message(inflater, from_hex("f2 00 11 00 00")), "Hello") << hex;  // RFC 7692 7.2.3.2
    }
  }
}

}  // namespace
}  // namespace wsprobe::codec
