#pragma once
// A client connection for every WebSocket subcommand: libcurl opens it with
// CURLOPT_CONNECT_ONLY, so names, proxies (CONNECT tunnels), --resolve, -4/-6, TLS
// and connect timeouts are curl's, and then every byte of the handshake and the
// frames is ours: sent and read through curl_easy_send/curl_easy_recv when TLS is on
// the way (to the server or to the proxy), straight on the socket when not.
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "codec/bytes.h"
#include "net/url.h"

namespace wsprobe::net {

class CurlEasy;

using Clock = std::chrono::steady_clock;
using Deadline = Clock::time_point;

// Milliseconds from `start` to `end`, as printed figures use them.
double elapsed_ms(Clock::time_point start, Clock::time_point end = Clock::now());

enum class IpVersion { any, v4, v6 };

struct ConnectSettings {
  WsUrl url;
  std::optional<std::string> proxy;  // unset: curl reads http_proxy, https_proxy, no_proxy
  std::vector<std::string> resolve;  // HOST:PORT:ADDR
  IpVersion ip_version = IpVersion::any;
  bool insecure = false;
  std::string cacert, cert, key;
  bool proxy_insecure = false;  // for an https:// proxy, as curl's --proxy-insecure
  std::string proxy_cacert;
  std::chrono::milliseconds connect_timeout{10'000};
};

// Durations of each phase in milliseconds; tls is absent for plain TCP.
struct ConnectTimings {
  double dns_ms = 0;
  double tcp_ms = 0;  // TCP connect, and the proxy's CONNECT tunnel when there is one
  std::optional<double> tls_ms;
};

struct TlsDetails {
  std::string version;  // "TLSv1.3"
  std::string cipher;
  std::string alpn;     // empty when none was agreed
  std::string subject, issuer;
  std::vector<std::string> subject_alt_names;  // "DNS:localhost", "IP:127.0.0.1"
  std::string not_after;                       // "2026-11-27T06:00:00Z"
  bool verified = false;       // the chain and name verified (whether or not -k skipped enforcing it)
  std::string verify_result;   // OpenSSL's words: "ok", "self-signed certificate", ...
};

struct Endpoints {
  std::string remote_address;  // the address connected to (the proxy's, through a proxy)
  long remote_port = 0;
  std::string local_address;
  long local_port = 0;
};

enum class ReadStatus {
  data,
  eof,          // the peer closed its side (TCP FIN)
  reset,        // the connection broke (TCP RST, a TLS error)
  timeout,      // read_some: the deadline passed
  would_block,  // try_read: nothing to read now
};

struct ReadResult {
  ReadStatus status;
  std::size_t size = 0;  // bytes read, with ReadStatus::data
  std::string error;     // what the system or TLS said, with ReadStatus::reset
};

class Connection {
 public:
  // Connects (and tunnels, and handshakes TLS). Throws Error: ErrorKind::connect when it
  // cannot, ErrorKind::timeout when `deadline` or the connect timeout passes first.
  static std::unique_ptr<Connection> open(const ConnectSettings& settings, Deadline deadline);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Sends every byte. Throws Error: ErrorKind::timeout at the deadline, ErrorKind::connect when
  // the connection breaks.
  void send_all(codec::ByteView data, Deadline deadline);

  // Waits until bytes arrive, the peer closes, or the deadline passes.
  ReadResult read_some(codec::MutableByteView buffer, Deadline deadline);

  // Without waiting: what can be read now. Drain until would_block before polling
  // socket(): TLS may hold decrypted bytes that poll cannot see.
  ReadResult try_read(codec::MutableByteView buffer);
  // Without waiting: sends what the socket takes now and returns how much (maybe 0).
  // Throws Error(ErrorKind::connect) when the connection broke.
  std::size_t try_send(codec::ByteView data);

  // For poll(2) in event loops.
  int socket() const { return socket_; }
  // No TLS anywhere on the way: a short read drained the socket, as poll(2) sees it.
  bool plain_socket() const { return plain_socket_; }

  const ConnectTimings& timings() const { return timings_; }
  const std::optional<TlsDetails>& tls() const { return tls_; }
  const Endpoints& endpoints() const { return endpoints_; }

 private:
  Connection() = default;
  bool wait_for_socket(bool for_write, Deadline deadline);

  std::unique_ptr<CurlEasy> curl_;
  int socket_ = -1;
  ConnectTimings timings_;
  std::optional<TlsDetails> tls_;
  Endpoints endpoints_;
  // No TLS anywhere on the way: frames go to the socket directly. libcurl would only
  // pass them through, at a cost that showed in heartbeat round trips (about 2 us of
  // 12 on loopback, its code being cold after each pause).
  bool plain_socket_ = false;
};

}  // namespace wsprobe::net
