#pragma once
// permessage-deflate's payload transformation (RFC 7692 7.2) over zlib's raw DEFLATE:
// one side's compressor and the other side's inflater, for one direction of a
// connection. Each keeps its LZ77 window across messages (context takeover) unless
// the sender's *_no_context_takeover was agreed. The inflater caps what it inflates,
// so a small compressed message cannot make it allocate more than the limit.
#include <array>
#include <cstdint>
#include <memory>
#include <optional>

#include "codec/bytes.h"
#include "codec/extensions.h"
#include "codec/frame.h"
#include "codec/violation.h"

struct z_stream_s;

namespace wsprobe::codec {

// One direction of an agreement: how the sender compresses and the receiver inflates.
struct DeflateParameters {
  std::uint8_t window_bits = 15;     // 8-15: an LZ77 window of 2^window_bits bytes
  bool no_context_takeover = false;  // every message starts with an empty window

  bool operator==(const DeflateParameters&) const = default;
};

// The parameters of the messages that `sender` sends: server_* for the server's,
// client_* for the client's (RFC 7692 7.1).
DeflateParameters deflate_parameters(const DeflateAgreement& agreement, Role sender);

namespace detail {
struct EndDeflate {
  void operator()(z_stream_s* stream) const;
};
struct EndInflate {
  void operator()(z_stream_s* stream) const;
};
}  // namespace detail

// The sender's side (7.2.1): raw DEFLATE flushed with Z_SYNC_FLUSH, the trailing
// 00 00 ff ff stripped. zlib's raw deflate has no 256-byte window, so window_bits 8
// compresses with 9: zlib never reaches back more than 2^9 - 262 = 250 bytes, which
// an 8-bit inflater holds (the notes' 6.7; Node.js does the same).
class MessageDeflater {
 public:
  explicit MessageDeflater(DeflateParameters parameters);

  // One message's payload, compressed. An empty payload gives 00 (7.2.3.6) and leaves
  // the window as it was.
  Bytes compress(ByteView payload);

 private:
  DeflateParameters parameters_;
  std::unique_ptr<z_stream_s, detail::EndDeflate> stream_;
};

// The receiver's side (7.2.2): the message's payload with 00 00 ff ff appended, inflated
// as raw DEFLATE, in pieces as fragments arrive. A block with BFINAL set ends zlib's
// stream; the blocks after it go on with the same window (7.2.3.4).
class MessageInflater {
 public:
  // `parameters.no_context_takeover` empties the window after every message; the
  // inflater's window is 32 KiB whatever `parameters.window_bits` says, which holds any
  // sender's. `max_message_size`: the largest inflated message; one byte more fails
  // with message.too-big before more is allocated.
  MessageInflater(DeflateParameters parameters, std::uint64_t max_message_size);

  // Inflates the next compressed bytes of the current message onto the end of
  // `message`, which holds the message inflated so far. A violation
  // (deflate.corrupt-data, message.too-big) ends the inflater's use; `message` then
  // holds what was inflated before it (one byte past the limit for message.too-big).
  std::optional<Violation> inflate(ByteView compressed, Bytes& message);
  // The current message's compressed bytes are all in. A message is judged by whether
  // it inflates to its end: data that ends on a block boundary is whole (after a
  // BFINAL block too, 7.2.1 allows one; or with the 00 00 ff ff tail kept); data that
  // does not gets the stripped tail appended (7.2.2) and must then end on one. Then
  // the window is emptied when the sender resets its own every message.
  std::optional<Violation> finish_message(Bytes& message);
  // The message just finished kept the 00 00 ff ff tail that 7.2.1 strips: harmless
  // to a receiver, worth a note.
  bool tail_kept() const { return tail_kept_; }

 private:
  std::optional<Violation> run(ByteView compressed, Bytes& message);
  void restart_stream();

  DeflateParameters parameters_;
  std::uint64_t max_message_size_;
  std::unique_ptr<z_stream_s, detail::EndInflate> stream_;
  bool at_block_boundary_ = true;
  int bits_held_ = 0;  // bits of the last byte zlib holds unread
  std::array<std::uint8_t, 4> last_bytes_{};  // the message's last compressed bytes
  bool tail_kept_ = false;
};

}  // namespace wsprobe::codec
