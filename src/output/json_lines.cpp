#include "output/json_lines.h"

#include "output/clock_text.h"
#include "output/style.h"

namespace wsprobe::output {
namespace {

bool summary_begun = false;

}  // namespace

JsonWriter json_event(std::string_view type) {
  JsonWriter json;
  start_json_event(json, type, rfc3339_utc());
  return json;
}

void start_json_event(JsonWriter& json, std::string_view type, std::string_view ts) {
  json.clear();
  json.begin_object().field("type", type).field("ts", ts);
}

void emit_json_line(JsonWriter& json, std::FILE* out, bool flush) {
  json.end_object();
  // One write: write_text hides a prompt before it and redraws it after.
  (flush ? write_text : write_buffered)(out, json.text() + "\n");
}

void emit_json_line(JsonWriter& json, RecordBuffer& out) {
  json.end_object();
  out.text().append(json.text()).push_back('\n');
  out.end_record();
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
