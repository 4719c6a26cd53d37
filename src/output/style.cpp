#include "output/style.h"

#include <unistd.h>

#include <cstdlib>

#include "codec/http_syntax.h"
#include "output/clock_text.h"

namespace wsprobe::output {

namespace {
ColorMode color_mode = ColorMode::automatic;
}  // namespace

void set_color_mode(ColorMode mode) { color_mode = mode; }

Style Style::for_stream(std::FILE* stream) {
  if (color_mode != ColorMode::automatic) return Style{color_mode == ColorMode::always};
  const char* no_color = std::getenv("NO_COLOR");
  const char* term = std::getenv("TERM");
  const bool dumb = term != nullptr && std::string_view(term) == "dumb";
  return Style{isatty(fileno(stream)) == 1 && (no_color == nullptr || *no_color == '\0') && !dumb};
}

std::string Style::paint(std::string_view code, std::string_view text) const {
  if (!color) return std::string(text);
  return "\x1b[" + std::string(code) + "m" + std::string(text) + "\x1b[0m";
}

namespace {
Prompt* active_prompt = nullptr;
}  // namespace

void set_prompt(Prompt* prompt) { active_prompt = prompt; }

void write_text(std::FILE* out, std::string_view text) {
  Prompt* const prompt = out == stdout ? active_prompt : nullptr;
  if (prompt) prompt->hide();
  std::fwrite(text.data(), 1, text.size(), out);
  std::fflush(out);
  if (prompt) prompt->redraw();
}

void write_buffered(std::FILE* out, std::string_view text) { std::fwrite(text.data(), 1, text.size(), out); }

void print_timed_line(std::FILE* out, const Style& style, const std::string& text) {
  write_text(out, style.dim(time_of_day()) + " " + text + "\n");
}

bool is_secret_header(std::string_view name) {
  for (std::string_view secret : {"Authorization", "Proxy-Authorization", "Cookie", "Set-Cookie"}) {
    if (codec::iequals(name, secret)) return true;
  }
  return false;
}

std::string shown_header_value(std::string_view name, std::string_view value, bool show_secrets) {
  if (show_secrets || !is_secret_header(name)) return std::string(value);
  return "<redacted " + std::to_string(value.size()) + " bytes>";
}

}  // namespace wsprobe::output
