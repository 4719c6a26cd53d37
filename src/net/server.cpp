#include "net/server.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <optional>
#include <stdexcept>

#include "base/errors.h"
#include "net/stream.h"

namespace wsprobe::net {
namespace {

constexpr std::uint64_t listener_id = 0;
constexpr std::uint64_t signals_id = 1;
constexpr std::uint64_t first_connection_id = 2;

constexpr std::size_t read_size = 64 * 1024;
// Reads in a row for one connection before the others get a turn.
constexpr int reads_per_turn = 16;
// From the server's Close (or refusal) to TCP closed: time to flush and for the
// client to close its side.
constexpr Milliseconds closing_timeout{5'000};
// How long a stopping server waits for connections to finish their closing handshake.
constexpr Milliseconds stop_grace{2'000};
// After running out of file descriptors, the listener rests instead of spinning.
constexpr Milliseconds accept_pause{100};

[[noreturn]] void fail_system(const std::string& what) {
  throw Error(ErrorKind::connect, what + " (" + std::strerror(errno) + ")");
}

// "127.0.0.1:9001", "[::1]:9001"
std::string address_text(const sockaddr* address) {
  char host[INET6_ADDRSTRLEN] = "?";
  if (address->sa_family == AF_INET6) {
    const auto* v6 = reinterpret_cast<const sockaddr_in6*>(address);
    inet_ntop(AF_INET6, &v6->sin6_addr, host, sizeof host);
    return "[" + std::string(host) + "]:" + std::to_string(ntohs(v6->sin6_port));
  }
  const auto* v4 = reinterpret_cast<const sockaddr_in*>(address);
  inet_ntop(AF_INET, &v4->sin_addr, host, sizeof host);
  return std::string(host) + ":" + std::to_string(ntohs(v4->sin_port));
}

void raise_open_file_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);  // best effort: the server still works, with fewer connections
  }
}

UniqueFd listen_on(const std::string& host, std::uint16_t port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const int status = getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found);
  if (status != 0) throw usage_error("cannot listen on --host " + host + " (" + gai_strerror(status) + ")");
  const std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> addresses(found, freeaddrinfo);

  const std::string where = address_text(found->ai_addr);
  UniqueFd fd(socket(found->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd) fail_system("cannot listen on " + where + ": socket");
  const int on = 1;
  setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);  // restart at once despite TIME_WAIT
  if (bind(fd.get(), found->ai_addr, found->ai_addrlen) != 0) {
    if (errno == EADDRNOTAVAIL) {
      throw usage_error("cannot listen on --host " + host + " (" + std::strerror(errno) + ")",
                        "use an address of this machine, such as 127.0.0.1 or ::1");
    }
    const bool in_use = errno == EADDRINUSE;
    throw Error(ErrorKind::connect, "cannot listen on " + where + " (" + std::strerror(errno) + ")",
                  in_use ? "choose another --port, or --port 0 for a free one" : "");
  }
  if (listen(fd.get(), SOMAXCONN) != 0) fail_system("cannot listen on " + where);
  return fd;
}

void watch(int epoll, int operation, int fd, std::uint32_t events, std::uint64_t id) {
  epoll_event event{};
  event.events = events;
  event.data.u64 = id;
  if (epoll_ctl(epoll, operation, fd, &event) != 0) fail_system("epoll_ctl");
}

std::uint32_t epoll_bit(Stream::Wait wait) { return wait == Stream::Wait::readable ? EPOLLIN : EPOLLOUT; }

}  // namespace

struct Server::Connection {
  Connection(std::uint64_t id, std::string peer, Stream stream, std::unique_ptr<ServedConnection> protocol)
      : id(id), peer(std::move(peer)), stream(std::move(stream)), session(*protocol), protocol(std::move(protocol)) {}

  const std::uint64_t id;
  const std::string peer;  // "127.0.0.1:50312", for the log
  Stream stream;
  ServedConnection& session;
  std::unique_ptr<ServedConnection> protocol;  // owns `session`
  // What the last blocked read and write waited for (TLS may swap them).
  Stream::Wait read_wait = Stream::Wait::readable;
  Stream::Wait write_wait = Stream::Wait::writable;
  std::uint32_t interest = EPOLLIN;  // as registered with epoll
  bool lingering = false;            // our side is shut: draining until the client closes too
  Timer timer = Timer::none;
  Clock::time_point deadline;
};

Server::Server(ServerOptions options)
    : options_(std::move(options)), next_id_(first_connection_id), scratch_(read_size) {
  raise_open_file_limit();
  listener_ = listen_on(options_.host, options_.port);
  sockaddr_storage bound{};
  socklen_t size = sizeof bound;
  if (getsockname(listener_.get(), reinterpret_cast<sockaddr*>(&bound), &size) != 0) fail_system("getsockname");
  url_ = std::string(options_.tls ? "wss" : "ws") + "://" + address_text(reinterpret_cast<sockaddr*>(&bound)) + "/";

  // TLS writes go through write(2), which has no MSG_NOSIGNAL.
  signal(SIGPIPE, SIG_IGN);
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  sigprocmask(SIG_BLOCK, &stop_signals, nullptr);
  signals_.reset(signalfd(-1, &stop_signals, SFD_NONBLOCK | SFD_CLOEXEC));
  if (!signals_) fail_system("signalfd");

  epoll_.reset(epoll_create1(EPOLL_CLOEXEC));
  if (!epoll_) fail_system("epoll_create1");
  watch(epoll_.get(), EPOLL_CTL_ADD, listener_.get(), EPOLLIN, listener_id);
  watch(epoll_.get(), EPOLL_CTL_ADD, signals_.get(), EPOLLIN, signals_id);
}

Server::~Server() = default;

void Server::run() {
  std::array<epoll_event, 256> events;
  while (!stopping_ || (!connections_.empty() && Clock::now() < stop_deadline_)) {
    const int count = epoll_wait(epoll_.get(), events.data(), static_cast<int>(events.size()), wait_ms());
    if (count < 0) {
      if (errno == EINTR) continue;
      fail_system("epoll_wait");
    }
    for (int i = 0; i < count; ++i) dispatch(events[static_cast<std::size_t>(i)].data.u64);
    for (const std::uint64_t id : std::exchange(again_, {})) dispatch(id);
    expire_timers();
    if (accepting_paused_ && !stopping_ && Clock::now() >= accept_resume_) {
      watch(epoll_.get(), EPOLL_CTL_MOD, listener_.get(), EPOLLIN, listener_id);
      accepting_paused_ = false;
    }
  }
  connections_.clear();
}

int Server::wait_ms() const {
  if (!again_.empty()) return 0;
  std::optional<Clock::time_point> next;
  auto consider = [&next](Clock::time_point when) { next = next ? std::min(*next, when) : when; };
  if (!timers_.empty()) consider(timers_.begin()->first);
  if (stopping_) consider(stop_deadline_);
  if (accepting_paused_) consider(accept_resume_);
  if (!next) return -1;
  const auto wait = std::chrono::ceil<Milliseconds>(*next - Clock::now()).count();
  return static_cast<int>(std::clamp<decltype(wait)>(wait, 0, 60'000));
}

void Server::dispatch(std::uint64_t id) {
  if (id == listener_id) return accept_connections();
  if (id == signals_id) {
    signalfd_siginfo info;
    while (::read(signals_.get(), &info, sizeof info) == sizeof info) {
    }
    return begin_stop();
  }
  if (auto found = connections_.find(id); found != connections_.end()) progress(*found->second);
}

void Server::accept_connections() {
  while (listener_) {
    sockaddr_storage address{};
    socklen_t size = sizeof address;
    UniqueFd fd(accept4(listener_.get(), reinterpret_cast<sockaddr*>(&address), &size, SOCK_NONBLOCK | SOCK_CLOEXEC));
    if (!fd) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) pause_accepting();
      return;  // EAGAIN: none left; anything else concerns that one connection
    }
    const int on = 1;
    setsockopt(fd.get(), IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);  // echoes go out at once
    const std::uint64_t id = next_id_++;
    const std::string peer = address_text(reinterpret_cast<sockaddr*>(&address));
    std::unique_ptr<Connection> connection;
    try {
      const bool refused = id - first_connection_id < options_.refuse_first;
      connection = std::make_unique<Connection>(id, peer, Stream(std::move(fd), options_.tls),
                                                options_.make_connection(refused));
    } catch (const std::runtime_error& error) {  // SSL_new: out of memory
      if (options_.log) options_.log(peer + " dropped: " + error.what());
      continue;
    }
    watch(epoll_.get(), EPOLL_CTL_ADD, connection->stream.fd(), EPOLLIN, id);
    Connection& added = *connections_.emplace(id, std::move(connection)).first->second;
    set_timer(added, Timer::handshake, Clock::now() + options_.handshake_timeout);
  }
}

void Server::pause_accepting() {
  if (options_.log) options_.log(std::string("not accepting for a moment (") + std::strerror(errno) + ")");
  watch(epoll_.get(), EPOLL_CTL_MOD, listener_.get(), 0, listener_id);
  accepting_paused_ = true;
  accept_resume_ = Clock::now() + accept_pause;
}

void Server::begin_stop() {
  if (stopping_) {
    stop_deadline_ = Clock::now();
    return;
  }
  stopping_ = true;
  accepting_paused_ = false;  // the listener closes below: nothing left to resume
  stop_deadline_ = Clock::now() + stop_grace;
  listener_.reset();  // new connections are refused from here on
  std::vector<std::uint64_t> ids;
  for (const auto& [id, connection] : connections_) ids.push_back(id);
  for (const std::uint64_t id : ids) {
    Connection& connection = *connections_.at(id);
    if (connection.session.phase() == ServedConnection::Phase::handshake) {
      lose(connection, "the server is stopping");
    } else {
      connection.session.go_away();
      emit_log(connection);
      progress(connection);
    }
  }
}

bool Server::reading(const Connection& connection) const {
  return !connection.lingering && connection.session.phase() != ServedConnection::Phase::closing &&
         connection.session.output().size() < output_high_water;
}

void Server::progress(Connection& connection) {
  if (connection.lingering) return drain(connection);
  if (!flush(connection)) return;
  for (int turn = 0; reading(connection); ++turn) {
    if (turn == reads_per_turn) {
      again_.push_back(connection.id);
      break;
    }
    const Stream::Io io = connection.stream.read(scratch_);
    if (io.status == Stream::Io::Status::moved) {
      connection.session.receive(codec::MutableByteView(scratch_).first(io.bytes), Clock::now());
      emit_log(connection);
      if (!flush(connection)) return;
      // A short read drained a plain socket (epoll says when more comes): one recv
      // saved per message. TLS may hold decrypted bytes, so it reads on until blocked.
      if (io.bytes < scratch_.size() && !connection.stream.tls()) {
        connection.read_wait = Stream::Wait::readable;
        break;
      }
    } else if (io.status == Stream::Io::Status::blocked) {
      connection.read_wait = io.wait;
      break;
    } else {
      return lose(connection, io.status == Stream::Io::Status::end ? "the client closed TCP" : io.error);
    }
  }
  update_timer(connection);
  if (connection.session.phase() == ServedConnection::Phase::closing && connection.session.output().empty()) {
    connection.stream.shutdown_write();
    connection.lingering = true;
    return drain(connection);
  }
  update_interest(connection);
}

bool Server::flush(Connection& connection) {
  codec::OutputBuffer& output = connection.session.output();
  while (!output.empty()) {
    const Stream::Io io = connection.stream.write(output.pending());
    if (io.status == Stream::Io::Status::moved) {
      output.consume(io.bytes);
    } else if (io.status == Stream::Io::Status::blocked) {
      connection.write_wait = io.wait;
      return true;
    } else {
      lose(connection, io.status == Stream::Io::Status::end ? "the client closed TCP" : io.error);
      return false;
    }
  }
  return true;
}

void Server::drain(Connection& connection) {
  for (int turn = 0; turn < reads_per_turn; ++turn) {
    const Stream::Io io = connection.stream.read(scratch_);
    if (io.status == Stream::Io::Status::blocked) return update_interest(connection);
    // The client closed its side too (or broke the connection): nothing left to wait for.
    if (io.status != Stream::Io::Status::moved) return close(connection);
  }
  again_.push_back(connection.id);
  update_interest(connection);
}

void Server::lose(Connection& connection, std::string_view why) {
  connection.session.connection_lost(why);
  emit_log(connection);
  close(connection);
}

void Server::close(Connection& connection) {
  if (connection.timer != Timer::none) timers_.erase({connection.deadline, connection.id});
  const std::uint64_t id = connection.id;
  connections_.erase(id);  // closing the socket also removes it from epoll
}

void Server::update_timer(Connection& connection) {
  switch (connection.session.phase()) {
    case ServedConnection::Phase::handshake:
      return;  // set when accepted
    case ServedConnection::Phase::open:
    case ServedConnection::Phase::streaming:
      if (const auto wakeup = connection.session.next_wakeup()) {
        if (connection.timer != Timer::wakeup || connection.deadline != *wakeup) {
          set_timer(connection, Timer::wakeup, *wakeup);
        }
      } else if (connection.timer != Timer::none) {
        set_timer(connection, Timer::none, {});
      }
      return;
    case ServedConnection::Phase::closing:
      if (connection.timer != Timer::closing) set_timer(connection, Timer::closing, Clock::now() + closing_timeout);
      return;
  }
}

void Server::set_timer(Connection& connection, Timer timer, Clock::time_point deadline) {
  if (connection.timer != Timer::none) timers_.erase({connection.deadline, connection.id});
  connection.timer = timer;
  connection.deadline = deadline;
  if (timer != Timer::none) timers_.emplace(deadline, connection.id);
}

void Server::expire_timers() {
  const Clock::time_point now = Clock::now();
  while (!timers_.empty() && timers_.begin()->first <= now) {
    Connection& connection = *connections_.at(timers_.begin()->second);  // timers go with their connections
    if (connection.timer == Timer::handshake) {
      lose(connection, "timed out after " + format_duration(options_.handshake_timeout));
    } else if (connection.timer == Timer::wakeup) {
      set_timer(connection, Timer::none, {});
      connection.session.wake(now);
      emit_log(connection);
      progress(connection);
    } else {
      close(connection);
    }
  }
}

void Server::update_interest(Connection& connection) {
  std::uint32_t wanted = 0;
  if (connection.lingering) {
    wanted |= EPOLLIN;
  } else if (reading(connection)) {
    wanted |= epoll_bit(connection.read_wait);
  }
  if (!connection.session.output().empty()) wanted |= epoll_bit(connection.write_wait);
  if (wanted == connection.interest) return;
  watch(epoll_.get(), EPOLL_CTL_MOD, connection.stream.fd(), wanted, connection.id);
  connection.interest = wanted;
}

void Server::emit_log(Connection& connection) {
  for (const std::string& line : connection.session.take_log()) {
    if (options_.log) options_.log(connection.peer + " " + line);
  }
}

}  // namespace wsprobe::net
