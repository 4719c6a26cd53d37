#pragma once
// A non-blocking TCP connection, plain or TLS, as an event loop reads and writes
// it: every call returns at once, saying how many bytes moved or what to wait for.
#include <openssl/ssl.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "codec/bytes.h"
#include "net/fd.h"

namespace wsprobe::net {

class Stream {
 public:
  // What a blocked call waits for. TLS can need the other direction than the call's
  // own: SSL_read may have to write (handshake), SSL_write may have to read.
  enum class Wait : std::uint8_t { readable, writable };

  struct Io {
    enum class Status : std::uint8_t {
      moved,    // `bytes` > 0 were read or written
      blocked,  // try again once the socket is `wait`
      end,      // the peer closed its side (TCP FIN, or TLS close_notify)
      failed,   // `error` says why
    };
    Status status = Status::moved;
    std::size_t bytes = 0;
    Wait wait = Wait::readable;
    std::string error;
  };

  // `tls` is the server context for a wss:// connection, nullptr for ws://; the TLS
  // handshake happens in the first reads.
  Stream(UniqueFd fd, SSL_CTX* tls);

  Io read(codec::MutableByteView buffer);
  Io write(codec::ByteView bytes);
  bool tls() const { return ssl_ != nullptr; }

  // Ends our direction: TLS close_notify, then TCP FIN, so the client sees the
  // server close first (RFC 6455 7.1.1). Reads after it skip TLS: they only drain
  // what the client still sends until it closes too.
  void shutdown_write();

  int fd() const { return fd_.get(); }

 private:
  struct SslFree {
    void operator()(SSL* ssl) const { SSL_free(ssl); }
  };

  Io tls_result(int result);

  UniqueFd fd_;
  std::unique_ptr<SSL, SslFree> ssl_;
  bool write_shut_ = false;
};

}  // namespace wsprobe::net
