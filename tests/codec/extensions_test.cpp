#include "codec/extensions.h"

#include <gtest/gtest.h>

#include <stdexcept>

#include "codec/http.h"

namespace wsprobe::codec {
namespace {

std::vector<Extension> parsed(std::string_view list) {
  Result<std::vector<Extension>> result = parse_extensions(list);
  EXPECT_TRUE(result.ok()) << list << ": " << (result.ok() ? "" : result.violation().describe());
  return result.ok() ? result.value() : std::vector<Extension>();
}

void expect_malformed(std::string_view list, std::string_view detail) {
  Result<std::vector<Extension>> result = parse_extensions(list);
  ASSERT_FALSE(result.ok()) << list;
  EXPECT_EQ(result.violation().rule, Rule::extensions_malformed) << list;
  EXPECT_EQ(result.violation().detail, detail) << list;
}

TEST(Extensions, ParsesElementsWithBareAndValuedParameters) {
  EXPECT_EQ(parsed("permessage-deflate"), (std::vector<Extension>{{"permessage-deflate", {}}}));
  EXPECT_EQ(parsed("permessage-deflate; client_max_window_bits; server_max_window_bits=10, x-foo"),
            (std::vector<Extension>{
                {"permessage-deflate", {{"client_max_window_bits", std::nullopt}, {"server_max_window_bits", "10"}}},
                {"x-foo", {}}}));
}

TEST(Extensions, AllowsOwsAroundEverySeparator) {
  EXPECT_EQ(parsed(" \tfoo ;a = 1;\tb\t=\t\"2\" ;c , bar\t"),
            (std::vector<Extension>{{"foo", {{"a", "1"}, {"b", "2"}, {"c", std::nullopt}}}, {"bar", {}}}));
}

TEST(Extensions, UnquotesQuotedValues) {
  EXPECT_EQ(parsed("x; a=\"10\"; b=\"v\\al\\ue\""), (std::vector<Extension>{{"x", {{"a", "10"}, {"b", "value"}}}}));
  // An escaped quote or backslash unescapes to a non-token.
  expect_malformed("x; b=\"\\\"\"", "offset 5: the quoted value of b is not a token");
}

TEST(Extensions, SkipsEmptyListElements) {
  EXPECT_EQ(parsed(", foo,, \t,bar ,"), (std::vector<Extension>{{"foo", {}}, {"bar", {}}}));
}

TEST(Extensions, ParsesSeveralHeaderLinesAsOneList) {
  const HeaderFields fields = {{"Sec-WebSocket-Extensions", "foo"}, {"sec-websocket-extensions", "bar; baz=2"}};
  EXPECT_EQ(parsed(*combined_field_value(fields, "Sec-WebSocket-Extensions")),
            (std::vector<Extension>{{"foo", {}}, {"bar", {{"baz", "2"}}}}));
}

TEST(Extensions, RejectsMalformedLists) {
  expect_malformed("", "no extension in the list");
  expect_malformed(" , ,", "no extension in the list");
  expect_malformed(";foo", "offset 0: expected an extension name, got 0x3b");
  expect_malformed("foo bar", "offset 4: expected ',' or ';', got 0x62");
  expect_malformed("foo;", "offset 4: expected a parameter name, got the end");
  expect_malformed("foo; =1", "offset 5: expected a parameter name, got 0x3d");
  expect_malformed("foo; a=", "offset 7: expected a token or a quoted string, got the end");
  expect_malformed("foo; a=1=2", "offset 8: expected ',' or ';', got 0x3d");
  expect_malformed("foo; a=\"1", "offset 9: expected the rest of a quoted string, got the end");
  expect_malformed("foo; a=\"1\x01\"", "offset 9: expected the rest of a quoted string, got 0x01");
  expect_malformed("foo; a=\"\"", "offset 7: the quoted value of a is not a token");
  expect_malformed("foo; a=\"1 0\"", "offset 7: the quoted value of a is not a token");
  expect_malformed("f\xc3\xb6o", "offset 1: expected ',' or ';', got 0xc3");
}

TEST(Extensions, FormatsWhatItParses) {
  constexpr std::string_view text = "permessage-deflate; client_max_window_bits; server_max_window_bits=10, x-foo";
  EXPECT_EQ(format_extensions(parsed(text)), text);
}

// permessage-deflate offers (RFC 7692 7.1).

DeflateOffer offer_of(std::string_view text) { return deflate_offer_from_text(text); }

TEST(DeflateOffer, ReadsAllFourParameters) {
  const DeflateOffer offer = offer_of(
      "permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=10; "
      "client_max_window_bits");
  EXPECT_TRUE(offer.server_no_context_takeover);
  EXPECT_TRUE(offer.client_no_context_takeover);
  EXPECT_EQ(offer.server_max_window_bits, 10);
  ASSERT_TRUE(offer.client_max_window_bits.has_value());
  EXPECT_EQ(offer.client_max_window_bits->hint, std::nullopt);

  EXPECT_EQ(offer_of("permessage-deflate; client_max_window_bits=9").client_max_window_bits,
            DeflateOffer::ClientWindow{9});
  EXPECT_EQ(offer_of("permessage-deflate; server_max_window_bits=\"15\"").server_max_window_bits, 15);
  EXPECT_EQ(offer_of("permessage-deflate"), DeflateOffer{});
}

TEST(DeflateOffer, FormatsAndReadsBackEveryShape) {
  DeflateOffer all;
  all.server_no_context_takeover = true;
  all.client_no_context_takeover = true;
  all.server_max_window_bits = 10;
  all.client_max_window_bits = DeflateOffer::ClientWindow{};
  DeflateOffer hinted;
  hinted.client_max_window_bits = DeflateOffer::ClientWindow{12};
  for (const auto& [offer, text] : {
           std::pair{DeflateOffer{}, "permessage-deflate"},
           std::pair{all,
                     "permessage-deflate; server_no_context_takeover; client_no_context_takeover; "
                     "server_max_window_bits=10; client_max_window_bits"},
           std::pair{hinted, "permessage-deflate; client_max_window_bits=12"},
       }) {
    EXPECT_EQ(format_extensions({to_extension(offer)}), text);
    EXPECT_EQ(offer_of(text), offer) << text;
  }
}

TEST(DeflateOffer, RejectsInvalidOffers) {
  const std::vector<std::pair<std::string_view, Violation>> cases = {
      {"permessage-deflate; server_max_window_bits",
       {Rule::deflate_invalid_value, "server_max_window_bits needs a value"}},
      {"permessage-deflate; server_max_window_bits=16",
       {Rule::deflate_invalid_value, "server_max_window_bits=16 is not 8 to 15"}},
      {"permessage-deflate; client_max_window_bits=7",
       {Rule::deflate_invalid_value, "client_max_window_bits=7 is not 8 to 15"}},
      {"permessage-deflate; client_no_context_takeover=1",
       {Rule::deflate_invalid_value, "client_no_context_takeover takes no value"}},
      {"permessage-deflate; server_no_context_takeover; server_no_context_takeover",
       {Rule::deflate_duplicate_parameter, "server_no_context_takeover"}},
      {"permessage-deflate; Server_No_Context_Takeover",
       {Rule::deflate_unknown_parameter, "Server_No_Context_Takeover"}},
  };
  for (const auto& [text, expected] : cases) {
    const Result<DeflateOffer> offer = parse_deflate_offer(parsed(text).front());
    ASSERT_FALSE(offer.ok()) << text;
    EXPECT_EQ(offer.violation().rule, expected.rule) << text;
    EXPECT_EQ(offer.violation().detail, expected.detail) << text;
    EXPECT_THROW(offer_of(text), std::invalid_argument) << text;
  }
}

TEST(DeflateOffer, FromTextNamesTheProblem) {
  EXPECT_THROW(offer_of("permessage-deflate; a=\"b c\""), std::invalid_argument);
  EXPECT_THROW(offer_of("x-foo"), std::invalid_argument);
  EXPECT_THROW(offer_of("permessage-deflate, permessage-deflate"), std::invalid_argument);
  try {
    offer_of("permessage-deflate; server_max_window_bits=08");
    FAIL() << "no exception";
  } catch (const std::invalid_argument& error) {
    EXPECT_STREQ(error.what(),
                 "RFC 7692 7.1: invalid permessage-deflate parameter value (server_max_window_bits=08 is not 8 to 15)");
  }
}

TEST(DeflateOffer, ParseRequiresAPermessageDeflateElement) {
  EXPECT_THROW(parse_deflate_offer(Extension{"x-foo", {}}), std::invalid_argument);
}

// The client's check of the server's answer (RFC 7692 5 and 7).

Result<std::optional<DeflateAgreement>> agreed(std::string_view response, const std::vector<std::string_view>& offers) {
  std::vector<DeflateOffer> deflate_offers;
  for (std::string_view offer : offers) deflate_offers.push_back(offer_of(offer));
  return agreed_deflate(parsed(response), deflate_offers);
}

void expect_refused(std::string_view response, const std::vector<std::string_view>& offers, Rule rule,
                    std::string_view detail) {
  const auto result = agreed(response, offers);
  ASSERT_FALSE(result.ok()) << response;
  EXPECT_EQ(result.violation().rule, rule) << response;
  EXPECT_EQ(result.violation().detail, detail) << response;
}

constexpr std::string_view bare_client_window = "permessage-deflate; client_max_window_bits";

TEST(DeflateResponse, AgreesOnWhatTheResponseSays) {
  const auto result = agreed(
      "permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=9; "
      "client_max_window_bits=8",
      {bare_client_window});
  ASSERT_TRUE(result.ok()) << result.violation().describe();
  ASSERT_TRUE(result.value().has_value());
  const DeflateAgreement& agreement = *result.value();
  EXPECT_TRUE(agreement.server_no_context_takeover);
  EXPECT_TRUE(agreement.client_no_context_takeover);
  EXPECT_EQ(agreement.server_window_bits(), 9);
  EXPECT_EQ(agreement.client_window_bits(), 8);
}

TEST(DeflateResponse, WindowsDefaultTo15) {
  const auto result = agreed("permessage-deflate", {"permessage-deflate"});
  ASSERT_TRUE(result.ok() && result.value().has_value());
  EXPECT_EQ(*result.value(), DeflateAgreement{});
  EXPECT_EQ(result.value()->server_window_bits(), 15);
  EXPECT_EQ(result.value()->client_window_bits(), 15);
}

TEST(DeflateResponse, NoElementMeansDeclined) {
  const auto result = agreed("x-foo", {bare_client_window});
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result.value(), std::nullopt);
}

TEST(DeflateResponse, RejectsDuplicateParameters) {
  expect_refused("permessage-deflate; client_max_window_bits=10; client_max_window_bits=10", {bare_client_window},
                 Rule::deflate_duplicate_parameter, "client_max_window_bits");
}

TEST(DeflateResponse, RejectsValuesOutside8To15OrWithLeadingZeros) {
  for (std::string_view value : {"7", "16", "08", "010", "1a", "-9", "+9"}) {
    expect_refused("permessage-deflate; server_max_window_bits=" + std::string(value), {"permessage-deflate"},
                   Rule::deflate_invalid_value, "server_max_window_bits=" + std::string(value) + " is not 8 to 15");
  }
  for (std::string_view value : {"8", "9", "10", "15"}) {
    EXPECT_TRUE(agreed("permessage-deflate; server_max_window_bits=" + std::string(value), {"permessage-deflate"}).ok())
        << value;
  }
}

TEST(DeflateResponse, RequiresWindowValues) {
  expect_refused("permessage-deflate; client_max_window_bits", {bare_client_window}, Rule::deflate_invalid_value,
                 "client_max_window_bits needs a value");
  expect_refused("permessage-deflate; server_max_window_bits", {bare_client_window}, Rule::deflate_invalid_value,
                 "server_max_window_bits needs a value");
}

TEST(DeflateResponse, ForbidsNoContextTakeoverValues) {
  expect_refused("permessage-deflate; server_no_context_takeover=true", {bare_client_window},
                 Rule::deflate_invalid_value, "server_no_context_takeover takes no value");
}

TEST(DeflateResponse, AllowsClientWindowOnlyIfOffered) {
  expect_refused("permessage-deflate; client_max_window_bits=10", {"permessage-deflate"},
                 Rule::deflate_client_window_not_offered, "client_max_window_bits=10");
  EXPECT_TRUE(agreed("permessage-deflate; client_max_window_bits=10", {bare_client_window}).ok());
  // A hint binds nothing: the client can always use a smaller window than allowed.
  EXPECT_TRUE(
      agreed("permessage-deflate; client_max_window_bits=12", {"permessage-deflate; client_max_window_bits=10"}).ok());
}

TEST(DeflateResponse, CapsTheServerWindowAtTheOffer) {
  constexpr std::string_view offer = "permessage-deflate; server_max_window_bits=10";
  expect_refused("permessage-deflate; server_max_window_bits=11", {offer}, Rule::deflate_server_window_too_large,
                 "server_max_window_bits=11, offered 10");
  expect_refused("permessage-deflate", {offer}, Rule::deflate_server_window_too_large,
                 "no server_max_window_bits, so 15, offered 10");
  EXPECT_TRUE(agreed("permessage-deflate; server_max_window_bits=10", {offer}).ok());
  EXPECT_TRUE(agreed("permessage-deflate; server_max_window_bits=8", {offer}).ok());
}

TEST(DeflateResponse, RejectsUnknownParameters) {
  expect_refused("permessage-deflate; mem_level=9", {bare_client_window}, Rule::deflate_unknown_parameter, "mem_level");
}

TEST(DeflateResponse, RejectsTwoElements) {
  expect_refused("permessage-deflate, permessage-deflate; client_max_window_bits=10", {bare_client_window},
                 Rule::deflate_more_than_one, "2 elements");
}

TEST(DeflateResponse, MatchesAnyOfSeveralOffers) {
  // Autobahn 13.7: three offers, most preferred first.
  const std::vector<std::string_view> offers = {
      "permessage-deflate; client_no_context_takeover; client_max_window_bits; server_no_context_takeover; "
      "server_max_window_bits=9",
      "permessage-deflate; client_no_context_takeover; client_max_window_bits; server_no_context_takeover",
      "permessage-deflate; server_max_window_bits=12"};
  EXPECT_TRUE(agreed("permessage-deflate; client_max_window_bits=15", offers).ok());
  EXPECT_TRUE(agreed("permessage-deflate; server_max_window_bits=12", offers).ok());
  // Too large a window for the first offer, but the second sets no limit.
  EXPECT_TRUE(agreed("permessage-deflate; server_max_window_bits=13; client_max_window_bits=10", offers).ok());

  expect_refused("permessage-deflate; server_max_window_bits=11",
                 {"permessage-deflate; server_max_window_bits=9", "permessage-deflate; server_max_window_bits=10"},
                 Rule::deflate_server_window_too_large,
                 "server_max_window_bits=11, offered 9; it answers none of the 2 offers");
}

TEST(DeflateResponse, WithNoValidOfferNothingWasOffered) {
  const auto result = agreed_deflate(parsed("permessage-deflate"), {});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.violation().rule, Rule::extension_not_offered);
}

// The server's choice (RFC 7692 5 and 7).

TEST(DeflateServer, AcceptsTheFirstValidOfferAsOffered) {
  const std::vector<Extension> offers = parsed(
      "x-foo, permessage-deflate; server_max_window_bits=99, "
      "permessage-deflate; server_no_context_takeover; server_max_window_bits=9; client_max_window_bits=10, "
      "permessage-deflate");
  const std::optional<DeflateAgreement> agreement = accept_deflate_offer(offers);
  ASSERT_TRUE(agreement.has_value());
  EXPECT_EQ(format_extensions({to_extension(*agreement)}),
            "permessage-deflate; server_no_context_takeover; server_max_window_bits=9; client_max_window_bits=10");
}

TEST(DeflateServer, LeavesABareClientWindowOut) {
  const std::optional<DeflateAgreement> agreement =
      accept_deflate_offer(parsed("permessage-deflate; client_no_context_takeover; client_max_window_bits"));
  ASSERT_TRUE(agreement.has_value());
  EXPECT_EQ(format_extensions({to_extension(*agreement)}), "permessage-deflate; client_no_context_takeover");
}

TEST(DeflateServer, DeclinesWithoutAValidOffer) {
  EXPECT_EQ(accept_deflate_offer(parsed("x-foo, permessage-deflate; x=1")), std::nullopt);
}

TEST(DeflateServer, ItsAnswerPassesTheClientsCheck) {
  for (std::string_view offer :
       {"permessage-deflate", "permessage-deflate; client_max_window_bits",
        "permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=8; "
        "client_max_window_bits=8"}) {
    const std::optional<DeflateAgreement> agreement = accept_deflate_offer(parsed(offer));
    ASSERT_TRUE(agreement.has_value()) << offer;
    const DeflateOffer offers[] = {offer_of(offer)};
    const auto checked = agreed_deflate({to_extension(*agreement)}, offers);
    ASSERT_TRUE(checked.ok()) << offer << ": " << checked.violation().describe();
    EXPECT_EQ(checked.value(), agreement) << offer;
  }
}

}  // namespace
}  // namespace wsprobe::codec
