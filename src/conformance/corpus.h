#pragma once
// The payloads of message series (Autobahn's 9.x, 10.x, 12.x and 13.x): fills that
// repeat a pattern, and corpora made in memory, deterministically, to be compressed:
// JSON, HTML and prose (text), a bitmap and noise (binary). Autobahn reads five
// files (JSON, HTML, a book, an image, a PDF); these have the same kinds of
// redundancy, from highly compressible to not at all, without shipping anyone's data.
#include <cstdint>
#include <string_view>

#include "codec/bytes.h"

namespace wsprobe::conformance {

// Whether `name` is a corpus: stars ('*'), fe (0xFE), autobahn-text ("BAsd7&jh23"),
// autobahn-binary (00 FE 23 FA F0), json, html, prose, bitmap, noise.
bool is_corpus(std::string_view name);

// Message `index` of a series of `size`-byte messages cut from a corpus one after the
// other, wrapping round at its end; a fill is the same every time. Text messages
// start and end on whole UTF-8 characters, so one may be a few bytes short. The view
// stays valid until the next call on the same slicer.
class CorpusSlicer {
 public:
  CorpusSlicer(std::string_view name, std::uint64_t size);
  codec::ByteView message(std::size_t index);

 private:
  codec::ByteView corpus_;
  std::uint64_t size_;
  bool fill_ = false;
  bool text_ = false;
  codec::Bytes message_;
};

}  // namespace wsprobe::conformance
