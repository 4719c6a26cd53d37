#include "codec/deflate.h"

#include <zlib.h>

#include <algorithm>
#include <array>
#include <climits>
#include <limits>
#include <new>
#include <stdexcept>
#include <string>

namespace wsprobe::codec {
namespace {

// What Z_SYNC_FLUSH ends with: the LEN and NLEN of an empty stored block (7.2.1).
constexpr std::array<std::uint8_t, 4> sync_flush_tail = {0x00, 0x00, 0xff, 0xff};

// zlib counts in uInt: larger buffers are handed over in pieces.
constexpr std::size_t max_zlib_piece = UINT_MAX;
// The inflater's output goes through a stack buffer this large, so that the message
// grows by what zlib wrote and no byte is zeroed first.
constexpr std::size_t inflate_step = 64 * 1024;
// What Z_SYNC_FLUSH adds past deflateBound(): a stored block's header and the tail.
constexpr std::size_t sync_flush_overhead = 16;
constexpr int memory_level = 8;  // zlib's default: speed over memory
constexpr int max_window_bits = 15;

uInt piece(std::size_t size) { return static_cast<uInt>(std::min(size, max_zlib_piece)); }

// Once zlib has taken all it was given, hands it the next piece of `input`;
// `handed_over` counts the bytes given so far.
void hand_over_next_piece(z_stream& z, ByteView input, std::size_t& handed_over) {
  if (z.avail_in != 0 || handed_over == input.size()) return;
  z.next_in = const_cast<Bytef*>(input.data() + handed_over);  // zlib only reads through next_in
  z.avail_in = piece(input.size() - handed_over);
  handed_over += z.avail_in;
}

void check_window_bits(const DeflateParameters& parameters) {
  if (parameters.window_bits < 8 || parameters.window_bits > max_window_bits) {
    throw std::invalid_argument("permessage-deflate window bits must be 8 to 15");
  }
}

// A zlib status that is our bug or the machine's, never the peer's.
[[noreturn]] void zlib_failure(int status, const char* call) {
  if (status == Z_MEM_ERROR) throw std::bad_alloc();
  throw std::logic_error(std::string(call) + " failed with zlib status " + std::to_string(status));
}

// Appends `bytes` to `buffer` without letting its capacity pass `limit`
// (buffer.size() + bytes.size() <= limit), as plain vector growth (doubling) might.
void append_within(Bytes& buffer, ByteView bytes, std::uint64_t limit) {
  const std::size_t size = buffer.size() + bytes.size();
  if (size > buffer.capacity()) {
    buffer.reserve(static_cast<std::size_t>(
        std::min<std::uint64_t>(std::max<std::uint64_t>(size, 2 * std::uint64_t{buffer.capacity()}), limit)));
  }
  buffer.insert(buffer.end(), bytes.begin(), bytes.end());
}

}  // namespace

DeflateParameters deflate_parameters(const DeflateAgreement& agreement, Role sender) {
  if (sender == Role::server) return {agreement.server_window_bits(), agreement.server_no_context_takeover};
  return {agreement.client_window_bits(), agreement.client_no_context_takeover};
}

namespace detail {
void EndDeflate::operator()(z_stream_s* stream) const {
  deflateEnd(stream);
  delete stream;
}
void EndInflate::operator()(z_stream_s* stream) const {
  inflateEnd(stream);
  delete stream;
}
}  // namespace detail

MessageDeflater::MessageDeflater(DeflateParameters parameters) : parameters_(parameters) {
  check_window_bits(parameters);
  auto stream = std::make_unique<z_stream>();
  const int window_bits = std::max(9, int{parameters.window_bits});  // see the class comment
  const int status =
      deflateInit2(stream.get(), Z_DEFAULT_COMPRESSION, Z_DEFLATED, -window_bits, memory_level, Z_DEFAULT_STRATEGY);
  if (status != Z_OK) zlib_failure(status, "deflateInit2");
  stream_.reset(stream.release());
}

Bytes MessageDeflater::compress(ByteView payload) {
  // A second flush without new input writes nothing, so zlib cannot end an empty
  // message after another; an empty stored block, stripped to 00, is one (7.2.3.6).
  if (payload.empty()) return Bytes{0x00};
  z_stream& z = *stream_;
  Bytes out(deflateBound(&z, payload.size()) + sync_flush_overhead);
  std::size_t handed_over = 0;  // payload bytes given to zlib so far
  std::size_t produced = 0;
  z.avail_in = 0;
  for (;;) {
    hand_over_next_piece(z, payload, handed_over);
    if (produced == out.size()) out.resize(2 * out.size());
    z.next_out = out.data() + produced;
    z.avail_out = piece(out.size() - produced);
    const bool last_input = handed_over == payload.size();
    const int status = ::deflate(&z, last_input ? Z_SYNC_FLUSH : Z_NO_FLUSH);
    if (status != Z_OK && status != Z_BUF_ERROR) zlib_failure(status, "deflate");
    produced = static_cast<std::size_t>(z.next_out - out.data());
    // Room left over after the flush means zlib has written everything.
    if (last_input && z.avail_in == 0 && z.avail_out != 0) break;
  }
  if (produced < sync_flush_tail.size() ||
      !std::equal(sync_flush_tail.begin(), sync_flush_tail.end(), out.begin() + produced - sync_flush_tail.size())) {
    throw std::logic_error("deflate with Z_SYNC_FLUSH did not end with 00 00 ff ff");
  }
  out.resize(produced - sync_flush_tail.size());
  if (parameters_.no_context_takeover) deflateReset(&z);
  return out;
}

MessageInflater::MessageInflater(DeflateParameters parameters, std::uint64_t max_message_size)
    : parameters_(parameters), max_message_size_(max_message_size) {
  check_window_bits(parameters);
  auto stream = std::make_unique<z_stream>();
  // The largest window, whatever was agreed: zlib checks a reference against a smaller
  // window only when it also reaches past the output of the same call, so the verdict
  // would depend on how reads fall. 32 KiB holds any window a sender may use.
  const int status = inflateInit2(stream.get(), -max_window_bits);
  if (status != Z_OK) zlib_failure(status, "inflateInit2");
  stream_.reset(stream.release());
}

std::optional<Violation> MessageInflater::inflate(ByteView compressed, Bytes& message) {
  if (compressed.empty()) return std::nullopt;
  for (const std::uint8_t byte : compressed.last(std::min(compressed.size(), last_bytes_.size()))) {
    std::rotate(last_bytes_.begin(), last_bytes_.begin() + 1, last_bytes_.end());
    last_bytes_.back() = byte;
  }
  return run(compressed, message);
}

std::optional<Violation> MessageInflater::finish_message(Bytes& message) {
  // Data that ended on a block boundary at a byte's end is whole: appending the tail
  // would leave a stored block half read, and the next message's data in disorder. Bits
  // left in the last byte (after a partial flush) are where the tail's block begins.
  const bool whole = at_block_boundary_ && bits_held_ == 0;
  tail_kept_ = whole && std::equal(last_bytes_.begin(), last_bytes_.end(), sync_flush_tail.begin());
  last_bytes_ = {};
  if (!whole) {
    if (std::optional<Violation> violation = run(sync_flush_tail, message)) return violation;
    if (!at_block_boundary_) return Violation{Rule::deflate_corrupt_data, "the message ends inside a deflate block"};
  }
  if (parameters_.no_context_takeover) inflateReset(stream_.get());
  return std::nullopt;
}

std::optional<Violation> MessageInflater::run(ByteView compressed, Bytes& message) {
  z_stream& z = *stream_;
  const std::uint64_t limit = max_message_size_;
  // One byte past the limit is enough to know the message is too big.
  const std::uint64_t capacity_limit = limit < std::numeric_limits<std::uint64_t>::max() ? limit + 1 : limit;
  std::array<std::uint8_t, inflate_step> output;  // uninitialized: zlib writes before it is read
  std::size_t handed_over = 0;
  z.avail_in = 0;
  for (;;) {
    hand_over_next_piece(z, compressed, handed_over);
    const std::uint64_t room_to_limit = limit - message.size();
    const std::size_t room =
        room_to_limit >= output.size() ? output.size() : static_cast<std::size_t>(room_to_limit + 1);
    z.next_out = output.data();
    z.avail_out = static_cast<uInt>(room);
    const int status = ::inflate(&z, Z_SYNC_FLUSH);
    const bool output_full = z.avail_out == 0;
    append_within(message, ByteView(output.data(), room - z.avail_out), capacity_limit);
    // zlib may go on past the byte that passed the limit, to an error after it.
    if (message.size() > limit) {
      return Violation{Rule::message_too_big, "at least " + std::to_string(message.size()) +
                                                  " bytes after inflating, limit " + std::to_string(limit)};
    }
    if (status == Z_DATA_ERROR) {
      return Violation{Rule::deflate_corrupt_data, z.msg != nullptr ? z.msg : "inflate failed"};
    }
    if (status != Z_OK && status != Z_STREAM_END && status != Z_BUF_ERROR) zlib_failure(status, "inflate");
    if (status == Z_STREAM_END) {
      restart_stream();
      at_block_boundary_ = true;
      bits_held_ = 0;
    } else {
      at_block_boundary_ = (z.data_type & 128) != 0;  // zlib waits for the next block's header
      bits_held_ = z.data_type & 7;                    // the last byte's bits not yet used
    }
    if (!output_full && z.avail_in == 0 && handed_over == compressed.size()) return std::nullopt;
  }
}

// A BFINAL block ended zlib's stream, but the data goes on (7.2.3.4): a fresh stream
// starts with the window so far, as the blocks after it may refer back into it.
void MessageInflater::restart_stream() {
  z_stream& z = *stream_;
  Bytes window(std::size_t{1} << max_window_bits);
  uInt window_size = 0;
  inflateGetDictionary(&z, window.data(), &window_size);
  inflateReset(&z);
  inflateSetDictionary(&z, window.data(), window_size);
}

}  // namespace wsprobe::codec
