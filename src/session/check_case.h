#pragma once
// One conformance case run against a server: a connection of its own, the case's
// frames sent as the catalogue writes them, the reaction recorded, and verdicts: the
// judge of `wsprobe send` (what the frames call for, pongs, rules the server breaks
// itself), what the row expects of an echo server, and how the server closed. The
// case's outcome is its worst verdict.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "base/errors.h"
#include "codec/verdict.h"
#include "conformance/catalogue.h"
#include "session/frame_run.h"
#include "session/opener.h"

namespace wsprobe::session {

struct CaseSettings {
  // How long the server has to react once the frames are out; a case whose expected
  // echoes and pongs have all come ends sooner.
  std::chrono::milliseconds wait{1000};
  std::chrono::milliseconds timeout{10'000};  // the whole case: connect, frames, closing
};

struct CaseResult {
  const conformance::Case* test_case = nullptr;
  codec::Outcome outcome = codec::Outcome::fail;
  std::vector<codec::Verdict> verdicts;  // each rule judged, pass or not
  std::string summary;                   // one line: why the outcome
  double duration_ms = 0;
  std::optional<FrameRun> run;           // the frames exchanged; absent when the connection failed
  std::optional<ErrorKind> open_error;   // why the connection failed, when it did
};

CaseResult run_case(const conformance::Case& test_case, const Opener& open, const CaseSettings& settings);

// The outcome of a list of verdicts: the worst of them (fail, then non-strict, then
// informational), or pass.
codec::Outcome worst_outcome(const std::vector<codec::Verdict>& verdicts);

// The messages a strict echo server sends back for `sent`: those its frames make, up to
// the first broken rule or our Close.
std::vector<MessageDigest> expected_echoes(codec::ByteView sent, const std::optional<codec::DeflateAgreement>& deflate);

}  // namespace wsprobe::session
