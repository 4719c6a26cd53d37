#include "codec/extensions.h"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "codec/http_syntax.h"

namespace wsprobe::codec {
namespace {

// Reads a header value left to right, reporting errors by offset.
class Scanner {
 public:
  explicit Scanner(std::string_view text) : text_(text) {}

  bool at_end() const { return pos_ == text_.size(); }
  char peek() const { return text_[pos_]; }
  std::size_t pos() const { return pos_; }

  void skip_ows() {
    while (!at_end() && is_ows(peek())) ++pos_;
  }

  bool take(char c) {
    if (at_end() || peek() != c) return false;
    ++pos_;
    return true;
  }

  std::string_view token() {
    const std::size_t start = pos_;
    while (!at_end() && is_tchar(peek())) ++pos_;
    return text_.substr(start, pos_ - start);
  }

  // quoted-string = DQUOTE *( qdtext / quoted-pair ) DQUOTE (RFC 9110 5.6.4), the
  // opening quote already taken. Returns the unescaped content; nullopt leaves the
  // scanner at the offending byte, or at the end when the closing quote is missing.
  std::optional<std::string> quoted_rest() {
    std::string content;
    while (!at_end()) {
      char c = peek();
      if (c == '"') {
        ++pos_;
        return content;
      }
      if (c == '\\') {
        ++pos_;
        if (at_end()) break;
        c = peek();
      }
      // qdtext is any text byte but the quote and the backslash, handled above.
      if (!is_text_byte(c)) return std::nullopt;
      content += c;
      ++pos_;
    }
    return std::nullopt;
  }

  Violation error(std::string_view expected) const {
    std::string detail = "offset " + std::to_string(pos_) + ": expected " + std::string(expected);
    detail += at_end() ? ", got the end" : ", got " + byte_name(peek());
    return Violation{Rule::extensions_malformed, std::move(detail)};
  }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

Result<ExtensionParam> parse_param(Scanner& scanner) {
  ExtensionParam param;
  param.name = scanner.token();
  if (param.name.empty()) return scanner.error("a parameter name");
  scanner.skip_ows();
  if (!scanner.take('=')) return param;
  scanner.skip_ows();
  const std::size_t value_start = scanner.pos();
  if (scanner.take('"')) {
    std::optional<std::string> content = scanner.quoted_rest();
    if (!content) return scanner.error("the rest of a quoted string");
    if (!is_token(*content)) {
      return Violation{Rule::extensions_malformed, "offset " + std::to_string(value_start) + ": the quoted value of " +
                                                       param.name + " is not a token"};
    }
    param.value = std::move(*content);
  } else {
    param.value = scanner.token();
    if (param.value->empty()) return scanner.error("a token or a quoted string");
  }
  return param;
}

constexpr std::string_view server_no_context_takeover = "server_no_context_takeover";
constexpr std::string_view client_no_context_takeover = "client_no_context_takeover";
constexpr std::string_view server_max_window_bits = "server_max_window_bits";
constexpr std::string_view client_max_window_bits = "client_max_window_bits";

// "8" to "15", without leading zeros (RFC 7692 7.1.2).
std::optional<std::uint8_t> window_bits(std::string_view value) {
  if (value.size() == 1 && value[0] >= '8' && value[0] <= '9') return static_cast<std::uint8_t>(value[0] - '0');
  if (value.size() == 2 && value[0] == '1' && value[1] >= '0' && value[1] <= '5') {
    return static_cast<std::uint8_t>(10 + value[1] - '0');
  }
  return std::nullopt;
}

// Which side wrote a permessage-deflate element: the rules differ only in whether
// client_max_window_bits needs a value (RFC 7692 7.1.2.2).
enum class Side : std::uint8_t { offer, response };

// The parameters of one permessage-deflate element under the offer's or the
// response's rules. Both fit DeflateOffer's shape; in a response,
// client_max_window_bits always has its value.
Result<DeflateOffer> parse_deflate_params(const Extension& element, Side side) {
  DeflateOffer params;
  for (auto param = element.params.begin(); param != element.params.end(); ++param) {
    const std::string& name = param->name;
    const bool repeated =
        std::any_of(element.params.begin(), param, [&](const ExtensionParam& earlier) { return earlier.name == name; });
    if (repeated) return Violation{Rule::deflate_duplicate_parameter, name};
    if (name == server_no_context_takeover || name == client_no_context_takeover) {
      if (param->value) return Violation{Rule::deflate_invalid_value, name + " takes no value"};
      (name == server_no_context_takeover ? params.server_no_context_takeover : params.client_no_context_takeover) =
          true;
    } else if (name == server_max_window_bits || name == client_max_window_bits) {
      const bool value_optional = name == client_max_window_bits && side == Side::offer;
      if (!param->value && !value_optional) return Violation{Rule::deflate_invalid_value, name + " needs a value"};
      std::optional<std::uint8_t> bits;
      if (param->value) {
        bits = window_bits(*param->value);
        if (!bits) return Violation{Rule::deflate_invalid_value, name + "=" + *param->value + " is not 8 to 15"};
      }
      if (name == server_max_window_bits) {
        params.server_max_window_bits = bits;
      } else {
        params.client_max_window_bits = {bits};
      }
    } else {
      return Violation{Rule::deflate_unknown_parameter, name};
    }
  }
  return params;
}

// The agreement that takes the parameters as they stand: a response's own
// parameters, or an offer the server accepts as offered.
DeflateAgreement agreement_of(const DeflateOffer& params) {
  DeflateAgreement agreement;
  agreement.server_no_context_takeover = params.server_no_context_takeover;
  agreement.client_no_context_takeover = params.client_no_context_takeover;
  agreement.server_max_window_bits = params.server_max_window_bits;
  if (params.client_max_window_bits) agreement.client_max_window_bits = params.client_max_window_bits->hint;
  return agreement;
}

// The inverse of agreement_of: the parameters a response states.
DeflateOffer params_of(const DeflateAgreement& agreement) {
  DeflateOffer params;
  params.server_no_context_takeover = agreement.server_no_context_takeover;
  params.client_no_context_takeover = agreement.client_no_context_takeover;
  params.server_max_window_bits = agreement.server_max_window_bits;
  if (agreement.client_max_window_bits) params.client_max_window_bits = {agreement.client_max_window_bits};
  return params;
}

void add_flag(Extension& element, bool set, std::string_view name) {
  if (set) element.params.push_back({std::string(name), std::nullopt});
}

void add_window(Extension& element, std::optional<std::uint8_t> bits, std::string_view name) {
  if (bits) element.params.push_back({std::string(name), std::to_string(*bits)});
}

// Why `agreement` does not answer `offer`, if it does not.
std::optional<Violation> mismatch(const DeflateAgreement& agreement, const DeflateOffer& offer) {
  if (agreement.client_max_window_bits && !offer.client_max_window_bits) {
    return Violation{Rule::deflate_client_window_not_offered,
                     "client_max_window_bits=" + std::to_string(*agreement.client_max_window_bits)};
  }
  if (offer.server_max_window_bits && agreement.server_window_bits() > *offer.server_max_window_bits) {
    const std::string offered = "offered " + std::to_string(*offer.server_max_window_bits);
    return Violation{
        Rule::deflate_server_window_too_large,
        agreement.server_max_window_bits
            ? "server_max_window_bits=" + std::to_string(*agreement.server_max_window_bits) + ", " + offered
            : "no server_max_window_bits, so 15, " + offered};
  }
  return std::nullopt;
}

bool is_deflate(const Extension& element) { return element.name == permessage_deflate; }

}  // namespace

Result<std::vector<Extension>> parse_extensions(std::string_view list) {
  Scanner scanner(list);
  std::vector<Extension> extensions;
  for (;;) {
    scanner.skip_ows();
    if (scanner.take(',')) continue;  // an empty element
    if (scanner.at_end()) break;
    Extension extension;
    extension.name = scanner.token();
    if (extension.name.empty()) return scanner.error("an extension name");
    for (;;) {
      scanner.skip_ows();
      if (!scanner.take(';')) break;
      scanner.skip_ows();
      Result<ExtensionParam> param = parse_param(scanner);
      if (!param) return param.violation();
      extension.params.push_back(std::move(param).value());
    }
    extensions.push_back(std::move(extension));
    if (scanner.at_end()) break;
    if (!scanner.take(',')) return scanner.error("',' or ';'");
  }
  if (extensions.empty()) return Violation{Rule::extensions_malformed, "no extension in the list"};
  return extensions;
}

std::string format_extensions(const std::vector<Extension>& extensions) {
  std::string text;
  for (const Extension& extension : extensions) {
    if (!text.empty()) text += ", ";
    text += extension.name;
    for (const ExtensionParam& param : extension.params) {
      text.append("; ").append(param.name);
      if (param.value) text.append("=").append(*param.value);
    }
  }
  return text;
}

Extension to_extension(const DeflateOffer& offer) {
  Extension element{std::string(permessage_deflate), {}};
  add_flag(element, offer.server_no_context_takeover, server_no_context_takeover);
  add_flag(element, offer.client_no_context_takeover, client_no_context_takeover);
  add_window(element, offer.server_max_window_bits, server_max_window_bits);
  if (offer.client_max_window_bits) {
    add_flag(element, !offer.client_max_window_bits->hint, client_max_window_bits);
    add_window(element, offer.client_max_window_bits->hint, client_max_window_bits);
  }
  return element;
}

Extension to_extension(const DeflateAgreement& agreement) { return to_extension(params_of(agreement)); }

Result<DeflateOffer> parse_deflate_offer(const Extension& element) {
  if (!is_deflate(element)) throw std::invalid_argument("parse_deflate_offer: not a permessage-deflate element");
  return parse_deflate_params(element, Side::offer);
}

DeflateOffer deflate_offer_from_text(std::string_view header_value) {
  Result<std::vector<Extension>> elements = parse_extensions(header_value);
  if (!elements) throw std::invalid_argument(elements.violation().describe());
  if (elements->size() != 1 || !is_deflate(elements->front())) {
    throw std::invalid_argument(
        "expected one permessage-deflate offer, e.g. \"permessage-deflate; "
        "client_max_window_bits\"");
  }
  Result<DeflateOffer> offer = parse_deflate_offer(elements->front());
  if (!offer) throw std::invalid_argument(offer.violation().describe());
  return std::move(offer).value();
}

Result<std::optional<DeflateAgreement>> agreed_deflate(const std::vector<Extension>& response,
                                                       std::span<const DeflateOffer> offers) {
  const auto count = std::count_if(response.begin(), response.end(), is_deflate);
  if (count == 0) return std::optional<DeflateAgreement>();
  if (count > 1) return Violation{Rule::deflate_more_than_one, std::to_string(count) + " elements"};
  if (offers.empty()) return Violation{Rule::extension_not_offered, "permessage-deflate, with no valid offer"};

  const Result<DeflateOffer> params =
      parse_deflate_params(*std::find_if(response.begin(), response.end(), is_deflate), Side::response);
  if (!params) return params.violation();
  const DeflateAgreement agreement = agreement_of(params.value());
  for (const DeflateOffer& offer : offers) {
    if (!mismatch(agreement, offer)) return std::optional(agreement);
  }
  // It answers no offer: say why it does not answer the most preferred one.
  Violation violation = *mismatch(agreement, offers.front());
  if (offers.size() > 1) violation.detail += "; it answers none of the " + std::to_string(offers.size()) + " offers";
  return violation;
}

std::optional<DeflateAgreement> accept_deflate_offer(const std::vector<Extension>& offers) {
  for (const Extension& element : offers) {
    if (!is_deflate(element)) continue;
    Result<DeflateOffer> offer = parse_deflate_offer(element);
    if (offer) return agreement_of(offer.value());  // RFC 7692 7: invalid offers are declined
  }
  return std::nullopt;
}

}  // namespace wsprobe::codec
