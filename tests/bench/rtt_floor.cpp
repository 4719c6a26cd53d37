// The floor for a ping round trip on this machine: a raw TCP ping-pong of the same
// size between two loopback sockets, no WebSocket at all. scripts/rtt_compare.sh
// runs it next to `wsprobe heartbeat` against `wsprobe serve`.
//   rtt_floor [BYTES [ROUNDS [INTERVAL_MS]]]   prints the median round trip in microseconds
// With an interval, both sides sleep between rounds as a heartbeat does, so the floor
// pays the same wake-up costs; back to back, caches and cores stay hot.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

namespace {

int checked(int result, const char* what) {
  if (result < 0) {
    std::perror(what);
    std::exit(1);
  }
  return result;
}

void exchange(int fd, char* buffer, std::size_t size, bool send_first) {
  auto send_all = [&] {
    for (std::size_t sent = 0; sent < size;) sent += static_cast<std::size_t>(checked(static_cast<int>(::send(fd, buffer + sent, size - sent, 0)), "send"));
  };
  auto receive_all = [&] {
    for (std::size_t got = 0; got < size;) {
      const int n = checked(static_cast<int>(::recv(fd, buffer + got, size - got, 0)), "recv");
      if (n == 0) std::exit(1);
      got += static_cast<std::size_t>(n);
    }
  };
  if (send_first) {
    send_all();
    receive_all();
  } else {
    receive_all();
    send_all();
  }
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t size = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 19;
  const int rounds = argc > 2 ? std::atoi(argv[2]) : 1000;
  const auto interval = std::chrono::milliseconds(argc > 3 ? std::atoi(argv[3]) : 0);

  const int listener = checked(::socket(AF_INET, SOCK_STREAM, 0), "socket");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  checked(::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address), "bind");
  socklen_t length = sizeof address;
  checked(::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length), "getsockname");
  checked(::listen(listener, 1), "listen");

  // The echo side is another process, as `wsprobe serve` is for `wsprobe heartbeat`.
  const pid_t echo = checked(::fork(), "fork");
  if (echo == 0) {
    const int fd = checked(::accept(listener, nullptr, nullptr), "accept");
    const int on = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    std::vector<char> buffer(size);
    for (int i = 0; i < rounds; ++i) exchange(fd, buffer.data(), size, false);
    ::close(fd);
    std::_Exit(0);
  }

  const int client = checked(::socket(AF_INET, SOCK_STREAM, 0), "socket");
  checked(::connect(client, reinterpret_cast<sockaddr*>(&address), sizeof address), "connect");
  const int on = 1;
  ::setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
  std::vector<char> buffer(size, 'p');
  std::vector<double> micros;
  for (int i = 0; i < rounds; ++i) {
    if (interval.count() > 0) std::this_thread::sleep_for(interval);
    const auto start = std::chrono::steady_clock::now();
    exchange(client, buffer.data(), size, true);
    micros.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count());
  }
  ::waitpid(echo, nullptr, 0);
  ::close(client);
  ::close(listener);
  std::nth_element(micros.begin(), micros.begin() + static_cast<long>(micros.size() / 2), micros.end());
  std::printf("%.1f\n", micros[micros.size() / 2]);
}
