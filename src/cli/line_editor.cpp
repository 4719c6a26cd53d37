#include "cli/line_editor.h"

#include <poll.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <clocale>
#include <cstdio>
#include <stdexcept>

namespace wsprobe::cli {
namespace {

constexpr int history_size = 500;

// One key from the terminal, as libedit wants it: a character, decoded from UTF-8 (a
// byte that starts no valid sequence reads as U+FFFD). 1 for a key, 0 at the end.
int read_utf8_key(wchar_t* key) {
  unsigned char byte = 0;
  if (::read(STDIN_FILENO, &byte, 1) != 1) return 0;
  const int more = byte < 0x80 ? 0 : (byte >> 5) == 0x6 ? 1 : (byte >> 4) == 0xe ? 2 : (byte >> 3) == 0x1e ? 3 : -1;
  if (more < 0) {
    *key = 0xfffd;
    return 1;
  }
  char32_t code = more == 0 ? byte : byte & (0x3f >> more);
  for (int i = 0; i < more; ++i) {
    if (::read(STDIN_FILENO, &byte, 1) != 1 || (byte & 0xc0) != 0x80) {
      *key = 0xfffd;
      return 1;
    }
    code = code << 6 | (byte & 0x3f);
  }
  *key = static_cast<wchar_t>(code);
  return 1;
}

}  // namespace

LineEditor::LineEditor(std::string prompt) : prompt_(std::move(prompt)) {
  std::setlocale(LC_CTYPE, "");  // libedit decodes typed UTF-8 by the locale
  if (::pipe(lines_) != 0 || ::pipe(stop_) != 0) throw std::runtime_error("pipe failed");
  editor_ = el_init("wsprobe", stdin, stdout, stderr);
  history_ = history_init();
  HistEvent event;
  history(history_, &event, H_SETSIZE, history_size);
  history(history_, &event, H_SETUNIQUE, 1);
  el_set(editor_, EL_CLIENTDATA, this);
  el_set(editor_, EL_EDITOR, "emacs");
  el_set(editor_, EL_SIGNAL, 0);  // Ctrl-C is the session's: it closes with 1000
  el_set(editor_, EL_PROMPT, prompt_of);
  el_set(editor_, EL_HIST, history, history_);
  el_set(editor_, EL_GETCFN, next_key);
  thread_ = std::thread([this] {
    const std::lock_guard<std::mutex> hold(terminal_);  // let go only while waiting for a key
    read_lines();
  });
  output::set_prompt(this);
}

LineEditor::~LineEditor() {
  output::set_prompt(nullptr);
  const char stop = 's';
  [[maybe_unused]] const ssize_t written = ::write(stop_[1], &stop, 1);
  thread_.join();
  el_end(editor_);  // the terminal as it was
  history_end(history_);
  for (const int fd : {lines_[0], stop_[0], stop_[1]}) ::close(fd);
}

const char* LineEditor::prompt_of(EditLine* editor) {
  LineEditor* self = nullptr;
  el_get(editor, EL_CLIENTDATA, &self);
  return self->prompt_.c_str();
}

// libedit asks for each key: wait for one with the terminal let go, so that the
// session may print meanwhile.
int LineEditor::next_key(EditLine* editor, wchar_t* key) {
  LineEditor* self = nullptr;
  el_get(editor, EL_CLIENTDATA, &self);
  self->waiting_for_key_ = true;
  self->terminal_.unlock();
  pollfd fds[2] = {{STDIN_FILENO, POLLIN, 0}, {self->stop_[0], POLLIN, 0}};
  while (::poll(fds, 2, -1) < 0) {
  }
  self->terminal_.lock();
  self->waiting_for_key_ = false;
  if (fds[1].revents) return -1;  // stopping: el_gets returns no line
  return read_utf8_key(key);
}

void LineEditor::read_lines() {
  for (;;) {
    int count = 0;
    const char* line = el_gets(editor_, &count);
    if (!line || count <= 0) break;  // Ctrl-D, the end of input, or stopping
    std::string text(line, static_cast<std::size_t>(count));
    if (text.ends_with('\n')) text.pop_back();
    HistEvent event;
    if (!text.empty()) history(history_, &event, H_ENTER, text.c_str());
    erase_typed_line(text.size());  // the session shows it again, with its time
    text += '\n';
    if (::write(lines_[1], text.data(), text.size()) != static_cast<ssize_t>(text.size())) break;
  }
  std::fputs("\r\033[K", stdout);  // the prompt, and the ^D libedit echoed
  std::fflush(stdout);
  ::close(lines_[1]);
}

// Enter left "> hello" on the line above the cursor: clear every row it took.
void LineEditor::erase_typed_line(std::size_t length) {
  winsize size{};
  const std::size_t columns = ::ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col ? size.ws_col : 80;
  const std::size_t rows = (prompt_.size() + length) / columns + 1;
  for (std::size_t row = 0; row < rows; ++row) std::fputs("\033[A\r\033[K", stdout);
  std::fflush(stdout);
}

std::vector<std::string> LineEditor::read() {
  char chunk[4096];
  const ssize_t got = ::read(lines_[0], chunk, sizeof chunk);
  if (got <= 0) ended_ = true;
  if (got > 0) partial_.append(chunk, static_cast<std::size_t>(got));
  std::vector<std::string> lines;
  for (std::size_t end; (end = partial_.find('\n')) != std::string::npos; partial_.erase(0, end + 1)) {
    lines.push_back(partial_.substr(0, end));
  }
  return lines;
}

void LineEditor::hide() {
  terminal_.lock();
  if (waiting_for_key_) std::fputs("\r\033[K", stdout);
}

void LineEditor::redraw() {
  std::fflush(stdout);
  if (waiting_for_key_) el_set(editor_, EL_REFRESH);
  terminal_.unlock();
}

}  // namespace wsprobe::cli
