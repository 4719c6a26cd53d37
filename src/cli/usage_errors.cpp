#include "cli/usage_errors.h"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <regex>
#include <vector>

namespace wsprobe::cli {
namespace {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// "UINT", "INT", "N" and the like, as words.
std::string kind_in_words(std::string type) {
  std::transform(type.begin(), type.end(), type.begin(), [](unsigned char c) { return std::toupper(c); });
  if (type.find("FLOAT") != std::string::npos || type.find("NUMBER") != std::string::npos) return "a number";
  if (type.find("INT") != std::string::npos || type == "N" || type.find("COUNT") != std::string::npos) {
    return "a whole number";
  }
  return "a valid " + (type.empty() ? std::string("value") : type);
}

// "{base64->1,hex->0}" or "{auto,echo}": the accepted words, "base64, hex".
std::string accepted_words(const std::string& set) {
  std::string words;
  std::size_t at = 0;
  while (at < set.size()) {
    std::size_t end = set.find(',', at);
    if (end == std::string::npos) end = set.size();
    std::string item = set.substr(at, end - at);
    item = item.substr(0, item.find("->"));
    if (!item.empty()) words += (words.empty() ? "" : ", ") + item;
    at = end + 1;
  }
  return words;
}

std::string option_names_hint(const std::string& unknown, const CLI::App& command) {
  std::vector<std::string> names;
  for (const CLI::Option* option : command.get_options()) {
    for (const std::string& name : option->get_lnames()) names.push_back("--" + name);
    for (const std::string& name : option->get_snames()) names.push_back("-" + name);
  }
  std::vector<std::string_view> views(names.begin(), names.end());
  const std::string bare = unknown.substr(0, unknown.find('='));
  // The subcommand's own option, given before the subcommand's name.
  if (std::find(names.begin(), names.end(), bare) != names.end()) {
    return bare + " goes after the subcommand: wsprobe " + command.get_name() + " " + bare + " ...";
  }
  if (const auto near = closest(bare, views)) return "unknown option " + bare + "; did you mean " + *near + "?";
  return "unknown option " + bare;
}

std::string unexpected_text(const std::string& message, const CLI::App& command) {
  // "The following arguments were not expected: foo --binary" (CLI11 lists them last first).
  const std::string list = message.substr(message.find(':') + 1);
  std::vector<std::string> words;
  std::string word;
  for (const char c : list + " ") {
    if (c == ' ') {
      if (!word.empty()) words.push_back(word);
      word.clear();
    } else {
      word += c;
    }
  }
  std::reverse(words.begin(), words.end());
  for (const std::string& item : words) {
    if (item.starts_with("-")) return option_names_hint(item, command);
  }
  return words.empty() ? message : "unexpected argument '" + words.front() + "'";
}

}  // namespace

std::optional<std::string> closest(std::string_view word, std::span<const std::string_view> names) {
  std::optional<std::string> best;
  std::size_t best_distance = std::max<std::size_t>(2, word.size() / 3) + 1;
  for (const std::string_view name : names) {
    const std::size_t distance = name.starts_with(word) && word.size() >= 3 ? 1 : edit_distance(word, name);
    if (distance < best_distance) {
      best_distance = distance;
      best = std::string(name);
    }
  }
  return best;
}

std::string usage_error_text(const CLI::ParseError& error, const CLI::App& command) {
  const std::string message = error.what();
  std::smatch match;
  if (dynamic_cast<const CLI::ConversionError*>(&error) &&
      std::regex_match(message, match, std::regex(R"(Could not convert: (\S+) = (.*))"))) {
    const CLI::Option* option = command.get_option_no_throw(match[1].str());
    return match[1].str() + ": '" + match[2].str() + "' is not " + kind_in_words(option ? option->get_type_name() : "");
  }
  if (std::regex_match(message, match, std::regex(R"((\S+): Value (\S+) not in range (\S+) to (\S+))"))) {
    return match[1].str() + ": '" + match[2].str() + "' is not a whole number from " + match[3].str() + " to " +
           match[4].str();
  }
  if (std::regex_match(message, match, std::regex(R"((\S+): (.*) not in \{(.*)\})"))) {
    return match[1].str() + ": '" + match[2].str() + "' is not one of " + accepted_words(match[3].str());
  }
  if (std::regex_match(message, match, std::regex(R"((\S+): Check (.*) value in \{([^}]*)\}.* FAILED)"))) {
    return match[1].str() + ": '" + match[2].str() + "' is not one of " + accepted_words(match[3].str());
  }
  if (std::regex_match(message, match, std::regex(R"((\S+): At Most 1 required but received \d+)"))) {
    return match[1].str() + " is given more than once";
  }
  if (std::regex_match(message, match, std::regex(R"((\S+): File does not exist: (.*))"))) {
    return match[1].str() + ": no such file: " + match[2].str();
  }
  if (std::regex_match(message, match, std::regex(R"((\S+): \d+ required \S+ missing)"))) {
    return match[1].str() + " needs a value";
  }
  if (dynamic_cast<const CLI::ExtrasError*>(&error)) return unexpected_text(message, command);
  if (message == "url is required") return "a URL is required";
  return message;
}

}  // namespace wsprobe::cli
