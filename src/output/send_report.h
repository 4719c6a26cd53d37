#pragma once
// What `wsprobe send` prints: each frame sent and received as it happens (human),
// then how the server closed, what a strict server does with those frames, and the
// verdict; or the same as JSON Lines records.
#include <cstdio>
#include <memory>
#include <optional>

#include "output/options.h"
#include "session/reaction.h"

namespace wsprobe::output {

class SendReporter {
 public:
  virtual ~SendReporter() = default;
  virtual void sent(const codec::FrameHeader& header, codec::ByteView payload) = 0;
  virtual void received(const session::TracedFrame& frame) = 0;
  virtual void finish(const session::Reaction& reaction, const std::optional<codec::Violation>& expected,
                      const session::Judgement& judgement, const RunEnd& end) = 0;
};

std::unique_ptr<SendReporter> make_send_reporter(const OutputOptions& options, std::FILE* out);

}  // namespace wsprobe::output
