#include "codec/mask.h"

#include <openssl/rand.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <stdexcept>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define WSPROBE_MASK_AVX2 1
#endif

namespace wsprobe::codec {
namespace {

// The key as it repeats from position 0 of the data, in memory order: `offset` bytes
// of the frame's payload came before, so the key starts at key[offset % 4].
std::uint32_t rotated_key(MaskKey key, std::uint64_t offset) {
  std::uint8_t bytes[4];
  for (std::size_t i = 0; i < 4; ++i) bytes[i] = key[(offset + i) % 4];
  std::uint32_t word;
  std::memcpy(&word, bytes, sizeof word);
  return word;
}

void mask_bytes(std::uint8_t* data, std::size_t size, std::uint32_t key) {
  std::uint8_t bytes[4];
  std::memcpy(bytes, &key, sizeof bytes);
  for (std::size_t i = 0; i < size; ++i) data[i] ^= bytes[i % 4];
}

// Any CPU: one 64-bit word at a time. Each word is loaded, changed and stored on its
// own; gathering several in a local array made gcc keep a stack copy of each chunk,
// and under -march=native the wide reload of narrow stores stalled on every chunk.
void mask_portable(std::uint8_t* data, std::size_t size, std::uint32_t key) {
  const std::uint64_t word_key = std::uint64_t{key} << 32 | key;
  std::size_t i = 0;
  for (; i + 8 <= size; i += 8) {
    std::uint64_t word;
    std::memcpy(&word, data + i, sizeof word);
    word ^= word_key;
    std::memcpy(data + i, &word, sizeof word);
  }
  mask_bytes(data + i, size - i, key);
}

#if WSPROBE_MASK_AVX2
// AVX2, written out rather than left to the vectoriser so that it is the same whatever
// -march the rest is built for. The bytes before the first 32-byte boundary go one by
// one and turn the key, so that every vector access is aligned: a read that lands at an
// odd address runs as fast as an aligned one.
// Short payloads (most control frames and chat messages) go by words: aligning first
// would cost them more than the vectors save.
[[gnu::target("avx2")]] void mask_avx2(std::uint8_t* data, std::size_t size, std::uint32_t key) {
  constexpr std::size_t short_payload = 128;
  if (size < short_payload) {
    mask_portable(data, size, key);
    return;
  }
  const std::size_t head = (32 - reinterpret_cast<std::uintptr_t>(data) % 32) % 32;
  mask_portable(data, head, key);
  key = head % 4 == 0 ? key : (key >> (8 * (head % 4)) | key << (32 - 8 * (head % 4)));  // little-endian turn
  data += head;
  size -= head;
  const __m256i vector_key = _mm256_set1_epi32(static_cast<int>(key));
  std::size_t i = 0;
  for (; i + 128 <= size; i += 128) {
    auto* at = reinterpret_cast<__m256i*>(data + i);
    _mm256_store_si256(at, _mm256_xor_si256(_mm256_load_si256(at), vector_key));
    _mm256_store_si256(at + 1, _mm256_xor_si256(_mm256_load_si256(at + 1), vector_key));
    _mm256_store_si256(at + 2, _mm256_xor_si256(_mm256_load_si256(at + 2), vector_key));
    _mm256_store_si256(at + 3, _mm256_xor_si256(_mm256_load_si256(at + 3), vector_key));
  }
  for (; i + 32 <= size; i += 32) {
    auto* at = reinterpret_cast<__m256i*>(data + i);
    _mm256_store_si256(at, _mm256_xor_si256(_mm256_load_si256(at), vector_key));
  }
  mask_portable(data + i, size - i, key);
}
#endif

using MaskFunction = void (*)(std::uint8_t*, std::size_t, std::uint32_t);

MaskFunction mask_function(MaskPath path) {
#if WSPROBE_MASK_AVX2
  if (path == MaskPath::avx2 && mask_path_supported(MaskPath::avx2)) return mask_avx2;
#endif
  (void)path;
  return mask_portable;
}

}  // namespace

bool mask_path_supported(MaskPath path) {
#if WSPROBE_MASK_AVX2
  static const bool avx2 = __builtin_cpu_supports("avx2");
  if (path == MaskPath::avx2) return avx2;
#endif
  return path == MaskPath::portable;
}

MaskPath best_mask_path() {
  static const MaskPath best = mask_path_supported(MaskPath::avx2) ? MaskPath::avx2 : MaskPath::portable;
  return best;
}

void apply_mask(MutableByteView data, MaskKey key, std::uint64_t offset) {
  static const MaskFunction best = mask_function(best_mask_path());
  best(data.data(), data.size(), rotated_key(key, offset));
}

void apply_mask(MaskPath path, MutableByteView data, MaskKey key, std::uint64_t offset) {
  mask_function(path)(data.data(), data.size(), rotated_key(key, offset));
}

MaskKey random_mask_key() {
  MaskKey key;
  if (RAND_bytes(key.data(), static_cast<int>(key.size())) != 1) {
    throw std::runtime_error("RAND_bytes failed to make a masking key");
  }
  return key;
}

}  // namespace wsprobe::codec
