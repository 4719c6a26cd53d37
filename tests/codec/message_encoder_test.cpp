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

TEST(MessageEncoder, RefusesWhatIsNotAMessageOrAControlFrame) {
  MessageEncoder encoder;
  EXPECT_THROW(encoder.message(Opcode::ping, {}), std::invalid_argument);
  EXPECT_THROW(encoder.control(Opcode::text, {}), std::invalid_argument);
  EXPECT_THROW(encoder.control(Opcode::ping, Bytes(126)), std::invalid_argument);
}

}  // namespace
}  // namespace wsprobe::codec
