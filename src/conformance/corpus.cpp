#include "conformance/corpus.h"

#include <algorithm>
#include <array>
#include <map>
#include <stdexcept>
#include <string>

namespace wsprobe::conformance {
namespace {

constexpr std::size_t corpus_size = 256 * 1024;

// xorshift64*: the same bytes on every machine and every run.
class Random {
 public:
  std::uint64_t next() {
    state_ ^= state_ >> 12;
    state_ ^= state_ << 25;
    state_ ^= state_ >> 27;
    return state_ * 0x2545F4914F6CDD1DULL;
  }
  std::size_t below(std::size_t bound) { return static_cast<std::size_t>(next() % bound); }

 private:
  std::uint64_t state_ = 0x9E3779B97F4A7C15ULL;
};

// Words for the text corpora, a few of them beyond ASCII so that compressed text
// carries multi-byte characters too.
constexpr std::array<std::string_view, 40> words = {
    "the",    "server", "message", "frame",  "socket", "close",   "stream", "event",  "price",  "market",
    "order",  "window", "river",   "garden", "light",  "morning", "letter", "number", "quiet",  "green",
    "across", "under",  "before",  "after",  "while",  "every",   "simple", "little", "golden", "silver",
    "café",   "naïve",  "Grüße",   "κόσμε",  "señor",  "über",    "north",  "south",  "winter", "summer"};

std::string_view word(Random& random) { return words[random.below(words.size())]; }

std::string sentence(Random& random) {
  std::string text(word(random));
  text[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(text[0])));
  for (std::size_t n = 4 + random.below(12); n > 0; --n) {
    text += random.below(8) == 0 ? ", " : " ";
    text += word(random);
  }
  return text + ".";
}

std::string json_corpus(Random& random) {
  std::string text = "[\n";
  for (std::size_t id = 1; text.size() < corpus_size; ++id) {
    text += "  {\"id\": " + std::to_string(id) + ", \"name\": \"" + std::string(word(random)) + " " +
            std::string(word(random)) + "\", \"active\": " + (random.below(2) ? "true" : "false") +
            ", \"score\": " + std::to_string(random.below(100000) / 100.0) + ", \"tags\": [\"" +
            std::string(word(random)) + "\", \"" + std::string(word(random)) + "\"], \"note\": \"" +
            sentence(random) + "\"},\n";
  }
  return text + "]\n";
}

std::string html_corpus(Random& random) {
  std::string text = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>corpus</title></head><body>\n";
  for (std::size_t id = 1; text.size() < corpus_size; ++id) {
    text += "<div class=\"item\" id=\"item-" + std::to_string(id) + "\">\n  <h2>" + std::string(word(random)) +
            "</h2>\n  <p>" + sentence(random) + " " + sentence(random) + "</p>\n  <a href=\"/" +
            std::string(word(random)) + "/" + std::to_string(id) + "\">more</a>\n</div>\n";
  }
  return text + "</body></html>\n";
}

std::string prose_corpus(Random& random) {
  std::string text;
  while (text.size() < corpus_size) {
    for (std::size_t n = 3 + random.below(5); n > 0; --n) text += sentence(random) + " ";
    text.back() = '\n';
    text += "\n";
  }
  return text;
}

// A 24-bit bitmap of smooth gradients with a little noise, as a photograph has.
std::string bitmap_corpus(Random& random) {
  std::string image = "BM";
  image.resize(54, '\0');
  for (std::size_t y = 0; image.size() < corpus_size; ++y) {
    for (std::size_t x = 0; x < 512; ++x) {
      image += static_cast<char>((x / 2 + random.below(6)) & 0xff);
      image += static_cast<char>((y + x / 4 + random.below(6)) & 0xff);
      image += static_cast<char>((255 - y / 2 + random.below(6)) & 0xff);
    }
  }
  return image;
}

std::string noise_corpus(Random& random) {
  std::string bytes(corpus_size, '\0');
  for (char& byte : bytes) byte = static_cast<char>(random.next() >> 56);
  return bytes;
}

struct Corpus {
  std::string bytes;
  bool fill = false;  // a pattern repeated to every message's size
  bool text = false;
};

const std::map<std::string, Corpus, std::less<>>& corpora() {
  static const auto made = [] {
    Random random;
    std::map<std::string, Corpus, std::less<>> all;
    all["stars"] = {"*", true, true};
    all["fe"] = {"\xfe", true, false};
    all["autobahn-text"] = {"BAsd7&jh23", true, true};
    all["autobahn-binary"] = {std::string("\x00\xfe\x23\xfa\xf0", 5), true, false};
    all["json"] = {json_corpus(random), false, true};
    all["html"] = {html_corpus(random), false, true};
    all["prose"] = {prose_corpus(random), false, true};
    all["bitmap"] = {bitmap_corpus(random), false, false};
    all["noise"] = {noise_corpus(random), false, false};
    return all;
  }();
  return made;
}

bool continues_character(std::uint8_t byte) { return (byte & 0xc0) == 0x80; }

}  // namespace

bool is_corpus(std::string_view name) { return corpora().contains(name); }

CorpusSlicer::CorpusSlicer(std::string_view name, std::uint64_t size) : size_(size) {
  const auto found = corpora().find(name);
  if (found == corpora().end()) throw std::invalid_argument("unknown corpus " + std::string(name));
  const Corpus& corpus = found->second;
  corpus_ = codec::as_bytes(corpus.bytes);
  fill_ = corpus.fill;
  text_ = corpus.text;
  if (fill_) {
    message_.resize(size);
    for (std::size_t at = 0; at < size; ++at) message_[at] = corpus_[at % corpus_.size()];
  }
}

codec::ByteView CorpusSlicer::message(std::size_t index) {
  if (fill_) return message_;
  // Messages follow one another through the corpus, wrapping round at its end.
  const std::uint64_t start = index * size_ % corpus_.size();
  message_.clear();
  for (std::uint64_t at = start; message_.size() < size_;) {
    const std::uint64_t take = std::min<std::uint64_t>(size_ - message_.size(), corpus_.size() - at);
    message_.insert(message_.end(), corpus_.begin() + static_cast<std::ptrdiff_t>(at),
                    corpus_.begin() + static_cast<std::ptrdiff_t>(at + take));
    at = 0;
  }
  if (text_) {
    // Whole characters only: no continuation byte at the start, none cut at the end.
    std::size_t begin = 0;
    while (begin < message_.size() && continues_character(message_[begin])) ++begin;
    std::size_t end = message_.size();
    std::size_t lead = end;
    while (lead > begin && continues_character(message_[lead - 1])) --lead;
    if (lead > begin) {
      const std::uint8_t first = message_[lead - 1];
      const std::size_t length = first < 0x80 ? 1 : first >= 0xf0 ? 4 : first >= 0xe0 ? 3 : 2;
      if (lead - 1 + length > end) end = lead - 1;
    }
    return codec::ByteView(message_).subspan(begin, end - begin);
  }
  return message_;
}

}  // namespace wsprobe::conformance
