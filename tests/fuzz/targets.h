#pragma once
// The fuzz target bodies. Each takes any bytes, must never crash, hang or grow
// without bound, and aborts when one of its own consistency checks fails.
#include <cstddef>
#include <cstdint>

namespace wsprobe::fuzz {

// Frame parser and message assembler: the same events however the input is split.
int frame_fuzz(const std::uint8_t* data, std::size_t size);

}  // namespace wsprobe::fuzz
