#pragma once
// Private to the UTF-8 validator (utf8.cpp): the SIMD checks behind Utf8Path::sse42 and
// Utf8Path::avx2, after Keiser and Lemire, "Validating UTF-8 In Less Than One
// Instruction Per Byte" (2021).
#include <cstddef>
#include <cstdint>

#include "codec/utf8.h"

namespace wsprobe::codec::utf8_simd {

// Returns the length of a prefix of bytes[0, size) that is valid UTF-8 and ends between
// code points, given that `bytes` starts between code points. A check only accepts: it
// stops before the vectors that hold an error and leaves a sequence cut off at the end,
// so the caller's DFA decides the rest and finds the exact offset of any error. On valid
// text the prefix falls short of `size` by less than one vector and three bytes.
using ValidPrefix = std::size_t (*)(const std::uint8_t* bytes, std::size_t size);

// The check of `path`. For the scalar path, and a path this build or CPU lacks, a check
// that proves nothing (an empty prefix), which leaves everything to the DFA.
ValidPrefix valid_prefix_for(Utf8Path path);

// Whether the CPU runs `path`; detected once.
bool cpu_supports(Utf8Path path);

}  // namespace wsprobe::codec::utf8_simd
