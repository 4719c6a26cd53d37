#include "session/closing.h"

namespace wsprobe::session {
namespace {

class CloseWatcher : public LiveObserver {
 public:
  CloseWatcher(CloseExchange& result, const FrameObserver& observe) : result_(result), observe_(observe) {}

  void state(ReadyState) override {}
  void frame(bool outgoing, const codec::FrameHeader& header, codec::ByteView) override {
    if (!outgoing && observe_) observe_(header);
  }
  void message(codec::Opcode, codec::ByteView) override {
    if (!result_.server_close) ++result_.messages_before_close;
  }
  void ping(codec::ByteView) override {}
  void pong(codec::ByteView) override {}
  void closed(const LiveClose&) override {}

 private:
  CloseExchange& result_;
  const FrameObserver& observe_;
};

}  // namespace

CloseExchange exchange_close(net::Connection& connection, codec::Bytes already_read, codec::EngineOptions options,
                             std::uint16_t code, const std::string& reason, net::Deadline deadline,
                             const FrameObserver& observe) {
  CloseExchange result;
  CloseWatcher watcher(result, observe);
  options.close_timeout = std::chrono::ceil<std::chrono::milliseconds>(deadline - net::Clock::now());
  options.trace_frames = static_cast<bool>(observe);
  LiveSession live(connection, options, watcher);
  live.close(code, reason);
  live.start(std::move(already_read));
  // Until TCP ends or the engine's timeout (the deadline) closes it: frames that come
  // after the server's Close are read and judged, not ignored.
  while (live.state() != ReadyState::closed) live.wait(deadline);

  const LiveClose& record = live.close_report();
  result.server_close = record.received;
  result.violation = record.violation;
  result.close_ms = record.received_after_ms;
  result.tcp = record.tcp;
  result.tcp_end_ms = record.tcp == TcpEnd::left_open ? std::nullopt : record.tcp_end_after_ms;
  result.tcp_error = record.tcp_error;
  return result;
}

}  // namespace wsprobe::session
