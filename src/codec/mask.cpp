#include "codec/mask.h"

#include <openssl/rand.h>

#include <cstddef>
#include <cstring>
#include <stdexcept>

namespace wsprobe::codec {

void apply_mask(MutableByteView data, MaskKey key, std::uint64_t offset) {
  // Rotate the key so that position 0 of `data` uses key[0].
  MaskKey rotated;
  for (std::size_t i = 0; i < 4; ++i) rotated[i] = key[(offset + i) % 4];

  std::uint8_t* p = data.data();
  std::size_t n = data.size();

  // Word-wide XOR: a 64-bit word repeats the 4-byte key twice in memory order. The
  // memcpy loads and stores have no alignment requirement and compile to plain moves,
  // and the 32-byte body vectorises.
  std::uint64_t word;
  std::uint8_t pattern[8];
  for (std::size_t i = 0; i < 8; ++i) pattern[i] = rotated[i % 4];
  std::memcpy(&word, pattern, 8);

  std::size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    std::uint64_t chunk[4];
    std::memcpy(chunk, p + i, 32);
    chunk[0] ^= word;
    chunk[1] ^= word;
    chunk[2] ^= word;
    chunk[3] ^= word;
    std::memcpy(p + i, chunk, 32);
  }
  for (; i + 8 <= n; i += 8) {
    std::uint64_t chunk;
    std::memcpy(&chunk, p + i, 8);
    chunk ^= word;
    std::memcpy(p + i, &chunk, 8);
  }
  for (; i < n; ++i) p[i] ^= rotated[i % 4];
}

MaskKey random_mask_key() {
  MaskKey key;
  if (RAND_bytes(key.data(), static_cast<int>(key.size())) != 1) {
    throw std::runtime_error("RAND_bytes failed to make a masking key");
  }
  return key;
}

}  // namespace wsprobe::codec
