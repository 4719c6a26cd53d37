#include "codec/http.h"

#include <algorithm>
#include <string>
#include <type_traits>

#include "codec/http_syntax.h"

namespace wsprobe::codec {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// HTTP-version = "HTTP/" DIGIT "." DIGIT (RFC 9112 2.3)
bool is_http_version(std::string_view text) {
  return text.size() == 8 && text.starts_with("HTTP/") && is_digit(text[5]) && text[6] == '.' && is_digit(text[7]);
}

// request-line = method SP request-target SP HTTP-version (RFC 9112 3)
std::optional<Violation> parse_start_line(std::string_view line, RequestHead& head) {
  auto malformed = [](std::string detail) { return Violation{Rule::http_malformed_request_line, std::move(detail)}; };
  const std::size_t first_space = line.find(' ');
  const std::size_t last_space = line.rfind(' ');
  if (first_space == std::string_view::npos || first_space == last_space) {
    return malformed("not method, target and version separated by spaces");
  }
  const std::string_view method = line.substr(0, first_space);
  const std::string_view target = line.substr(first_space + 1, last_space - first_space - 1);
  const std::string_view version = line.substr(last_space + 1);
  if (!is_token(method)) return malformed("the method is not a token");
  if (target.empty() || !std::all_of(target.begin(), target.end(), is_visible_byte)) {
    return malformed("the request-target is empty or holds whitespace or control bytes");
  }
  if (!is_http_version(version)) return malformed("the version is not HTTP/x.y");
  head.method = method;
  head.target = target;
  head.version = version;
  return std::nullopt;
}

// status-line = HTTP-version SP status-code SP [ reason-phrase ] (RFC 9112 4)
std::optional<Violation> parse_start_line(std::string_view line, ResponseHead& head) {
  auto malformed = [](std::string detail) { return Violation{Rule::http_malformed_status_line, std::move(detail)}; };
  if (!is_http_version(line.substr(0, 8))) return malformed("the version is not HTTP/x.y");
  if (line.size() < 9 || line[8] != ' ') return malformed("no space after the version");
  const std::string_view code = line.substr(9, 3);
  const bool three_digits = code.size() == 3 && std::all_of(code.begin(), code.end(), is_digit);
  if (!three_digits || (line.size() > 12 && line[12] != ' ')) return malformed("the status code is not three digits");
  if (line.size() == 12) return malformed("no space after the status code");
  const std::string_view reason = line.substr(13);
  const auto bad = std::find_if_not(reason.begin(), reason.end(), is_text_byte);
  if (bad != reason.end()) return malformed("control byte " + byte_name(*bad) + " in the reason phrase");
  head.version = line.substr(0, 8);
  head.status = static_cast<std::uint16_t>((code[0] - '0') * 100 + (code[1] - '0') * 10 + (code[2] - '0'));
  head.reason = reason;
  return std::nullopt;
}

}  // namespace

std::vector<std::string_view> field_values(const HeaderFields& fields, std::string_view name) {
  std::vector<std::string_view> values;
  for (const HeaderField& field : fields) {
    if (iequals(field.name, name)) values.push_back(field.value);
  }
  return values;
}

std::optional<std::string> combined_field_value(const HeaderFields& fields, std::string_view name) {
  std::optional<std::string> combined;
  for (std::string_view value : field_values(fields, name)) {
    if (combined) {
      combined->append(", ").append(value);
    } else {
      combined.emplace(value);
    }
  }
  return combined;
}

std::string format_request_head(const RequestHead& head) {
  std::string text;
  text.append(head.method).append(" ").append(head.target).append(" ").append(head.version).append("\r\n");
  for (const HeaderField& field : head.fields) text.append(field.name).append(": ").append(field.value).append("\r\n");
  text.append("\r\n");
  return text;
}

template <class Head>
std::string HeadParser<Head>::where() const {
  return "line " + std::to_string(line_number_);
}

template <class Head>
bool HeadParser<Head>::fail(Rule rule, std::string detail) {
  state_ = State::failed;
  violation_ = Violation{rule, std::move(detail)};
  return false;
}

template <class Head>
typename HeadParser<Head>::Event HeadParser<Head>::next(ByteView input) {
  if (state_ == State::complete) return {Step::complete, 0};
  if (state_ == State::failed) return {Step::violation, 0};

  std::size_t used = 0;
  while (used < input.size()) {
    // Take the rest of the current line, but never more than the cap allows.
    const ByteView rest = input.subspan(used);
    const auto lf = std::find(rest.begin(), rest.end(), std::uint8_t{'\n'});
    const std::size_t line_part = lf == rest.end() ? rest.size() : static_cast<std::size_t>(lf - rest.begin()) + 1;
    const std::size_t take = std::min(line_part, limits_.max_head_size - head_size_);
    line_.append(as_chars(rest.first(take)));
    head_size_ += take;
    used += take;
    if (line_.ends_with('\n')) {
      if (!finish_line()) return {Step::violation, used};
      if (state_ == State::complete) return {Step::complete, used};
    }
    // The head needs at least one more byte, and the cap allows none.
    if (head_size_ == limits_.max_head_size) {
      fail(Rule::http_head_too_large, "no end of head within " + std::to_string(limits_.max_head_size) + " bytes");
      return {Step::violation, used};
    }
  }
  return {Step::need_more, used};
}

template <class Head>
bool HeadParser<Head>::finish_line() {
  ++line_number_;
  std::string_view line = line_;
  line.remove_suffix(1);  // LF
  if (!line.ends_with('\r')) return fail(Rule::http_bad_line_ending, where() + " ends in a bare LF");
  line.remove_suffix(1);  // CR
  if (line.find('\r') != std::string_view::npos) return fail(Rule::http_bad_line_ending, "bare CR in " + where());

  if (state_ == State::start_line) {
    // RFC 9112 2.2: a server SHOULD ignore empty lines before the request line.
    if constexpr (std::is_same_v<Head, RequestHead>) {
      if (line.empty()) {
        line_.clear();
        return true;
      }
    }
    if (std::optional<Violation> violation = parse_start_line(line, head_)) {
      return fail(violation->rule, std::move(violation->detail));
    }
    state_ = State::fields;
  } else if (line.empty()) {
    state_ = State::complete;
  } else if (is_ows(line.front())) {
    return fail(Rule::http_obsolete_line_folding,
                where() + (head_.fields.empty() ? " starts with whitespace, before the first field"
                                                : " starts with whitespace, folding the field before"));
  } else if (!parse_field(line)) {
    return false;
  }
  line_.clear();
  return true;
}

// field-line = field-name ":" OWS field-value OWS (RFC 9112 5.1)
template <class Head>
bool HeadParser<Head>::parse_field(std::string_view line) {
  const std::size_t colon = line.find(':');
  if (colon == std::string_view::npos) return fail(Rule::http_malformed_field, where() + " has no colon");
  const std::string_view name = line.substr(0, colon);
  if (name.empty()) return fail(Rule::http_malformed_field, where() + " has an empty field name");
  if (!is_token(name)) {
    // RFC 9112 5.1 names this case: a server MUST reject whitespace before the colon.
    if (is_ows(name.back())) return fail(Rule::http_malformed_field, where() + " has whitespace before the colon");
    const char bad = *std::find_if_not(name.begin(), name.end(), is_tchar);
    return fail(Rule::http_malformed_field, where() + " has byte " + byte_name(bad) + " in the field name");
  }
  const std::string_view value = trim_ows(line.substr(colon + 1));
  const auto bad = std::find_if_not(value.begin(), value.end(), is_text_byte);
  if (bad != value.end()) {
    return fail(Rule::http_malformed_field,
                where() + " has control byte " + byte_name(*bad) + " in the value of " + std::string(name));
  }
  if (head_.fields.size() == limits_.max_fields) {
    return fail(Rule::http_too_many_fields, "more than " + std::to_string(limits_.max_fields) + " field lines");
  }
  head_.fields.push_back({std::string(name), std::string(value)});
  return true;
}

template class HeadParser<RequestHead>;
template class HeadParser<ResponseHead>;

}  // namespace wsprobe::codec
