#include "output/json.h"

#include <gtest/gtest.h>

#include <limits>

namespace wsprobe::output {
namespace {

TEST(JsonWriter, NestsObjectsAndArraysWithCommasInPlace) {
  JsonWriter json;
  json.begin_object()
      .field("type", "open")
      .field("ok", true)
      .field("count", 3)
      .field("ms", 1.23456)
      .key("list")
      .begin_array()
      .value("a")
      .begin_object()
      .field("n", std::uint64_t{18446744073709551615u})
      .end_object()
      .null()
      .end_array()
      .field("missing", std::optional<std::string>{})
      .field("present", std::optional<std::string>{"x"})
      .key("empty")
      .begin_object()
      .end_object()
      .end_object();
  EXPECT_EQ(json.text(),
            R"({"type":"open","ok":true,"count":3,"ms":1.235,"list":["a",{"n":18446744073709551615},null],)"
            R"("missing":null,"present":"x","empty":{}})");
}

// Numbers are written with three decimals, whatever their size or sign.
TEST(JsonWriter, WritesNumbersWithThreeDecimals) {
  JsonWriter json;
  json.begin_array().value(0.0).value(12.3456).value(-7.25).value(1234567.0).value(617491633319744.5);
  json.value(std::numeric_limits<double>::infinity()).end_array();
  EXPECT_EQ(json.text(), "[0.000,12.346,-7.250,1234567.000,617491633319744.500,null]");
}

}  // namespace
}  // namespace wsprobe::output
