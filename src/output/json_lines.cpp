#include "output/json_lines.h"

#include "output/clock_text.h"
#include "output/style.h"

namespace wsprobe::output {

JsonWriter json_event(std::string_view type) {
  JsonWriter json;
  json.begin_object().field("type", type).field("ts", rfc3339_utc());
  return json;
}

void emit_json_line(JsonWriter& json, std::FILE* out) {
  json.end_object();
  write_text(out, json.text() + "\n");
}

}  // namespace wsprobe::output
