#pragma once
// JSON Lines as the streaming commands print them: one object per event, starting
// with its "type" and an RFC 3339 "ts", flushed as soon as it is complete.
#include <cstdio>
#include <string_view>

#include "output/json.h"

namespace wsprobe::output {

// An open object with "type" and "ts" written; add fields, then emit_json_line.
JsonWriter json_event(std::string_view type);
// Closes the object and prints it as one line.
void emit_json_line(JsonWriter& json, std::FILE* out);

}  // namespace wsprobe::output
