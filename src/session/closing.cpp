#include "session/closing.h"

#include "codec/close.h"
#include "codec/frame.h"
#include "codec/mask.h"

namespace wsprobe::session {
namespace {

class CloseWatcher : public codec::MessageHandler {
 public:
  CloseWatcher(CloseExchange& result, const FrameObserver& observe) : result_(result), observe_(observe) {}

  void on_frame(const codec::FrameHeader& header) override {
    if (observe_) observe_(header);
  }
  void on_message(codec::Opcode, codec::ByteView) override { ++result_.messages_before_close; }
  void on_close(const codec::CloseFrame& close) override { result_.server_close = close; }
  void on_violation(const codec::Violation& violation) override { result_.violation = violation; }

 private:
  CloseExchange& result_;
  const FrameObserver& observe_;
};

}  // namespace

std::string_view tcp_end_name(TcpEnd end) {
  switch (end) {
    case TcpEnd::closed_by_server: return "closed_by_server";
    case TcpEnd::reset: return "reset";
    case TcpEnd::left_open: return "left_open";
    case TcpEnd::closed_by_client: return "closed_by_client";
  }
  return "";
}

CloseExchange exchange_close(net::Connection& connection, codec::Bytes already_read,
                             const codec::AssemblerOptions& options, std::uint16_t code, const std::string& reason,
                             net::Deadline deadline, const FrameObserver& observe) {
  CloseExchange result;
  const codec::Bytes frame =
      codec::build_frame({.fin = true, .opcode = static_cast<std::uint8_t>(codec::Opcode::close), .masked = true,
                          .mask_key = codec::random_mask_key()},
                         codec::build_close_payload(code, reason));
  connection.send_all(frame, deadline);
  const auto sent_at = net::Clock::now();

  CloseWatcher watcher(result, observe);
  codec::MessageAssembler assembler(options, watcher);
  auto close_or_violation = [&] { return result.server_close.has_value() || result.violation.has_value(); };
  if (!already_read.empty()) {
    assembler.feed(already_read);
    if (result.server_close) result.close_ms = 0;
  }

  // Once the server's Close (or a violation) is in, the rest of the stream only
  // matters for how TCP ends; bytes after a Close are not processed (7.1.7).
  codec::Bytes buffer(64 * 1024);
  for (;;) {
    const net::ReadResult read = connection.read_some(buffer, deadline);
    if (read.status == net::ReadStatus::timeout) return result;  // TCP left open
    if (read.status != net::ReadStatus::data) {
      result.tcp = read.status == net::ReadStatus::eof ? TcpEnd::closed_by_server : TcpEnd::reset;
      result.tcp_error = read.error;
      result.tcp_end_ms = net::elapsed_ms(sent_at);
      return result;
    }
    if (!close_or_violation()) {
      assembler.feed(codec::MutableByteView(buffer.data(), read.size));
      if (result.server_close) result.close_ms = net::elapsed_ms(sent_at);
    }
    if (net::Clock::now() >= deadline) return result;  // a server that never stops sending cannot hold us
  }
}

}  // namespace wsprobe::session
