#pragma once
// Line editing for interactive `wsprobe connect`, with libedit (BSD-licensed, from
// Debian): a prompt, the usual editing keys, history (Up, Down), and lines the session
// prints go above the line being typed instead of into it.
//
// libedit reads a line with a blocking el_gets, so it runs on a thread of its own and
// hands each finished line over a pipe, which the session polls with its socket. The
// terminal is shared under a lock that the input thread holds except while it waits for
// a key: the session prints only then, clearing the line being typed first and asking
// libedit to draw it again after.
#include <histedit.h>

#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "output/style.h"

namespace wsprobe::cli {

class LineEditor : public output::Prompt {
 public:
  explicit LineEditor(std::string prompt);
  ~LineEditor() override;
  LineEditor(const LineEditor&) = delete;
  LineEditor& operator=(const LineEditor&) = delete;

  // Readable when lines are ready, or when the input ended (Ctrl-D on an empty line).
  int fd() const { return lines_[0]; }
  // The lines finished (Enter) since the last call, in order; sets ended() at the end.
  std::vector<std::string> read();
  bool ended() const { return ended_; }

  // output::Prompt: clear the line being typed (taking the terminal), and draw it
  // again (giving the terminal back).
  void hide() override;
  void redraw() override;

 private:
  static int next_key(EditLine* editor, wchar_t* key);
  static const char* prompt_of(EditLine* editor);
  void read_lines();  // the input thread
  void erase_typed_line(std::size_t length);

  std::string prompt_;
  EditLine* editor_ = nullptr;
  History* history_ = nullptr;
  int lines_[2] = {-1, -1};        // finished lines, '\n'-terminated; closed at the end
  int stop_[2] = {-1, -1};         // written to stop the input thread
  std::mutex terminal_;
  std::thread thread_;
  std::string partial_;
  bool ended_ = false;
  bool waiting_for_key_ = false;  // a line is being typed (under terminal_)
};

}  // namespace wsprobe::cli
