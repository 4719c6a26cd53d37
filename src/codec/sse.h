#pragma once
// The event stream parser of the WHATWG HTML standard ("Server-sent events",
// interpreting an event stream), exact to its algorithm and incremental over reads
// of any size: UTF-8 decoding with a leading BOM dropped and invalid bytes replaced
// by U+FFFD, lines ended by CR, LF or CRLF (also split across reads), comments,
// fields, and dispatch on a blank line as a browser's EventSource does it.
#include <cstdint>
#include <string>
#include <string_view>

#include "codec/bytes.h"
#include "codec/violation.h"

namespace wsprobe::codec {

inline constexpr std::uint64_t default_max_event_size = 16 * 1024 * 1024;

// Views into the parser's buffers, valid during on_event: a stream of small events
// is dispatched without copying one.
struct SseEvent {
  std::string_view type;           // the event field, or "message"
  std::string_view data;           // data lines joined with LF
  std::string_view last_event_id;  // the last event ID string when it was dispatched
};

class SseHandler {
 public:
  virtual ~SseHandler() = default;
  // `event` is valid until the call returns.
  virtual void on_event(const SseEvent& event) = 0;
  // A comment line, without its leading colon.
  virtual void on_comment(std::string_view text) { (void)text; }
  // A valid retry field: the reconnection time is now `milliseconds`.
  virtual void on_retry(std::uint64_t milliseconds) { (void)milliseconds; }
  // The stream grew an event over the limit; the parser takes no further input.
  virtual void on_violation(const Violation& violation) = 0;
  // What the algorithm drops without a word, said for -v: a field of another name, a
  // retry value not all digits, an event the body ended in the middle of.
  virtual void on_discarded(std::string_view what) { (void)what; }
};

class SseParser {
 public:
  explicit SseParser(SseHandler& handler, std::uint64_t max_event_size = default_max_event_size);

  // The bytes of a comment line kept (its colon included) for on_comment; the rest is
  // dropped. Comments are no part of an event: they never count against the limit.
  static constexpr std::size_t max_comment_kept = 4096;

  // Feeds the next bytes of a response body. Returns false once an event grew over
  // the limit.
  bool feed(ByteView bytes);

  // The body ended: the event being assembled is discarded, and the next body starts
  // afresh (with its own BOM), keeping the last event ID string for Last-Event-ID.
  void end_of_body();

  const std::string& last_event_id() const { return last_event_id_; }
  // Seeds the last event ID string and buffer (--last-event-id).
  void set_last_event_id(std::string id);

 private:
  // `known_valid`: the line is already known to be valid UTF-8.
  void take_line(ByteView raw, bool known_valid);
  void process_field(std::string_view name, std::string_view value);
  void add_data_line(std::string_view value);
  void dispatch();
  // Dispatches an event of `data` (the type and the last event ID as they stand).
  void deliver(std::string_view data);
  static bool line_is_data(ByteView raw);
  bool take_data_line(ByteView raw, bool event_ends);
  // Whether `pending` more bytes would take the event over the limit; if so, the parser fails.
  bool over_limit(std::size_t pending) {
    return data_.size() + type_.size() + pending > max_event_size_ && fail_too_big();
  }
  bool fail_too_big();
  // Keeps the start of a line cut by the end of a read; false when it grew over the limit.
  bool keep_partial_line(ByteView piece);

  SseHandler& handler_;
  std::uint64_t max_event_size_;
  bool failed_ = false;

  std::size_t bom_matched_ = 0;  // bytes of a leading BOM seen; 3 once the start is past
  bool after_cr_ = false;        // the last read ended in CR: an LF first in the next is part of it
  Bytes line_;                   // a line cut by the end of a read

  std::string data_;
  std::string type_;
  std::string id_buffer_;
  std::string last_event_id_;
  std::string decoded_;  // scratch for lines that are not valid UTF-8
};

// Replaces each maximal invalid subsequence with U+FFFD, as the WHATWG Encoding
// standard's UTF-8 decoder does.
std::string decode_utf8_lossy(ByteView bytes);

}  // namespace wsprobe::codec
