#pragma once
// Bytes queued for a non-blocking socket: appended at the back, sent from the front.
#include <cstddef>

#include "codec/bytes.h"

namespace wsprobe::codec {

class OutputBuffer {
 public:
  void append(codec::ByteView bytes) {
    codec::Bytes& tail = appendable();
    tail.insert(tail.end(), bytes.begin(), bytes.end());
  }

  // The buffer itself, for a writer that appends to its end in place (frames built
  // where they will be sent from). Only appends, please.
  codec::Bytes& appendable() {
    // Dropping the sent front once it is most of the buffer keeps appends amortised
    // O(1) and the buffer no larger than twice what is unsent.
    if (sent_ > 0 && sent_ >= bytes_.size() / 2) {
      bytes_.erase(bytes_.begin(), bytes_.begin() + static_cast<std::ptrdiff_t>(sent_));
      sent_ = 0;
    }
    return bytes_;
  }

  codec::ByteView pending() const { return codec::ByteView(bytes_).subspan(sent_); }
  std::size_t size() const { return bytes_.size() - sent_; }
  bool empty() const { return size() == 0; }

  // `count` bytes from the front were sent.
  void consume(std::size_t count) {
    sent_ += count;
    if (sent_ < bytes_.size()) return;
    sent_ = 0;
    // After a large message, give the memory back rather than keep it per connection.
    if (bytes_.capacity() > keep_capacity) {
      codec::Bytes().swap(bytes_);
    } else {
      bytes_.clear();
    }
  }

 private:
  static constexpr std::size_t keep_capacity = 256 * 1024;
  codec::Bytes bytes_;
  std::size_t sent_ = 0;
};

}  // namespace wsprobe::codec
