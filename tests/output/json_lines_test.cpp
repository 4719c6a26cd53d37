#include "output/json_lines.h"

#include <gtest/gtest.h>

#include <cstdio>

#include "output/style.h"

namespace wsprobe::output {
namespace {

// Stands for interactive connect's line editor: it marks where it hides and redraws.
class MarkingPrompt : public Prompt {
 public:
  void hide() override { std::fputs("<hide>", stdout); }
  void redraw() override { std::fputs("<redraw>", stdout); }
};

// While a prompt is on the terminal, a record goes above it whole: the prompt is hidden
// before the record and its line end, and drawn again after them.
TEST(JsonLines, ARecordGoesOutWholeBetweenHidingAndRedrawingThePrompt) {
  MarkingPrompt prompt;
  set_prompt(&prompt);
  testing::internal::CaptureStdout();
  JsonWriter json;
  json.begin_object().field("type", "frame");
  emit_json_line(json, stdout);
  std::fflush(stdout);
  const std::string printed = testing::internal::GetCapturedStdout();
  set_prompt(nullptr);
  EXPECT_EQ(printed, "<hide>{\"type\":\"frame\"}\n<redraw>");
}

}  // namespace
}  // namespace wsprobe::output
