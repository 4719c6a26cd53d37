#pragma once
// One frame as trace lines show it, in `connect -v` and `send`: direction, FIN,
// RSV1-3, opcode, mask key, length and a payload preview.
#include <string>

#include "codec/frame.h"
#include "output/json.h"

namespace wsprobe::output {

// "> fin=1 rsv=000 text mask=37fa213d len=5 Hello" (`preview` escaped; "..." when cut).
std::string frame_line(bool outgoing, const codec::FrameHeader& header, codec::ByteView preview);

// The same as fields of an open JSON object.
void frame_fields(JsonWriter& json, bool outgoing, const codec::FrameHeader& header, codec::ByteView preview);

// "01 02 ff", and "0102ff" for keys.
std::string spaced_hex(codec::ByteView bytes);
std::string compact_hex(codec::ByteView bytes);

}  // namespace wsprobe::output
