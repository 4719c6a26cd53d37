#include "codec/sse.h"

#include <cstring>
#include <limits>

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

bool SseParser::over_limit(std::size_t pending) {
  if (data_.size() + type_.size() + pending <= max_event_size_) return false;
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

  // The next CR and LF are each searched once per read, so a stream without one
  // of them costs no rescans.
  const std::uint8_t* base = bytes.data();
  std::size_t next_cr = 0, next_lf = 0;
  bool cr_known = false, lf_known = false;
  auto find = [&](std::uint8_t byte, std::size_t& position, bool& known) {
    if (!known || position < at) {
      const void* hit = std::memchr(base + at, byte, bytes.size() - at);
      position = hit ? static_cast<std::size_t>(static_cast<const std::uint8_t*>(hit) - base) : bytes.size();
      known = true;
    }
    return position;
  };

  while (at < bytes.size()) {
    const std::size_t end = std::min(find('\r', next_cr, cr_known), find('\n', next_lf, lf_known));
    if (end == bytes.size()) {
      if (!keep_partial_line(bytes.subspan(at, end - at))) return false;
      break;
    }
    if (line_.empty()) {
      take_line(bytes.subspan(at, end - at));
    } else {
      if (!keep_partial_line(bytes.subspan(at, end - at))) return false;  // over the limit: the line is lost
      take_line(line_);
      line_.clear();
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

void SseParser::take_line(ByteView raw) {
  const bool comment = !raw.empty() && raw.front() == ':';
  if (comment && raw.size() > max_comment_kept) raw = raw.first(max_comment_kept);
  if (!comment && over_limit(raw.size())) return;
  std::string_view line = as_chars(raw);
  if (!is_valid_utf8(raw)) {
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
    data_.append(value);
    data_ += '\n';
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

void SseParser::dispatch() {
  last_event_id_ = id_buffer_;
  if (data_.empty()) {
    type_.clear();
    return;
  }
  data_.pop_back();  // the LF after the last data line
  // event_ is reused, and the data buffer swapped into it, so that a stream of small
  // events does not allocate for each one.
  event_.type.assign(type_.empty() ? std::string_view("message") : std::string_view(type_));
  event_.data.swap(data_);
  event_.last_event_id.assign(last_event_id_);
  data_.clear();
  type_.clear();
  handler_.on_event(event_);
}

}  // namespace wsprobe::codec
