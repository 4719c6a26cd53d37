#pragma once
// The built-in WebSocket server's event loop: one thread, non-blocking sockets and
// epoll, plain TCP or TLS. Each connection's protocol is a ServedConnection (serve's
// ServerSession, in the session layer); the loop moves its bytes, bounds its memory
// and its time, and closes it.
#include <openssl/ssl.h>
#include <signal.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "base/units.h"
#include "codec/bytes.h"
#include "codec/output_buffer.h"
#include "net/fd.h"

namespace wsprobe::net {

// A connection is not read while this much of its output is unsent, and gets no timed
// output (events, pings) either, so a client that does not read cannot make the server
// buffer without bound.
constexpr std::size_t output_high_water = 1024 * 1024;

// One connection's protocol as the loop drives it: bytes in, bytes and log lines out.
class ServedConnection {
 public:
  enum class Phase : std::uint8_t {
    handshake,  // reading the request head
    open,       // upgraded
    streaming,  // sending an event stream
    closing,    // refused, or closing: send what is queued, then close TCP
  };
  using Clock = std::chrono::steady_clock;

  virtual ~ServedConnection() = default;
  // Bytes from the client (the protocol may change them in place, to unmask).
  virtual void receive(codec::MutableByteView bytes, Clock::time_point now) = 0;
  // When wake() has work to do; nullopt: never.
  virtual std::optional<Clock::time_point> next_wakeup() const = 0;
  virtual void wake(Clock::time_point now) = 0;
  // The server is stopping.
  virtual void go_away() = 0;
  // TCP ended before the protocol was closing: `why` is a short phrase.
  virtual void connection_lost(std::string_view why) = 0;
  virtual Phase phase() const = 0;
  // What to send, in order; the loop sends from the front and consumes.
  virtual codec::OutputBuffer& output() = 0;
  // Log lines since the last call, oldest first.
  virtual std::vector<std::string> take_log() = 0;
};

// The protocol for each accepted connection; `refused`: answer the upgrade with 503.
using ConnectionFactory = std::function<std::unique_ptr<ServedConnection>(bool refused)>;

struct ServerOptions {
  std::string host = "127.0.0.1";  // an address, or a name resolved to its first address
  std::uint16_t port = 9001;       // 0: any free port
  SSL_CTX* tls = nullptr;          // not owned, outlives the server; nullptr: plain ws://
  ConnectionFactory make_connection;
  std::uint64_t refuse_first = 0;  // the first N connections are refused with 503 (--refuse-first)
  // How long a client may take from TCP connect to a complete request head.
  Milliseconds handshake_timeout{10'000};
  // Gets one line per connection event ("127.0.0.1:50312 upgraded /chat"); may be empty.
  std::function<void(std::string_view line)> log;
};

class Server {
 public:
  // Listens, raises the open-file limit to its maximum, ignores SIGPIPE and blocks
  // SIGINT and SIGTERM for good: run() reads them from a signalfd, and once it
  // returns the process is ending, so a late signal must not kill it mid-cleanup.
  // Throws Error when it cannot listen.
  explicit Server(ServerOptions options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // "ws://127.0.0.1:9001/", "wss://[::1]:9001/": the address actually bound.
  const std::string& url() const { return url_; }

  // Serves until SIGINT or SIGTERM. Then it stops accepting, sends Close 1001 to open
  // connections and gives them up to 2 s to finish (a second signal ends at once).
  void run();

 private:
  using Clock = std::chrono::steady_clock;
  struct Connection;
  enum class Timer : std::uint8_t { none, handshake, wakeup, closing };

  void dispatch(std::uint64_t id);
  void accept_connections();
  void pause_accepting();
  void begin_stop();
  void progress(Connection& connection);
  bool flush(Connection& connection);
  void drain(Connection& connection);
  void lose(Connection& connection, std::string_view why);
  void close(Connection& connection);
  bool reading(const Connection& connection) const;
  void update_timer(Connection& connection);
  void set_timer(Connection& connection, Timer timer, Clock::time_point deadline);
  void update_interest(Connection& connection);
  void expire_timers();
  int wait_ms() const;
  void emit_log(Connection& connection);

  ServerOptions options_;
  std::string url_;
  UniqueFd listener_;
  UniqueFd signals_;
  UniqueFd epoll_;

  std::unordered_map<std::uint64_t, std::unique_ptr<Connection>> connections_;
  std::uint64_t next_id_;
  std::set<std::pair<Clock::time_point, std::uint64_t>> timers_;  // deadline, connection id
  std::vector<std::uint64_t> again_;   // connections that stopped reading to give others a turn
  std::vector<std::uint8_t> scratch_;  // one read buffer for all connections
  bool accepting_paused_ = false;
  Clock::time_point accept_resume_;
  bool stopping_ = false;
  Clock::time_point stop_deadline_;
};

}  // namespace wsprobe::net
