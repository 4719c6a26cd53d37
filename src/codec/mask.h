#pragma once
// Payload masking (RFC 6455 5.3): out[i] = in[i] XOR key[(offset + i) % 4].
#include <array>
#include <cstdint>

#include "codec/bytes.h"

namespace wsprobe::codec {

using MaskKey = std::array<std::uint8_t, 4>;

// XORs `data` in place with `key`, starting at key position `offset` (the number of
// payload bytes of the frame that came before `data`), so a payload that arrives in
// several reads is unmasked piece by piece. Masking and unmasking are the same.
void apply_mask(MutableByteView data, MaskKey key, std::uint64_t offset = 0);

// The ways to mask, with the same result: 64-bit words on any CPU, and AVX2 vectors.
enum class MaskPath { portable, avx2 };
bool mask_path_supported(MaskPath path);
// The fastest path this CPU runs, detected once; apply_mask takes it.
MaskPath best_mask_path();
// apply_mask on a named path, for tests and benchmarks; a path this CPU lacks falls back
// to the portable one.
void apply_mask(MaskPath path, MutableByteView data, MaskKey key, std::uint64_t offset = 0);

// A fresh key from OpenSSL's CSPRNG: clients must not let keys be predicted (10.3).
// Throws std::runtime_error if the generator fails.
MaskKey random_mask_key();

}  // namespace wsprobe::codec
