#include "net/stream.h"

#include <openssl/err.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <stdexcept>

#include "net/tls.h"

namespace wsprobe::net {
namespace {

using Status = Stream::Io::Status;

Stream::Io moved(std::size_t bytes) { return {Status::moved, bytes, Stream::Wait::readable, {}}; }
Stream::Io blocked(Stream::Wait wait) { return {Status::blocked, 0, wait, {}}; }
Stream::Io ended() { return {Status::end, 0, Stream::Wait::readable, {}}; }
Stream::Io failed(std::string error) { return {Status::failed, 0, Stream::Wait::readable, std::move(error)}; }

// The result of recv() or send() on the non-blocking socket.
Stream::Io socket_result(ssize_t result, Stream::Wait wait) {
  if (result > 0) return moved(static_cast<std::size_t>(result));
  if (result == 0) return ended();
  if (errno == EAGAIN || errno == EWOULDBLOCK) return blocked(wait);
  return failed(std::strerror(errno));
}

int tls_size(std::size_t size) { return static_cast<int>(std::min<std::size_t>(size, INT_MAX)); }

}  // namespace

Stream::Stream(UniqueFd fd, SSL_CTX* tls) : fd_(std::move(fd)) {
  if (!tls) return;
  ssl_.reset(SSL_new(tls));
  if (!ssl_ || SSL_set_fd(ssl_.get(), fd_.get()) != 1) throw std::runtime_error("SSL_new: " + last_tls_error());
  SSL_set_accept_state(ssl_.get());
}

Stream::Io Stream::read(codec::MutableByteView buffer) {
  if (ssl_ && !write_shut_) {
    ERR_clear_error();  // SSL_get_error reads the thread's queue: start it empty
    return tls_result(SSL_read(ssl_.get(), buffer.data(), tls_size(buffer.size())));
  }
  ssize_t result;
  do {
    result = ::recv(fd_.get(), buffer.data(), buffer.size(), 0);
  } while (result < 0 && errno == EINTR);
  return socket_result(result, Wait::readable);
}

Stream::Io Stream::write(codec::ByteView bytes) {
  if (ssl_) {
    ERR_clear_error();
    return tls_result(SSL_write(ssl_.get(), bytes.data(), tls_size(bytes.size())));
  }
  ssize_t result;
  do {
    result = ::send(fd_.get(), bytes.data(), bytes.size(), MSG_NOSIGNAL);
  } while (result < 0 && errno == EINTR);
  return socket_result(result, Wait::writable);
}

Stream::Io Stream::tls_result(int result) {
  if (result > 0) return moved(static_cast<std::size_t>(result));
  const int saved_errno = errno;
  switch (SSL_get_error(ssl_.get(), result)) {
    case SSL_ERROR_WANT_READ:
      return blocked(Wait::readable);
    case SSL_ERROR_WANT_WRITE:
      return blocked(Wait::writable);
    case SSL_ERROR_ZERO_RETURN:
      return ended();
    case SSL_ERROR_SYSCALL:
      ERR_clear_error();
      return failed(saved_errno != 0 ? std::strerror(saved_errno) : "TLS: the connection broke");
    default:
      return failed("TLS: " + last_tls_error());
  }
}

void Stream::shutdown_write() {
  if (write_shut_) return;
  write_shut_ = true;
  if (ssl_) {
    // One try: the client learns of the end from the Close frame and the FIN anyway.
    ERR_clear_error();
    SSL_shutdown(ssl_.get());
    ERR_clear_error();
  }
  ::shutdown(fd_.get(), SHUT_WR);
}

}  // namespace wsprobe::net
