#include "codec/message_encoder.h"

#include <gtest/gtest.h>

#include "codec/assembler.h"
#include "support/chunks.h"

namespace wsprobe::codec {
namespace {

class Collect : public MessageHandler {
 public:
  std::vector<FrameHeader> frames;
  std::vector<Bytes> messages;
  std::string violations;
  void on_frame(const FrameHeader& header) override { frames.push_back(header); }
  void on_message(Opcode, ByteView payload) override { messages.emplace_back(payload.begin(), payload.end()); }
  void on_close(const CloseFrame&) override {}
  void on_violation(const Violation& violation) override { violations += violation.describe(); }
};

TEST(MessageEncoder, ServerFramesAreUnmaskedAndExact) {
  MessageEncoder server({.as = Role::server});
  EXPECT_EQ(test::to_hex(server.message(Opcode::text, test::bytes_of("Hello"))), "81 05 48 65 6c 6c 6f");
  EXPECT_EQ(test::to_hex(server.message(Opcode::text, test::bytes_of("Hello"), 3)), "01 03 48 65 6c 80 02 6c 6f");
  EXPECT_EQ(test::to_hex(server.message(Opcode::binary, {})), "82 00");
  EXPECT_EQ(test::to_hex(server.control(Opcode::ping, test::bytes_of("Hello"))), "89 05 48 65 6c 6c 6f");
}

TEST(MessageEncoder, ClientFramesAreMaskedWithFreshKeysAndParseBack) {
  MessageEncoder client({.as = Role::client});
  Bytes payload(1000);
  for (std::size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<std::uint8_t>(i);
  Bytes wire = client.message(Opcode::binary, payload, 300);
  Collect collect;
  MessageAssembler assembler({.from = Role::client}, collect);
  ASSERT_TRUE(assembler.feed(wire)) << collect.violations;
  ASSERT_EQ(collect.frames.size(), 4u);
  EXPECT_EQ(collect.frames[0].opcode, 2);
  EXPECT_EQ(collect.frames[3].opcode, 0);
  EXPECT_TRUE(collect.frames[3].fin);
  EXPECT_NE(collect.frames[0].mask_key, collect.frames[1].mask_key);
  ASSERT_EQ(collect.messages.size(), 1u);
  EXPECT_EQ(collect.messages[0], payload);
}

// RFC 7692 7.2.3.1 and 7.2.3.2: RSV1 on the first frame only, the window shared across messages.
TEST(MessageEncoder, ServerCompressesTheRfcExamplesByteForByte) {
  MessageEncoder server({.as = Role::server, .deflate = DeflateAgreement{}});
  EXPECT_EQ(test::to_hex(server.message(Opcode::text, test::bytes_of("Hello"))), "c1 07 f2 48 cd c9 c9 07 00");
  EXPECT_EQ(test::to_hex(server.message(Opcode::text, test::bytes_of("Hello"))), "c1 05 f2 00 11 00 00");
  MessageEncoder fragmenting({.as = Role::server, .deflate = DeflateAgreement{}});
  EXPECT_EQ(test::to_hex(fragmenting.message(Opcode::text, test::bytes_of("Hello"), 3)),
            "41 03 f2 48 cd 00 03 c9 c9 07 80 01 00");  // the compressed bytes are split
  EXPECT_EQ(test::to_hex(fragmenting.control(Opcode::ping, test::bytes_of("Hello"))), "89 05 48 65 6c 6c 6f");
}

// RFC 7692 6: a message may go uncompressed, and leaves the window as it was.
TEST(MessageEncoder, AMessageCanBeSentUncompressed) {
  MessageEncoder server({.as = Role::server, .deflate = DeflateAgreement{}});
  EXPECT_EQ(test::to_hex(server.message(Opcode::text, test::bytes_of("Hello"))), "c1 07 f2 48 cd c9 c9 07 00");
  EXPECT_EQ(test::to_hex(server.message(Opcode::text, test::bytes_of("hi"), 0, false)), "81 02 68 69");
  EXPECT_EQ(test::to_hex(server.message(Opcode::text, test::bytes_of("Hello"))), "c1 05 f2 00 11 00 00");
  MessageEncoder plain({.as = Role::server});
  EXPECT_EQ(test::to_hex(plain.message(Opcode::text, test::bytes_of("Hello"), 0, true)), "81 05 48 65 6c 6c 6f");
}

// Each side compresses with its own parameters: client_* for a client, server_* for a server.
TEST(MessageEncoder, EachSideCompressesWithItsOwnContextTakeover) {
  const DeflateAgreement agreement{.client_no_context_takeover = true};
  auto payloads = [&](Role as) {
    MessageEncoder encoder({.as = as, .deflate = agreement});
    Collect collect;
    MessageAssembler assembler({.from = as, .deflate = DeflateAgreement{}}, collect);  // keeps its window
    for (int i = 0; i < 2; ++i) {
      Bytes wire = encoder.message(Opcode::text, test::bytes_of("Hello"));
      EXPECT_TRUE(assembler.feed(wire)) << collect.violations;
    }
    EXPECT_EQ(collect.messages, (std::vector<Bytes>{test::bytes_of("Hello"), test::bytes_of("Hello")}));
    return collect.frames[1].payload_length;
  };
  EXPECT_EQ(payloads(Role::client), 7u);  // compressed afresh
  EXPECT_EQ(payloads(Role::server), 5u);  // a back-reference into the first
}

// What a client compresses, a server inflates back equal, however the reads fall.
TEST(MessageEncoder, CompressedMessagesRoundTripThroughTheAssemblerInEveryChunking) {
  const DeflateAgreement agreement{.server_max_window_bits = 10, .client_max_window_bits = 9};
  MessageEncoder client({.as = Role::client, .deflate = agreement});
  Bytes large(70000);
  for (std::size_t i = 0; i < large.size(); ++i) large[i] = static_cast<std::uint8_t>(i * i >> 7);
  const std::vector<std::pair<Opcode, Bytes>> messages = {
      {Opcode::text, test::bytes_of("κόσμε")}, {Opcode::binary, {}}, {Opcode::binary, large},
      {Opcode::text, test::bytes_of("κόσμε κόσμε")}};
  Bytes wire;
  for (const auto& [type, payload] : messages) {
    const Bytes frames = client.message(type, payload, 1000);
    wire.insert(wire.end(), frames.begin(), frames.end());
  }
  for (const auto& chunks : test::chunkings(wire)) {
    Collect collect;
    MessageAssembler assembler({.from = Role::client, .deflate = agreement}, collect);
    for (Bytes chunk : chunks) ASSERT_TRUE(assembler.feed(chunk)) << collect.violations;
    ASSERT_EQ(collect.messages.size(), messages.size()) << test::describe_chunking(chunks);
    for (std::size_t i = 0; i < messages.size(); ++i) EXPECT_EQ(collect.messages[i], messages[i].second);
  }
}

TEST(MessageEncoder, RefusesWhatIsNotAMessageOrAControlFrame) {
  MessageEncoder encoder;
  EXPECT_THROW(encoder.message(Opcode::ping, {}), std::invalid_argument);
  EXPECT_THROW(encoder.control(Opcode::text, {}), std::invalid_argument);
  EXPECT_THROW(encoder.control(Opcode::ping, Bytes(126)), std::invalid_argument);
}

}  // namespace
}  // namespace wsprobe::codec
