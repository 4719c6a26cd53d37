#include "codec/sse.h"

#include <cstring>
#include <limits>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "codec/utf8.h"

namespace wsprobe::codec {
namespace {

constexpr std::uint8_t bom[] = {0xef, 0xbb, 0xbf};
constexpr std::string_view replacement = "\xef\xbf\xbd";

bool all_digits(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

std::uint64_t saturating_decimal(std::string_view digits) {
  constexpr std::uint64_t max = std::numeric_limits<std::uint64_t>::max();
  std::uint64_t value = 0;
  for (char c : digits) {
    const auto digit = static_cast<std::uint64_t>(c - '0');
    if (value > (max - digit) / 10) return max;
    value = value * 10 + digit;
  }
  return value;
}

// The line breaks (CR or LF) of one read, found 64 bytes at a time as a bit mask, so
// that each of many short lines costs a bit scan, not a search of its own. SSE2 is part
// of every x86-64 CPU; elsewhere the mask is made byte by byte.
class LineBreaks {
 public:
  explicit LineBreaks(ByteView bytes) : bytes_(bytes) {}

  // The offset of the first line break at or after `from`, or the size of the read.
  std::size_t next(std::size_t from) {
    std::size_t block = from & ~std::size_t{63};
    if (block != block_) load(block);
    std::uint64_t hits = mask_ & (~std::uint64_t{0} << (from - block));
    while (hits == 0) {
      block += 64;
      if (block >= bytes_.size()) return bytes_.size();
      load(block);
      hits = mask_;
    }
    return std::min(bytes_.size(), block + static_cast<std::size_t>(__builtin_ctzll(hits)));
  }

 private:
  void load(std::size_t block) {
    block_ = block;
    std::uint8_t chunk[64] = {};  // past the end of the read: no break
    const std::uint8_t* data = bytes_.data() + block;
    if (bytes_.size() - block < 64) {
      std::memcpy(chunk, data, bytes_.size() - block);
      data = chunk;
    }
    mask_ = break_mask(data);
  }

  static std::uint64_t break_mask(const std::uint8_t* data) {
    std::uint64_t mask = 0;
#if defined(__SSE2__)
    const __m128i lf = _mm_set1_epi8('\n');
    const __m128i cr = _mm_set1_epi8('\r');
    for (int part = 0; part < 4; ++part) {
      const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(data + 16 * part));
      const auto hits = static_cast<unsigned>(_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(bytes, lf), _mm_cmpeq_epi8(bytes, cr))));
      mask |= std::uint64_t{hits} << (16 * part);
    }
#else
    for (int i = 0; i < 64; ++i) mask |= std::uint64_t{data[i] == '\n' || data[i] == '\r'} << i;
#endif
    return mask;
  }

  ByteView bytes_;
  std::size_t block_ = ~std::size_t{0};
  std::uint64_t mask_ = 0;
};

// Where the last line break of `bytes` after `from` ends: the whole lines end there.
// Searched from the end, where it usually is, a line's length away at most.
std::size_t whole_lines_end(ByteView bytes, std::size_t from) {
  std::size_t end = bytes.size();
  while (end > from && bytes[end - 1] != '\n' && bytes[end - 1] != '\r') --end;
  return end;
}

}  // namespace

std::string decode_utf8_lossy(ByteView bytes) {
  std::string out;
  out.reserve(bytes.size());
  std::size_t needed = 0;  // continuation bytes still expected
  std::size_t start = 0;   // where the current sequence began
  std::uint8_t lower = 0x80, upper = 0xbf;
  for (std::size_t i = 0; i < bytes.size();) {
    const std::uint8_t byte = bytes[i];
    if (needed == 0) {
      start = i;
      lower = 0x80;
      upper = 0xbf;
      if (byte <= 0x7f) {
        out += static_cast<char>(byte);
      } else if (byte >= 0xc2 && byte <= 0xdf) {
        needed = 1;
      } else if (byte >= 0xe0 && byte <= 0xef) {
        if (byte == 0xe0) lower = 0xa0;
        if (byte == 0xed) upper = 0x9f;
        needed = 2;
      } else if (byte >= 0xf0 && byte <= 0xf4) {
        if (byte == 0xf0) lower = 0x90;
        if (byte == 0xf4) upper = 0x8f;
        needed = 3;
      } else {
        out += replacement;
      }
      ++i;
      continue;
    }
    if (byte < lower || byte > upper) {
      // The sequence so far is one maximal subpart; this byte starts afresh.
      out += replacement;
      needed = 0;
      continue;
    }
    lower = 0x80;
    upper = 0xbf;
    ++i;
    if (--needed == 0) out.append(as_chars(bytes.subspan(start, i - start)));
  }
  if (needed != 0) out += replacement;
  return out;
}

SseParser::SseParser(SseHandler& handler, std::uint64_t max_event_size)
    : handler_(handler), max_event_size_(max_event_size) {}

void SseParser::set_last_event_id(std::string id) {
  id_buffer_ = id;
  last_event_id_ = std::move(id);
}

bool SseParser::fail_too_big() {
  failed_ = true;
  handler_.on_violation(Violation{Rule::sse_event_too_big, "over " + std::to_string(max_event_size_) + " bytes"});
  return true;
}

bool SseParser::feed(ByteView bytes) {
  if (failed_) return false;
  std::size_t at = 0;
  // A BOM is dropped only at the very start of a body, even when it is split.
  while (bom_matched_ < 3 && at < bytes.size()) {
    if (bytes[at] != bom[bom_matched_]) {
      line_.insert(line_.end(), bom, bom + bom_matched_);  // not a BOM after all: content
      bom_matched_ = 3;
      break;
    }
    ++bom_matched_;
    ++at;
  }
  if (after_cr_ && at < bytes.size()) {
    if (bytes[at] == '\n') ++at;
    after_cr_ = false;
  }

  // The whole lines of this read are checked for UTF-8 in one pass (the line breaks
  // are ASCII, so they are all valid exactly when their run is); only a read with an
  // invalid byte, and lines cut by a read's end, are checked line by line.
  const bool whole_lines_valid = is_valid_utf8(bytes.subspan(at, whole_lines_end(bytes, at) - at));

  LineBreaks breaks(bytes);
  while (at < bytes.size()) {
    std::size_t end = breaks.next(at);
    if (end == bytes.size()) {
      if (!keep_partial_line(bytes.subspan(at, end - at))) return false;
      break;
    }
    const ByteView line = bytes.subspan(at, end - at);
    if (!line_.empty()) {
      if (!keep_partial_line(line)) return false;  // over the limit: the line is lost
      take_line(line_, false);
      line_.clear();
    } else if (line.empty()) {
      // Lossy decoding grows each invalid byte to three: the event is held to the limit
      // once it is whole too.
      if (over_limit(0)) return false;
      dispatch();
    } else if (whole_lines_valid && line_is_data(line)) {
      // A blank line right after it: the event is this one line, delivered from the read.
      const bool event_ends = bytes[end] == '\n' && end + 1 < bytes.size() && bytes[end + 1] == '\n';
      if (take_data_line(line, event_ends)) ++end;
    } else {
      take_line(line, whole_lines_valid);
    }
    if (failed_) return false;
    at = end + 1;
    if (bytes[end] == '\r') {
      if (at == bytes.size()) {
        after_cr_ = true;
      } else if (bytes[at] == '\n') {
        ++at;
      }
    }
  }
  return true;
}

constexpr std::string_view data_field = "data:";

bool SseParser::line_is_data(ByteView raw) { return as_chars(raw).starts_with(data_field); }

// Most lines of most streams are data lines, and most events one data line: they take
// this short way when valid. An event that is this line alone (`event_ends`, and no
// data before it) is delivered straight from the read, without a copy; returns whether
// it was.
// Inlined into feed(), whose loop runs it for most lines of a fast stream.
[[gnu::always_inline]] inline bool SseParser::take_data_line(ByteView raw, bool event_ends) {
  std::string_view value = as_chars(raw).substr(data_field.size());
  if (value.starts_with(' ')) value.remove_prefix(1);
  if (over_limit(raw.size())) return false;
  if (event_ends && data_.empty()) {
    deliver(value);
    return true;
  }
  add_data_line(value);
  return false;
}

void SseParser::end_of_body() {
  const bool partial_field = !line_.empty() && line_.front() != ':';
  if (!data_.empty() || partial_field) {
    handler_.on_discarded("an event the body ended in the middle of (no blank line after it)");
  }
  line_.clear();
  data_.clear();
  type_.clear();
  id_buffer_ = last_event_id_;
  bom_matched_ = 0;
  after_cr_ = false;
  failed_ = false;
}

// A comment is no part of an event: it is kept only up to max_comment_kept bytes (the
// rest dropped) and never counts against the event size limit.
bool SseParser::keep_partial_line(ByteView piece) {
  const bool comment = line_.empty() ? !piece.empty() && piece.front() == ':' : line_.front() == ':';
  if (comment) {
    const std::size_t room = max_comment_kept - std::min(max_comment_kept, line_.size());
    line_.insert(line_.end(), piece.begin(), piece.begin() + static_cast<std::ptrdiff_t>(std::min(room, piece.size())));
    return true;
  }
  if (over_limit(line_.size() + piece.size())) return false;
  line_.insert(line_.end(), piece.begin(), piece.end());
  return true;
}

void SseParser::take_line(ByteView raw, bool known_valid) {
  const bool comment = !raw.empty() && raw.front() == ':';
  if (comment && raw.size() > max_comment_kept) {
    raw = raw.first(max_comment_kept);
    known_valid = false;  // the cut may split a character
  }
  if (!comment && over_limit(raw.size())) return;
  std::string_view line = as_chars(raw);
  if (!known_valid && !is_valid_utf8(raw)) {
    decoded_ = decode_utf8_lossy(raw);
    line = decoded_;
  }
  if (line.empty()) {
    dispatch();
    return;
  }
  if (line.front() == ':') {
    handler_.on_comment(line.substr(1));
    return;
  }
  const std::size_t colon = line.find(':');
  if (colon == std::string_view::npos) {
    process_field(line, {});
    return;
  }
  std::string_view value = line.substr(colon + 1);
  if (value.starts_with(' ')) value.remove_prefix(1);
  process_field(line.substr(0, colon), value);
}

// What a discard note quotes of the peer's line, at most: a line may be as long as an event.
constexpr std::size_t quoted_limit = 64;

void SseParser::process_field(std::string_view name, std::string_view value) {
  if (name == "event") {
    type_ = value;
  } else if (name == "data") {
    add_data_line(value);
  } else if (name == "id") {
    if (value.find('\0') == std::string_view::npos) {
      id_buffer_ = value;
    } else {
      handler_.on_discarded("an id field with a NUL in it");
    }
  } else if (name == "retry") {
    if (all_digits(value)) {
      handler_.on_retry(saturating_decimal(value));
    } else {
      handler_.on_discarded("a retry field that is not all digits: '" + std::string(value.substr(0, quoted_limit)) +
                            (value.size() > quoted_limit ? "...'" : "'"));
    }
  } else {
    handler_.on_discarded("a field named '" + std::string(name.substr(0, quoted_limit)) +
                          (name.size() > quoted_limit ? "...'" : "'") + ", which EventSource ignores");
  }
}

void SseParser::add_data_line(std::string_view value) {
  data_.append(value);
  data_ += '\n';
}

void SseParser::dispatch() {
  if (data_.empty()) {
    if (last_event_id_ != id_buffer_) last_event_id_ = id_buffer_;
    type_.clear();
    return;
  }
  deliver(std::string_view(data_.data(), data_.size() - 1));  // without the LF after the last data line
  data_.clear();
}

// Inlined into feed() and dispatch(): every event passes here.
[[gnu::always_inline]] inline void SseParser::deliver(std::string_view data) {
  if (last_event_id_ != id_buffer_) last_event_id_ = id_buffer_;  // the compare is cheaper than a copy
  handler_.on_event(SseEvent{type_.empty() ? std::string_view("message") : std::string_view(type_), data, last_event_id_});
  type_.clear();
}

}  // namespace wsprobe::codec
