#include "net/client.h"

#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "base/errors.h"
#include "net/curl_easy.h"
#include "net/signals.h"

namespace wsprobe::net {

double elapsed_ms(Clock::time_point start, Clock::time_point end) {
  return std::chrono::duration<double, std::milli>(end - start).count();
}

std::unique_ptr<Connection> Connection::open(const ConnectSettings& settings, Deadline deadline) {
  std::unique_ptr<Connection> connection(new Connection);
  connection->curl_ = std::make_unique<CurlEasy>();
  CurlEasy& curl = *connection->curl_;
  // curl speaks http(s) here: Debian 12's libcurl has no ws:// support, and we only
  // want its connection anyway.
  const WsUrl& url = settings.url;
  const std::string target = curl_url(url, "/");
  curl.set(CURLOPT_URL, target.c_str());
  curl.set(CURLOPT_CONNECT_ONLY, 1L);
  curl.set(CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_1_1));  // ALPN offers http/1.1 only
  curl.set(CURLOPT_HTTPPROXYTUNNEL, 1L);  // a ws:// URL through an HTTP proxy needs CONNECT too
  curl.configure(settings, deadline);

  const CURLcode result = curl_easy_perform(curl.get());
  if (result != CURLE_OK) throw curl.connect_failure(result, url.text());

  curl_socket_t socket = CURL_SOCKET_BAD;
  curl_easy_getinfo(curl.get(), CURLINFO_ACTIVESOCKET, &socket);
  connection->socket_ = static_cast<int>(socket);
  connection->timings_ = curl.timings(url.secure);
  connection->endpoints_ = curl.endpoints();
  if (url.secure) connection->tls_ = curl.tls_details();
  // With no TLS handshake seen, to the server or to an https:// proxy, the socket
  // carries our bytes as they are.
  connection->plain_socket_ = !url.secure && curl.watching_tls() && !curl.tls_details();
  return connection;
}

Connection::~Connection() = default;

bool Connection::wait_for_socket(bool for_write, Deadline deadline) {
  for (;;) {
    // A command that handles Ctrl-C itself must not stay stuck in a wait with no deadline.
    if (stop_requested()) throw Error(ErrorKind::timeout, "interrupted while waiting for the server");
    // Rounded up: a wait must not end before its deadline, or callers see time left.
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return false;
    pollfd entry{socket_, static_cast<short>(for_write ? POLLOUT : POLLIN), 0};
    // Woken at least every 100 ms to see a stop request.
    const int ready = ::poll(&entry, 1, static_cast<int>(std::min<long long>(left, 100)));
    if (ready > 0) return true;
    if (ready < 0 && errno != EINTR) return true;  // let curl report the socket's error
  }
}

std::size_t Connection::try_send(codec::ByteView data) {
  if (plain_socket_) {
    const ssize_t sent = ::send(socket_, data.data(), data.size(), MSG_NOSIGNAL);
    if (sent >= 0) return static_cast<std::size_t>(sent);
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return 0;
    throw Error(ErrorKind::connect, std::string("the connection broke while sending (") + std::strerror(errno) + ")");
  }
  std::size_t sent = 0;
  const CURLcode result = curl_easy_send(curl_->get(), data.data(), data.size(), &sent);
  if (result == CURLE_AGAIN) return 0;
  if (result != CURLE_OK) {
    throw Error(ErrorKind::connect, std::string("the connection broke while sending (") + curl_easy_strerror(result) + ")");
  }
  return sent;
}

void Connection::send_all(codec::ByteView data, Deadline deadline) {
  while (!data.empty()) {
    const std::size_t sent = try_send(data);
    if (sent == 0 && !wait_for_socket(true, deadline)) throw Error(ErrorKind::timeout, "timed out sending to the server");
    data = data.subspan(sent);
  }
}

ReadResult Connection::try_read(codec::MutableByteView buffer) {
  if (plain_socket_) {
    const ssize_t received = ::recv(socket_, buffer.data(), buffer.size(), 0);
    if (received > 0) return ReadResult{ReadStatus::data, static_cast<std::size_t>(received)};
    if (received == 0) return ReadResult{ReadStatus::eof};
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return ReadResult{ReadStatus::would_block};
    return ReadResult{ReadStatus::reset, 0, std::strerror(errno)};
  }
  std::size_t received = 0;
  const CURLcode result = curl_easy_recv(curl_->get(), buffer.data(), buffer.size(), &received);
  if (result == CURLE_OK) return received == 0 ? ReadResult{ReadStatus::eof} : ReadResult{ReadStatus::data, received};
  if (result == CURLE_AGAIN) return ReadResult{ReadStatus::would_block};
  const int error_number = errno;
  return ReadResult{ReadStatus::reset, 0,
                    error_number == ECONNRESET ? std::strerror(error_number) : curl_easy_strerror(result)};
}

ReadResult Connection::read_some(codec::MutableByteView buffer, Deadline deadline) {
  for (;;) {
    const ReadResult result = try_read(buffer);
    if (result.status != ReadStatus::would_block) return result;
    if (!wait_for_socket(false, deadline)) return ReadResult{ReadStatus::timeout};
  }
}

}  // namespace wsprobe::net
