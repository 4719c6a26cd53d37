#include "conformance/catalogue.h"

#include <algorithm>
#include <charconv>
#include <set>
#include <stdexcept>

#include "base/errors.h"
#include "base/units.h"
#include "codec/close.h"
#include "conformance/corpus.h"

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

}  // namespace

const std::vector<std::string_view> sse_checks = {"status",     "content-type", "cache-control", "first-event",
                                                  "unbuffered", "resume",       "retry",         "keep-alive"};

namespace {

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
    } else if (token == "fail-fast") {
      expect.fail_fast = true;
    } else if (token == "upgrade") {
      expect.upgrade = true;
    } else if (token == "refuse") {
      expect.refuse = true;
    } else if (token == "deflate") {
      expect.needs_deflate = true;
    } else if (token == "limit") {
      expect.limit_allowed = true;
    } else if (token.starts_with("sse=")) {
      expect.sse_check = std::string(token.substr(4));
      if (std::find(sse_checks.begin(), sse_checks.end(), expect.sse_check) == sse_checks.end()) {
        bad_row(line, "unknown event-stream check '" + expect.sse_check + "'");
      }
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
  if (expect.limit_allowed && !expect.echo) bad_row(line, "limit goes with echo");
  if (expect.fail_fast && !expect.fails_connection()) bad_row(line, "fail-fast goes with fail=");
  if (expect.refuse && (expect.upgrade || expect.echo || expect.pong || expect.nothing || expect.fails_connection() ||
                        !expect.reply_codes.empty())) {
    bad_row(line, "refuse excludes what only an open connection can show");
  }
  return expect;
}

std::size_t count_of(std::string_view text, std::size_t line) {
  const std::optional<std::uint64_t> value = parse_size(text);
  if (!value || *value == 0 || *value > codec::max_spec_payload) bad_row(line, "'" + std::string(text) + "' is no count");
  return static_cast<std::size_t>(*value);
}

// messages/count=N/size=SIZE/fragment=N/chop=N:TYPE:SOURCE
MessageSeries series_of(std::string_view text, std::size_t line) {
  const std::vector<std::string_view> parts = split(text, ':');
  if (parts.size() != 3) bad_row(line, "a series is messages/FLAGS:TYPE:SOURCE");
  MessageSeries series;
  const std::vector<std::string_view> flags = split(parts[0], '/');
  for (std::size_t at = 1; at < flags.size(); ++at) {
    const std::string_view flag = flags[at];
    const std::size_t equals = flag.find('=');
    const std::string_view name = flag.substr(0, equals);
    const std::string_view value = equals == std::string_view::npos ? "" : flag.substr(equals + 1);
    if (name == "count") {
      series.count = count_of(value, line);
    } else if (name == "size") {
      const std::optional<std::uint64_t> size = parse_size(value);
      if (!size || *size > codec::max_spec_payload) bad_row(line, "'" + std::string(value) + "' is no message size");
      series.size = *size;
    } else if (name == "fragment") {
      series.fragment_size = count_of(value, line);
    } else if (name == "chop") {
      series.chop = count_of(value, line);
    } else {
      bad_row(line, "unknown series flag '" + std::string(flag) + "'");
    }
  }
  if (parts[1] == "text") {
    series.type = codec::Opcode::text;
  } else if (parts[1] == "binary") {
    series.type = codec::Opcode::binary;
  } else {
    bad_row(line, "a series sends text or binary, not '" + std::string(parts[1]) + "'");
  }
  if (!is_corpus(parts[2])) bad_row(line, "unknown corpus '" + std::string(parts[2]) + "'");
  series.source = std::string(parts[2]);
  return series;
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
    if (line.starts_with("@offer ")) {
      if (fields.size() != 2) bad_row(line_number, "an offer is @offer NAME | VALUE");
      catalogue.offers_->push_back({std::string(trim(fields[0].substr(7))), std::string(fields[1])});
      continue;
    }
    if (line.starts_with("@sentence ")) {
      if (fields.size() < 4) bad_row(line_number, "a sentence is @sentence NAME | SECTION | LEVEL | TEXT");
      // The RFC's text may hold |field names| in its own notation: all of it is the sentence.
      const std::size_t text_at = line.find('|', line.find('|', line.find('|') + 1) + 1) + 1;
      const std::string name(trim(fields[0].substr(10)));
      for (const Sentence& known : *catalogue.sentences_) {
        if (known.name == name) bad_row(line_number, "sentence " + name + " declared twice");
      }
      catalogue.sentences_->push_back({name, std::string(fields[1]),
                                level_of(fields[2], line_number), std::string(trim(line.substr(text_at)))});
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
      if (!step.empty()) catalogue.add_step(test_case, step, line_number);
    }
    if (test_case.series && !test_case.steps.empty()) bad_row(line_number, "a series goes alone, without frames");
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

void Catalogue::add_step(Case& test_case, std::string_view step, std::size_t line) const {
  if (step.starts_with("header=")) {
    if (step.find(':') == std::string_view::npos) bad_row(line, "a header step is header=Name: value");
    test_case.request.headers.emplace_back(step.substr(7));
  } else if (step.starts_with("method=")) {
    test_case.request.method = std::string(step.substr(7));
  } else if (step.starts_with("offer=")) {
    for (const Offer& offer : *offers_) {
      if (offer.name == step.substr(6)) test_case.request.offer = &offer;
    }
    if (!test_case.request.offer) bad_row(line, "unknown offer '" + std::string(step.substr(6)) + "'");
  } else if (step.starts_with("messages")) {
    if (test_case.series) bad_row(line, "one series per case");
    test_case.series = series_of(step, line);
  } else {
    test_case.steps.emplace_back(step);
  }
}

const Catalogue& builtin_catalogue() {
  static const Catalogue catalogue = Catalogue::parse(catalogue_text());
  return catalogue;
}

}  // namespace wsprobe::conformance
