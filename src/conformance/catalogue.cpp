#include "conformance/catalogue.h"

#include <charconv>
#include <set>
#include <stdexcept>

#include "base/errors.h"
#include "codec/close.h"

namespace wsprobe::conformance {

// The .cases files, concatenated at build time (catalogue_text.cpp).
std::string_view catalogue_text();

namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) text.remove_suffix(1);
  return text;
}

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  for (;;) {
    const std::size_t at = text.find(separator);
    parts.push_back(trim(text.substr(0, at)));
    if (at == std::string_view::npos) return parts;
    text.remove_prefix(at + 1);
  }
}

[[noreturn]] void bad_row(std::size_t line, const std::string& why) {
  throw std::invalid_argument("catalogue line " + std::to_string(line) + ": " + why);
}

codec::Level level_of(std::string_view text, std::size_t line) {
  if (text == "MUST") return codec::Level::must;
  if (text == "SHOULD") return codec::Level::should;
  if (text == "MAY") return codec::Level::may;
  bad_row(line, "level '" + std::string(text) + "' is not MUST, SHOULD or MAY");
}

std::vector<std::uint16_t> codes_of(std::string_view text, std::size_t line, bool* same = nullptr) {
  std::vector<std::uint16_t> codes;
  for (const std::string_view part : split(text, ',')) {
    if (part == "same" && same) {
      *same = true;
      continue;
    }
    unsigned value = 0;
    const auto [end, error] = std::from_chars(part.data(), part.data() + part.size(), value);
    if (error != std::errc() || end != part.data() + part.size() || !codec::is_valid_close_code(value & 0xffff) ||
        value > 0xffff) {
      bad_row(line, "'" + std::string(part) + "' is not a close code allowed on the wire");
    }
    codes.push_back(static_cast<std::uint16_t>(value));
  }
  return codes;
}

Expectation expectation_of(std::string_view text, std::size_t line) {
  Expectation expect;
  for (const std::string_view token : split(text, ' ')) {
    if (token.empty()) continue;
    if (token == "echo") {
      expect.echo = true;
    } else if (token == "pong") {
      expect.pong = true;
    } else if (token == "nothing") {
      expect.nothing = true;
    } else if (token == "early-fail") {
      expect.early_fail_non_strict = true;
    } else if (token == "info") {
      expect.informational = true;
    } else if (token.starts_with("fail=")) {
      expect.fail_codes = codes_of(token.substr(5), line);
    } else if (token.starts_with("reply=")) {
      expect.reply_codes = codes_of(token.substr(6), line, &expect.reply_same);
    } else {
      bad_row(line, "unknown expectation '" + std::string(token) + "'");
    }
  }
  if (expect.fails_connection() && !expect.reply_codes.empty()) bad_row(line, "fail= and reply= exclude each other");
  if (expect.early_fail_non_strict && !(expect.echo && expect.fails_connection())) {
    bad_row(line, "early-fail goes with echo and fail=");
  }
  if (expect.nothing && (expect.echo || expect.pong)) bad_row(line, "nothing excludes echo and pong");
  return expect;
}

}  // namespace

std::string_view Case::group() const { return std::string_view(id).substr(0, id.find('/')); }

std::vector<codec::FrameSpec> step_specs(const Case& test_case) {
  std::vector<codec::FrameSpec> specs;
  for (const std::string& step : test_case.steps) specs.push_back(codec::parse_frame_spec(step));
  return specs;
}

Catalogue Catalogue::parse(std::string_view text) {
  Catalogue catalogue;
  std::set<std::string, std::less<>> ids;
  std::size_t line_number = 0;
  for (const std::string_view raw : split(text, '\n')) {
    ++line_number;
    const std::string_view line = trim(raw);
    if (line.empty() || line.starts_with('#')) continue;
    const std::vector<std::string_view> fields = split(line, '|');
    if (line.starts_with("@sentence ")) {
      if (fields.size() != 4) bad_row(line_number, "a sentence is @sentence NAME | SECTION | LEVEL | TEXT");
      catalogue.sentences_->push_back({std::string(trim(fields[0].substr(10))), std::string(fields[1]),
                                       level_of(fields[2], line_number), std::string(fields[3])});
      continue;
    }
    if (fields.size() != 6) bad_row(line_number, "a case is ID | AUTOBAHN | SENTENCE | TITLE | STEPS | EXPECT");
    Case test_case;
    test_case.id = std::string(fields[0]);
    if (test_case.id.find('/') == std::string::npos) bad_row(line_number, "an id is SECTION/NUMBER");
    if (!ids.insert(test_case.id).second) bad_row(line_number, "id " + test_case.id + " given twice");
    if (fields[1] != "-") test_case.autobahn = std::string(fields[1]);
    for (const Sentence& sentence : *catalogue.sentences_) {
      if (sentence.name == fields[2]) test_case.sentence = &sentence;
    }
    if (!test_case.sentence) bad_row(line_number, "unknown sentence '" + std::string(fields[2]) + "'");
    test_case.title = std::string(fields[3]);
    for (const std::string_view step : split(fields[4], ';')) {
      if (step.empty()) continue;
      test_case.steps.emplace_back(step);
    }
    try {
      for (const codec::FrameSpec& spec : step_specs(test_case)) {
        if (spec.payload_file) bad_row(line_number, "a step cannot read a file");
      }
    } catch (const Error& bad_step) {
      bad_row(line_number, bad_step.what());
    }
    test_case.expect = expectation_of(fields[5], line_number);
    catalogue.cases_.push_back(std::move(test_case));
  }
  return catalogue;
}

const Catalogue& builtin_catalogue() {
  static const Catalogue catalogue = Catalogue::parse(catalogue_text());
  return catalogue;
}

}  // namespace wsprobe::conformance
