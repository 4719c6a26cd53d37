#include "cli/help_format.h"

namespace wsprobe::cli {

namespace {

// CLI11's own words for types, and those its validators append ("TEXT:FILE", "N:INT").
bool is_cli11_word(std::string_view word) {
  for (const std::string_view known : {"TEXT", "INT", "UINT", "FLOAT", "NUMBER", "ENUM", "FILE", "DIR"}) {
    if (word == known) return true;
  }
  return false;
}

std::string choices_of(const std::string& type_name, std::size_t open) {
  std::string words;
  const std::size_t close = type_name.find('}', open);
  for (std::size_t at = open + 1; at < close;) {
    const std::size_t end = std::min(type_name.find(',', at), close);
    const std::string item = type_name.substr(at, end - at);
    words += (words.empty() ? "" : "|") + item.substr(0, item.find("->"));
    at = end + 1;
  }
  return words;
}

}  // namespace

std::string placeholder_of(std::string type_name) {
  if (const std::size_t open = type_name.find('{'); open != std::string::npos) return choices_of(type_name, open);
  type_name = type_name.substr(0, type_name.find(" in ["));  // a range's bounds are in the description
  // "TEXT:FILE" is FILE, "N:INT" is N, "TEXT:HOST:PORT:ADDR" is HOST:PORT:ADDR.
  if (const std::size_t colon = type_name.find(':'); colon != std::string::npos) {
    const std::string head = type_name.substr(0, colon), tail = type_name.substr(colon + 1);
    if (!is_cli11_word(tail)) {
      if (is_cli11_word(head)) type_name = tail;
    } else {
      type_name = is_cli11_word(head) ? tail : head;
    }
  }
  if (type_name == "UINT" || type_name == "INT") return "N";
  if (type_name == "FLOAT") return "NUMBER";
  return type_name;
}

std::string HelpFormatter::make_option_opts(const CLI::Option* option) const {
  if (!option->get_option_text().empty()) return " " + option->get_option_text();
  // A flag (no type name) takes no value.
  if (option->get_type_size() == 0 || option->get_type_name().empty()) return "";
  std::string text = " " + placeholder_of(option->get_type_name());
  // The default, unless the description says it already.
  if (!option->get_default_str().empty() && option->get_description().find("(default") == std::string::npos) {
    text += "=" + option->get_default_str();
  }
  if (option->get_expected_max() == CLI::detail::expected_max_vector_size) text += " ...";
  if (option->get_required()) text += " (required)";
  return text;
}

}  // namespace wsprobe::cli
