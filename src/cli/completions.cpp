#include "cli/completions.h"

#include <algorithm>
#include <vector>

#include "cli/help_format.h"

namespace wsprobe::cli {
namespace {

// One option as a completion needs it.
struct OptionShape {
  std::vector<std::string> long_names, short_names;
  std::string description;
  bool takes_value = false;
  bool file = false;
  std::vector<std::string> choices;
};

struct CommandShape {
  std::string name, description;
  std::vector<OptionShape> options;
};

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  for (std::size_t at = 0; at <= text.size();) {
    const std::size_t end = std::min(text.find(separator, at), text.size());
    parts.push_back(text.substr(at, end - at));
    at = end + 1;
  }
  return parts;
}

OptionShape shape_of(const CLI::Option& option) {
  OptionShape shape{option.get_lnames(), option.get_snames(), option.get_description()};
  const std::string shown = !option.get_option_text().empty() ? option.get_option_text()
                                                              : placeholder_of(option.get_type_name());
  shape.takes_value = option.get_type_size() != 0 && !option.get_type_name().empty();
  shape.file = shown == "FILE";
  if (shape.takes_value && shown.find('|') != std::string::npos) shape.choices = split(shown, '|');
  return shape;
}

std::vector<CommandShape> shapes_of(const CLI::App& app) {
  std::vector<CommandShape> commands;
  for (const CLI::App* command : app.get_subcommands([](const CLI::App*) { return true; })) {
    CommandShape shape{command->get_name(), command->get_description(), {}};
    for (const CLI::Option* option : command->get_options()) {
      if (option->get_lnames().empty() && option->get_snames().empty()) continue;  // the URL
      shape.options.push_back(shape_of(*option));
    }
    commands.push_back(std::move(shape));
  }
  return commands;
}

std::string joined(const std::vector<std::string>& words, std::string_view prefix = {}) {
  std::string text;
  for (const std::string& word : words) text += (text.empty() ? "" : " ") + std::string(prefix) + word;
  return text;
}

// Inside single quotes, as every shell reads them: ' ends the quote, so '\'' puts one in.
std::string single_quoted(std::string_view text) {
  std::string out = "'";
  for (const char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// The names an option is typed as: "--json", "-v".
std::vector<std::string> spellings(const OptionShape& option) {
  std::vector<std::string> names;
  for (const auto& name : option.long_names) names.push_back("--" + name);
  for (const auto& name : option.short_names) names.push_back("-" + name);
  return names;
}

std::string bash_command(const CommandShape& command) {
  std::string cases, all;
  for (const auto& option : command.options) {
    const std::string names = joined(spellings(option));
    all += (all.empty() ? "" : " ") + names;
    if (!option.takes_value) continue;
    std::string pattern = names;
    std::replace(pattern.begin(), pattern.end(), ' ', '|');
    const std::string reply = !option.choices.empty() ? "COMPREPLY=($(compgen -W \"" + joined(option.choices) + "\" -- \"$cur\"))"
                              : option.file           ? std::string("COMPREPLY=($(compgen -f -- \"$cur\"))")
                                                      : std::string("COMPREPLY=()");
    cases += "        " + pattern + ") " + reply + "; return ;;\n";
  }
  return "    " + command.name + ")\n      case \"$prev\" in\n" + cases + "      esac\n" +
         "      COMPREPLY=($(compgen -W \"" + all + "\" -- \"$cur\")) ;;\n";
}

std::string bash_script(const std::vector<CommandShape>& commands) {
  std::vector<std::string> names;
  std::string cases;
  for (const auto& command : commands) {
    names.push_back(command.name);
    cases += bash_command(command);
  }
  return "# bash completion for wsprobe (written by wsprobe --completions bash)\n"
         "_wsprobe() {\n"
         "  local cur=\"${COMP_WORDS[COMP_CWORD]}\" prev=\"${COMP_WORDS[COMP_CWORD-1]}\"\n"
         "  if [[ $COMP_CWORD -eq 1 ]]; then\n"
         "    COMPREPLY=($(compgen -W \"" + joined(names) + " --help --version\" -- \"$cur\"))\n"
         "    return\n"
         "  fi\n"
         "  case \"${COMP_WORDS[1]}\" in\n" + cases + "  esac\n}\ncomplete -F _wsprobe wsprobe\n";
}

// zsh's _arguments specs: '(-v --verbose)'{-v,--verbose}'[more detail]' and the like.
std::string zsh_escaped(std::string_view text) {
  std::string out;
  for (const char c : text) {
    if (c == '[' || c == ']' || c == ':' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

std::string zsh_command(const CommandShape& command) {
  std::string specs;
  for (const auto& option : command.options) {
    const std::string action = !option.takes_value      ? std::string()
                               : !option.choices.empty() ? ":value:(" + joined(option.choices) + ")"
                               : option.file             ? std::string(":file:_files")
                                                         : std::string(":value:");
    for (const std::string& name : spellings(option)) {
      const std::string equals = option.takes_value && name.starts_with("--") ? "=" : "";
      specs += " \\\n        " + single_quoted(name + equals + "[" + zsh_escaped(option.description) + "]" + action);
    }
  }
  return "    " + command.name + ")\n      _arguments -s" + specs + " \\\n        '1:URL:' ;;\n";
}

std::string zsh_script(const std::vector<CommandShape>& commands) {
  std::string described, cases;
  for (const auto& command : commands) {
    described += "    " + single_quoted(command.name + ":" + command.description) + "\n";
    cases += zsh_command(command);
  }
  return "#compdef wsprobe\n"
         "# zsh completion for wsprobe (written by wsprobe --completions zsh)\n"
         "_wsprobe() {\n"
         "  local -a subcommands\n"
         "  subcommands=(\n" + described + "  )\n"
         "  if (( CURRENT == 2 )); then\n"
         "    _describe subcommand subcommands\n"
         "    return\n"
         "  fi\n"
         "  words=(\"${(@)words[2,-1]}\")\n"
         "  (( CURRENT-- ))\n"
         "  case $words[1] in\n" + cases + "  esac\n"
         "}\n"
         "if [[ $funcstack[1] == _wsprobe ]]; then _wsprobe \"$@\"; else compdef _wsprobe wsprobe; fi\n";
}

std::string fish_script(const std::vector<CommandShape>& commands) {
  std::string text =
      "# fish completion for wsprobe (written by wsprobe --completions fish)\n"
      "complete -c wsprobe -f\n";
  for (const auto& command : commands) {
    text += "complete -c wsprobe -n __fish_use_subcommand -a " + command.name + " -d " +
            single_quoted(command.description) + "\n";
  }
  for (const auto& command : commands) {
    for (const auto& option : command.options) {
      std::string line = "complete -c wsprobe -n " + single_quoted("__fish_seen_subcommand_from " + command.name);
      for (const auto& name : option.long_names) line += " -l " + name;
      for (const auto& name : option.short_names) line += " -s " + name;
      if (option.takes_value) line += option.file ? " -r -F" : " -x";
      if (!option.choices.empty()) line += " -a " + single_quoted(joined(option.choices));
      text += line + " -d " + single_quoted(option.description) + "\n";
    }
  }
  return text;
}

}  // namespace

std::optional<std::string> completion_script(const CLI::App& app, std::string_view shell) {
  const auto commands = shapes_of(app);
  if (shell == "bash") return bash_script(commands);
  if (shell == "zsh") return zsh_script(commands);
  if (shell == "fish") return fish_script(commands);
  return std::nullopt;
}

}  // namespace wsprobe::cli
