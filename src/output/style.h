#pragma once
// Human output's looks: colour only on a terminal and only when NO_COLOR is unset,
// and the redaction of secrets in printed headers.
#include <cstdio>
#include <string>
#include <string_view>

namespace wsprobe::output {

// --color: auto is colour on a terminal, unless NO_COLOR is set (to anything) or
// TERM is dumb; always and never say it outright.
enum class ColorMode { automatic, always, never };
void set_color_mode(ColorMode mode);

struct Style {
  bool color = false;

  // Colour for a stream, as --color and the conventions say.
  static Style for_stream(std::FILE* stream);

  std::string good(std::string_view text) const { return paint("32", text); }
  std::string bad(std::string_view text) const { return paint("31;1", text); }
  std::string dim(std::string_view text) const { return paint("2", text); }
  std::string bold(std::string_view text) const { return paint("1", text); }

  // For lines built in place: the escapes that turn a look on and off ("" without colour).
  std::string_view dim_on() const { return color ? "\x1b[2m" : ""; }
  std::string_view bold_on() const { return color ? "\x1b[1m" : ""; }
  std::string_view off() const { return color ? "\x1b[0m" : ""; }

 private:
  std::string paint(std::string_view code, std::string_view text) const;
};

// Writes every byte of `text`, NULs included (--raw prints what came), and flushes.
// While a prompt is on the terminal, output to stdout goes above the line being typed.
void write_text(std::FILE* out, std::string_view text);

// Writes `text` into the stream's buffer, to go out at the next flush: for a stream of
// many small records to a pipe or file, which the caller flushes when input goes quiet.
void write_buffered(std::FILE* out, std::string_view text);

// A line being typed on the terminal (interactive connect): write_text clears it before
// printing to stdout and redraws it after.
class Prompt {
 public:
  virtual ~Prompt() = default;
  virtual void hide() = 0;
  virtual void redraw() = 0;
};
// `prompt` stays registered until set_prompt(nullptr).
void set_prompt(Prompt* prompt);

// A human event line: the time of day (dimmed), the text, flushed at once.
void print_timed_line(std::FILE* out, const Style& style, const std::string& text);

// Authorization, Proxy-Authorization, Cookie and Set-Cookie values are secrets.
bool is_secret_header(std::string_view name);

// The value to print for a header: "<redacted N bytes>" for secrets unless shown.
std::string shown_header_value(std::string_view name, std::string_view value, bool show_secrets);

}  // namespace wsprobe::output
