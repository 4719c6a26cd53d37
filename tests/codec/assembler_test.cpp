#include "codec/assembler.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "codec/message_encoder.h"
#include "support/chunks.h"
#include "support/fixtures.h"

namespace wsprobe::codec {
namespace {

using test::bytes_from_spec;
using test::chunkings;
using test::from_hex;

std::string hex_or_dash(ByteView payload) {
  if (payload.empty()) return "-";
  if (payload.size() > 32) return std::string("<").append(std::to_string(payload.size())).append(" bytes>");
  std::string text = test::to_hex(payload);
  std::erase(text, ' ');
  return text;
}

// Renders the events in the format of testdata/messages/assemble.txt.
class RecordingHandler : public MessageHandler {
 public:
  std::string events;
  std::vector<FrameHeader> frames;

  void on_frame(const FrameHeader& header) override { frames.push_back(header); }
  void on_message(Opcode type, ByteView payload) override {
    add(type == Opcode::text ? "message text \"" + std::string(as_chars(payload)) + "\""
                             : "message binary " + hex_or_dash(payload));
  }
  void on_ping(ByteView payload) override { add("ping " + hex_or_dash(payload)); }
  void on_pong(ByteView payload) override { add("pong " + hex_or_dash(payload)); }
  void on_close(const CloseFrame& close) override {
    add(close.code ? "close " + std::to_string(*close.code) + " \"" + close.reason + "\"" : "close -");
  }
  void on_violation(const Violation& violation) override {
    add("violation " + std::string(rule_info(violation.rule).id));
    last_violation = violation;
  }
  Violation last_violation{};

 private:
  void add(const std::string& event) { events += (events.empty() ? "" : "; ") + event; }
};

// "server", "client max=64", "server deflate server_no_context_takeover".
AssemblerOptions options_from(const std::string& text) {
  AssemblerOptions options;
  std::istringstream words(text);
  std::string role;
  words >> role;
  if (role == "client") {
    options.from = Role::client;
  } else if (role != "server") {
    throw std::invalid_argument("unknown role: " + role);
  }
  for (std::string word; words >> word;) {
    if (word.starts_with("max=")) {
      options.max_message_size = std::stoull(word.substr(4));
    } else if (word == "deflate") {
      options.deflate.emplace();
    } else if (options.deflate && word == "server_no_context_takeover") {
      options.deflate->server_no_context_takeover = true;
    } else if (options.deflate && word == "client_no_context_takeover") {
      options.deflate->client_no_context_takeover = true;
    } else {
      throw std::invalid_argument("unknown option: " + word);
    }
  }
  return options;
}

std::string assemble(const std::vector<Bytes>& chunks, AssemblerOptions options) {
  RecordingHandler handler;
  MessageAssembler assembler(options, handler);
  for (Bytes chunk : chunks) {
    if (!assembler.feed(chunk)) break;
  }
  return handler.events.empty() ? "(nothing)" : handler.events;
}

TEST(MessageAssembler, FixturesGiveTheSameEventsForEveryChunking) {
  const auto rows = test::read_fixture_table("messages/assemble.txt");
  ASSERT_GT(rows.size(), 40u);
  for (const auto& row : rows) {
    ASSERT_EQ(row.fields.size(), 3u) << "assemble.txt line " << row.line;
    const AssemblerOptions options = options_from(row.fields[0]);
    const Bytes input = bytes_from_spec(row.fields[1]);
    for (const auto& chunks : chunkings(input)) {
      ASSERT_EQ(assemble(chunks, options), row.fields[2])
          << "assemble.txt line " << row.line << ", " << test::describe_chunking(chunks);
    }
  }
}

TEST(MessageAssembler, ReportsEachFrameHeaderForTraces) {
  RecordingHandler handler;
  MessageAssembler assembler({}, handler);
  Bytes input = from_hex("01 03 48 65 6c 89 00 80 02 6c 6f");
  ASSERT_TRUE(assembler.feed(input));
  ASSERT_EQ(handler.frames.size(), 3u);
  EXPECT_FALSE(handler.frames[0].fin);
  EXPECT_EQ(handler.frames[1].opcode, 9);
  EXPECT_EQ(handler.frames[2].payload_length, 2u);
}

TEST(MessageAssembler, TellsWhereAMessageStands) {
  RecordingHandler handler;
  MessageAssembler assembler({}, handler);
  Bytes first = from_hex("01 01 41");
  ASSERT_TRUE(assembler.feed(first));
  EXPECT_TRUE(assembler.in_message());
  Bytes last = from_hex("80 01 42 88 00");
  ASSERT_TRUE(assembler.feed(last));
  EXPECT_FALSE(assembler.in_message());
  EXPECT_TRUE(assembler.close_received());
  EXPECT_FALSE(assembler.failed());
}

TEST(MessageAssembler, GivesBackTheMemoryOfALargeMessage) {
  RecordingHandler handler;
  MessageAssembler assembler({}, handler);
  codec::FrameHeader header;
  header.opcode = 2;
  Bytes large = build_frame(header, Bytes(1 << 20, 0x41));
  ASSERT_TRUE(assembler.feed(large));
  EXPECT_EQ(handler.events, "message binary <1048576 bytes>");
  EXPECT_LE(assembler.held_bytes(), MessageAssembler::max_held_between_messages);
}

TEST(MessageAssembler, IgnoresInputAfterAViolation) {
  RecordingHandler handler;
  MessageAssembler assembler({}, handler);
  Bytes bad = from_hex("80 00");
  EXPECT_FALSE(assembler.feed(bad));
  Bytes good = from_hex("81 01 41");
  EXPECT_FALSE(assembler.feed(good));
  EXPECT_EQ(handler.events, "violation message.orphan-continuation");
}

// What the assembler says of a server's bytes `hex`, read with these options.
std::string violation_for(const char* hex, std::uint64_t max, std::optional<DeflateAgreement> deflate = {}) {
  RecordingHandler handler;
  MessageAssembler assembler({.from = Role::server, .max_message_size = max, .deflate = deflate}, handler);
  Bytes input = from_hex(hex);
  assembler.feed(input);
  return handler.last_violation.describe();
}

TEST(MessageAssembler, ViolationDetailsSayWhatWasSeen) {
  EXPECT_EQ(violation_for("01 03 48 65 6c 80 03 6c 6f 21", 5),
            "RFC 6455 10.4: message larger than the limit (at least 6 bytes, limit 5)");
  EXPECT_EQ(violation_for("81 04 41 42 c3 28", 100),
            "RFC 6455 8.1: text message is not valid UTF-8 (invalid byte at offset 3)");
  EXPECT_EQ(violation_for("81 01 ce", 100),
            "RFC 6455 8.1: text message is not valid UTF-8 (sequence cut off at the end of the message)");
  EXPECT_EQ(violation_for("01 01 41 02 00", 100),
            "RFC 6455 5.4: new data frame inside a fragmented message (binary frame before the fragmented message "
            "ended)");
}

TEST(MessageAssembler, CompressedMessageViolationsSayWhetherBeforeOrAfterInflating) {
  auto violation_for = [](const char* hex, std::uint64_t max) {
    return codec::violation_for(hex, max, DeflateAgreement{});
  };
  EXPECT_EQ(violation_for("c2 06 62 60 a0 3d 00 00", 99),
            "RFC 6455 10.4: message larger than the limit (at least 100 bytes after inflating, limit 99)");
  EXPECT_EQ(violation_for("41 03 f2 48 cd 80 04 c9 c9 07 00", 6),
            "RFC 6455 10.4: message larger than the limit (at least 7 bytes before inflating, limit 6)");
  EXPECT_EQ(violation_for("c1 03 ff ff ff", 100),
            "RFC 7692 7.2.2: compressed message does not inflate (invalid block type)");
  EXPECT_EQ(violation_for("c1 05 0a c9 48 55 28", 100),
            "RFC 7692 7.2.2: compressed message does not inflate (the message ends inside a deflate block)");
  EXPECT_EQ(violation_for("c1 04 3a ac 01 00", 100),
            "RFC 6455 8.1: text message is not valid UTF-8 (invalid byte at offset 1)");
  EXPECT_EQ(violation_for("41 03 f2 48 cd c0 04 c9 c9 07 00", 100),
            "RFC 7692 6.1: RSV1 (compressed) set on a continuation frame, not the message's first");
}

// A decompression bomb: 16 MiB of zeros in one compressed frame of about 16 KiB, read
// in 512-byte pieces against a 1 MiB limit. The assembler inflates as the bytes
// arrive, so it fails once the inflated size passes 1 MiB, about 1 KiB into the frame.
TEST(MessageAssembler, ABombFailsAsSoonAsItsInflatedSizePassesTheLimit) {
  const Bytes zeros(16 << 20, 0);
  Bytes wire = MessageEncoder({.as = Role::server, .deflate = DeflateAgreement{}}).message(Opcode::binary, zeros);
  ASSERT_LT(wire.size(), 32u * 1024);
  RecordingHandler handler;
  MessageAssembler assembler({.from = Role::server, .max_message_size = 1 << 20, .deflate = DeflateAgreement{}},
                             handler);
  std::size_t fed = 0;
  for (bool open = true; open && fed < wire.size();) {
    const std::size_t piece = std::min<std::size_t>(512, wire.size() - fed);
    open = assembler.feed(MutableByteView(wire).subspan(fed, piece));
    fed += piece;
  }
  EXPECT_EQ(handler.events, "violation message.too-big");
  EXPECT_EQ(handler.last_violation.detail, "at least 1048577 bytes after inflating, limit 1048576");
  EXPECT_LE(fed, 2048u) << "of " << wire.size() << " compressed bytes";
}

}  // namespace
}  // namespace wsprobe::codec
