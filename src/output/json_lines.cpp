#include "output/json_lines.h"

#include "output/clock_text.h"
#include "output/style.h"

namespace wsprobe::output {
namespace {

bool summary_begun = false;

}  // namespace

JsonWriter json_event(std::string_view type) {
  JsonWriter json;
  json.begin_object().field("type", type).field("ts", rfc3339_utc());
  return json;
}

void emit_json_line(JsonWriter& json, std::FILE* out, bool flush) {
  json.end_object();
  (flush ? write_text : write_buffered)(out, json.text() + "\n");
}

JsonWriter json_summary(std::string_view command, const RunEnd& end) {
  summary_begun = true;
  JsonWriter json = json_event("summary");
  json.key("command");
  command.empty() ? json.null() : json.value(command);
  json.field("exit_code", end.exit_code).field("end", end.end).field("error", end.error);
  return json;
}

bool json_summary_begun() { return summary_begun; }

}  // namespace wsprobe::output
