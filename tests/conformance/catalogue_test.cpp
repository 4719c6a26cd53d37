#include "conformance/catalogue.h"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <stdexcept>

#include "codec/assembler.h"

namespace wsprobe::conformance {
namespace {

TEST(Catalogue, EveryRowParsesWithUniqueIds) {
  const Catalogue& catalogue = builtin_catalogue();
  std::set<std::string> ids, autobahn;
  for (const Case& test_case : catalogue.cases()) {
    EXPECT_TRUE(ids.insert(test_case.id).second) << test_case.id;
    if (test_case.autobahn) {
      EXPECT_TRUE(autobahn.insert(*test_case.autobahn).second) << test_case.id;
    }
    EXPECT_FALSE(test_case.title.empty()) << test_case.id;
    const bool sends = !test_case.steps.empty() || test_case.series;
    EXPECT_TRUE(sends || test_case.expect.upgrade || test_case.expect.refuse || test_case.is_sse()) << test_case.id;
    ASSERT_NE(test_case.sentence, nullptr) << test_case.id;
    EXPECT_TRUE(test_case.sentence->section.starts_with(test_case.is_sse() ? "HTML 9.2." : "RFC ")) << test_case.id;
    for (const codec::FrameSpec& spec : step_specs(test_case)) EXPECT_FALSE(codec::build_frames(spec).empty());
  }
}

// Autobahn|Testsuite's server cases, section by section, are all there.
TEST(Catalogue, CoversAutobahnsCasesBySection) {
  std::map<std::string, int> per_group;
  for (const Case& test_case : builtin_catalogue().cases()) {
    if (test_case.autobahn) ++per_group[std::string(test_case.group())];
  }
  const std::map<std::string, int> autobahn = {{"framing", 16}, {"pingpong", 11}, {"reserved", 7},
                                               {"opcodes", 10}, {"fragmentation", 20}, {"utf8", 145},
                                               {"close", 37}, {"limits", 54}, {"autofragment", 1},
                                               {"compression", 216}};
  for (const auto& [group, count] : autobahn) EXPECT_EQ(per_group[group], count) << group;
}

class FirstViolation : public codec::MessageHandler {
 public:
  std::optional<codec::Violation> violation;
  bool closed = false;
  void on_message(codec::Opcode, codec::ByteView) override {}
  void on_close(const codec::CloseFrame&) override { closed = true; }
  void on_violation(const codec::Violation& found) override {
    // What comes after our own Close is the server's to discard, not to fail.
    if (!closed) violation = found;
  }
};

// The first rule a case's frames break, as a strict server reads them.
std::optional<codec::Violation> broken_rule(const Case& test_case) {
  codec::Bytes wire;
  for (const codec::FrameSpec& spec : step_specs(test_case)) {
    for (const codec::BuiltFrame& frame : codec::build_frames(spec)) wire.insert(wire.end(), frame.wire.begin(), frame.wire.end());
  }
  FirstViolation first;
  std::optional<codec::DeflateAgreement> deflate;
  if (test_case.expect.needs_deflate) deflate.emplace();
  codec::MessageAssembler({.from = codec::Role::client, .deflate = deflate}, first).feed(wire);
  return first.violation;
}

// The catalogue and the codec agree: a case that expects the server to fail breaks a
// rule whose close code is among the expected ones, and a case that expects echoes,
// pongs or a plain reply sends valid frames.
TEST(Catalogue, ExpectationsAgreeWithTheCodec) {
  for (const Case& test_case : builtin_catalogue().cases()) {
    if (test_case.expect.informational) continue;
    const std::optional<codec::Violation> broken = broken_rule(test_case);
    const Expectation& expect = test_case.expect;
    const std::vector<std::uint16_t>& codes = expect.fails_connection() ? expect.fail_codes : expect.reply_codes;
    const bool must_fail = expect.fails_connection() || (!codes.empty() && !expect.reply_same &&
                                                          std::find(codes.begin(), codes.end(), 1000) == codes.end());
    if (!must_fail) {
      EXPECT_FALSE(broken) << test_case.id << " breaks " << broken->describe();
      continue;
    }
    ASSERT_TRUE(broken) << test_case.id << " breaks no rule";
    const std::uint16_t code = codec::rule_info(broken->rule).close_code;
    EXPECT_NE(std::find(codes.begin(), codes.end(), code), codes.end()) << test_case.id << " " << broken->describe();
  }
}

// The agreement check above can fail: a row that expects an echo of invalid UTF-8, or
// a failure for valid frames, is caught.
TEST(Catalogue, TheAgreementCheckSeesWhatFramesBreak) {
  const Catalogue wrong = Catalogue::parse(
      "@sentence s | RFC 6455 8.1 | MUST | words\n"
      "utf8/x | - | s | invalid text expected echoed | text:hex:c3 28 | echo\n"
      "utf8/y | - | s | valid text expected to fail | text:ok | fail=1007\n");
  EXPECT_EQ(broken_rule(wrong.cases()[0])->rule, codec::Rule::text_not_utf8);
  EXPECT_FALSE(broken_rule(wrong.cases()[1]));
}

TEST(Catalogue, RowsThatDoNotParseNameTheirLine) {
  const std::string sentence = "@sentence s | RFC 6455 5.2 | MUST | words\n";
  const std::map<std::string, std::string> bad = {
      {sentence + "a/1 | - | s | title | text:x | echo\na/1 | - | s | title | text:y | echo\n", "line 3: id a/1 given twice"},
      {sentence + "a/1 | - | nobody | title | text:x | echo\n", "unknown sentence 'nobody'"},
      {sentence + "a/1 | - | s | title | nonsense:x | echo\n", "unknown kind"},
      {sentence + "a/1 | - | s | title | text:x | hope\n", "unknown expectation 'hope'"},
      {sentence + "a/1 | - | s | title | text:x | fail=1005\n", "'1005' is not a close code allowed on the wire"},
      {sentence + "a/1 | - | s | title | text:x | fail=1002 reply=1000\n", "fail= and reply= exclude each other"},
      {sentence + "a/1 | - | s | title | text:@/etc/passwd | echo\n", "a step cannot read a file"},
      {"@sentence s | RFC 6455 5.2 | OFTEN | words\n", "level 'OFTEN'"},
      {sentence + "a1 | - | s | title | text:x | echo\n", "an id is SECTION/NUMBER"},
      {sentence + sentence, "sentence s declared twice"},
      {sentence + "a/1 | - | s | title | offer=nowhere | upgrade\n", "unknown offer 'nowhere'"},
      {sentence + "a/1 | - | s | title | messages/size=1KiB:text:gibberish | echo\n", "unknown corpus 'gibberish'"},
      {sentence + "a/1 | - | s | title | messages/often=2:text:json | echo\n", "unknown series flag 'often=2'"},
      {sentence + "a/1 | - | s | title | messages/size=1KiB:audio:json | echo\n", "text or binary, not 'audio'"},
      {sentence + "a/1 | - | s | title | text:x ; messages:text:json | echo\n", "a series goes alone"},
      {sentence + "a/1 | - | s | title | text:x | limit\n", "limit goes with echo"},
      {sentence + "a/1 | - | s | title | header=Host: | refuse echo\n", "refuse excludes"},
      {sentence + "a/1 | - | s | title | header=no colon | upgrade\n", "header=Name: value"},
      {sentence + "a/1 | - | s | title | | sse=vibes\n", "unknown event-stream check 'vibes'"},
  };
  for (const auto& [text, phrase] : bad) {
    try {
      Catalogue::parse(text);
      ADD_FAILURE() << "parsed: " << text;
    } catch (const std::invalid_argument& error) {
      EXPECT_NE(std::string(error.what()).find(phrase), std::string::npos) << error.what();
    }
  }
}

TEST(Catalogue, ARowGivesItsParts) {
  const Catalogue catalogue = Catalogue::parse(
      "# a comment\n"
      "@sentence ping | RFC 6455 5.5.2 | MUST | Upon receipt of a Ping frame, an endpoint MUST send a Pong\n"
      "pingpong/2.2 | 2.2 | ping | ping with a payload | ping:Hello, world! ; close:1000 | pong reply=1000,same\n");
  ASSERT_EQ(catalogue.cases().size(), 1u);
  const Case& only = catalogue.cases().front();
  EXPECT_EQ(only.group(), "pingpong");
  EXPECT_EQ(only.autobahn, "2.2");
  EXPECT_EQ(only.sentence->level, codec::Level::must);
  EXPECT_EQ(only.steps, (std::vector<std::string>{"ping:Hello, world!", "close:1000"}));
  EXPECT_TRUE(only.expect.pong);
  EXPECT_EQ(only.expect.reply_codes, std::vector<std::uint16_t>{1000});
  EXPECT_TRUE(only.expect.reply_same);
}

// Every check `check --sse` knows has its case, once.
TEST(Catalogue, EveryEventStreamCheckHasOneCase) {
  std::map<std::string, int> cases;
  for (const Case& test_case : builtin_catalogue().cases()) {
    if (test_case.is_sse()) ++cases[test_case.expect.sse_check];
  }
  for (const std::string_view check : sse_checks) EXPECT_EQ(cases[std::string(check)], 1) << check;
  EXPECT_EQ(cases.size(), sse_checks.size());
}

TEST(Catalogue, ARowMayChangeTheRequestAndSendASeries) {
  const Catalogue catalogue = Catalogue::parse(
      "@sentence d | RFC 7692 7.2.2 | MUST | words with |Pipes| in the RFC's notation\n"
      "@offer small | permessage-deflate; server_max_window_bits=9\n"
      "compression/1 | 12.1.1 | d | json | offer=small ; header=X-Test: 1 ; method=GET ; "
      "messages/count=3/size=16KiB/fragment=256/chop=100:text:json | echo deflate limit\n");
  const Case& only = catalogue.cases().front();
  EXPECT_EQ(only.sentence->text, "words with |Pipes| in the RFC's notation");
  ASSERT_NE(only.request.offer, nullptr);
  EXPECT_EQ(only.request.offer->value, "permessage-deflate; server_max_window_bits=9");
  EXPECT_EQ(only.request.headers, std::vector<std::string>{"X-Test: 1"});
  EXPECT_EQ(only.request.method, "GET");
  EXPECT_TRUE(only.steps.empty());
  ASSERT_TRUE(only.series);
  EXPECT_EQ(only.series->type, codec::Opcode::text);
  EXPECT_EQ(only.series->source, "json");
  EXPECT_EQ((std::vector<std::uint64_t>{only.series->count, only.series->size, only.series->fragment_size, only.series->chop}),
            (std::vector<std::uint64_t>{3, 16384, 256, 100}));
  EXPECT_TRUE(only.expect.echo && only.expect.needs_deflate && only.expect.limit_allowed);
  EXPECT_TRUE(only.needs_echo());
}

}  // namespace
}  // namespace wsprobe::conformance
