#pragma once
// JSON Lines as every command prints them with --json: one object per event,
// starting with its "type" and an RFC 3339 "ts", printed as soon as it is complete.
// The last record of every run is the summary; the schema is in the man page
// (JSON OUTPUT), and tests/integration/test_json_schema.py holds every command to it.
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

#include "output/json.h"
#include "output/options.h"
#include "output/record_buffer.h"

namespace wsprobe::output {

// An open object with "type" and "ts" written; add fields, then emit_json_line.
JsonWriter json_event(std::string_view type);
// The same into `json`, reusing its buffer, with the "ts" text given: for records
// printed by the million, where a clock read and an allocation per record show.
void start_json_event(JsonWriter& json, std::string_view type, std::string_view ts);
// Closes the object and prints it as one line; flushed at once unless `flush` is false.
void emit_json_line(JsonWriter& json, std::FILE* out, bool flush = true);
// Closes the object and adds it to `out` as one record.
void emit_json_line(JsonWriter& json, RecordBuffer& out);

// The summary record, opened with what every summary holds: the command, its exit
// code, why the run ended (one word from the man page's list) and the error that
// made the exit code, if any. An empty command (no subcommand was recognised) is null. Add the command's own fields, then emit_json_line.
JsonWriter json_summary(std::string_view command, const RunEnd& end);
// Whether this process has begun a summary: main prints one for a run that ended
// in an error before its command could.
bool json_summary_begun();

}  // namespace wsprobe::output
