#include "output/json.h"

#include <charconv>
#include <cmath>
#include <iterator>
#include <fmt/format.h>

#include "base/escape.h"

namespace wsprobe::output {

void JsonWriter::separate() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (!first_.empty()) {
    if (!first_.back()) out_ += ',';
    first_.back() = false;
  }
}

void JsonWriter::clear() {
  out_.clear();
  first_.clear();
  after_key_ = false;
}

JsonWriter& JsonWriter::begin_object() {
  separate();
  out_ += '{';
  first_.push_back(true);
  return *this;
}

JsonWriter& JsonWriter::end_object() {
  out_ += '}';
  first_.pop_back();
  return *this;
}

JsonWriter& JsonWriter::begin_array() {
  separate();
  out_ += '[';
  first_.push_back(true);
  return *this;
}

JsonWriter& JsonWriter::end_array() {
  out_ += ']';
  first_.pop_back();
  return *this;
}

JsonWriter& JsonWriter::key(std::string_view name) {
  separate();
  append_json_string(out_, name);
  out_ += ':';
  after_key_ = true;
  return *this;
}

JsonWriter& JsonWriter::value(std::string_view text) {
  separate();
  append_json_string(out_, text);
  return *this;
}

JsonWriter& JsonWriter::value(bool flag) {
  separate();
  out_ += flag ? "true" : "false";
  return *this;
}

JsonWriter& JsonWriter::value(std::int64_t number) {
  separate();
  out_ += std::to_string(number);
  return *this;
}

JsonWriter& JsonWriter::value(std::uint64_t number) {
  separate();
  out_ += std::to_string(number);
  return *this;
}

JsonWriter& JsonWriter::value(double number) {
  if (!std::isfinite(number)) return null();
  separate();
  append_json_number(out_, number);
  return *this;
}

// Thousandths counted in an integer and printed with to_chars: this runs once per
// record, millions of times on a fast stream, where a general float format shows.
void append_json_number(std::string& out, double number) {
  constexpr double exact_limit = 1e12;  // number * 1000 stays within 2^53, exact to a thousandth
  if (std::fabs(number) >= exact_limit) {
    fmt::format_to(std::back_inserter(out), "{:.3f}", number);
    return;
  }
  const long long thousandths = std::llround(number * 1000);
  if (thousandths < 0) out += '-';
  const auto magnitude = static_cast<unsigned long long>(thousandths < 0 ? -thousandths : thousandths);
  char digits[24];
  const auto end = std::to_chars(digits, digits + sizeof digits, magnitude / 1000).ptr;
  out.append(digits, end);
  const auto fraction = static_cast<unsigned>(magnitude % 1000);
  const char decimals[] = {'.', static_cast<char>('0' + fraction / 100), static_cast<char>('0' + fraction / 10 % 10),
                           static_cast<char>('0' + fraction % 10)};
  out.append(decimals, sizeof decimals);
}

JsonWriter& JsonWriter::null() {
  separate();
  out_ += "null";
  return *this;
}

}  // namespace wsprobe::output
