#pragma once
// One conformance case run against a server: a connection of its own, the case's
// frames sent as the catalogue writes them, the reaction recorded, and verdicts: the
// judge of `wsprobe send` (what the frames call for, pongs, rules the server breaks
// itself), what the row expects of an echo server, and how the server closed. The
// case's outcome is its worst verdict.
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/errors.h"
#include "codec/handshake_check.h"
#include "codec/http.h"
#include "codec/verdict.h"
#include "conformance/catalogue.h"
#include "session/frame_run.h"

namespace wsprobe::session {

struct CaseSettings {
  // How long the server has to react once the frames are out; a case whose expected
  // echoes and pongs have all come ends sooner.
  std::chrono::milliseconds wait{1000};
  std::chrono::milliseconds timeout{10'000};  // the whole case: connect, frames, closing
};

// A case's connection, as far as the opening handshake went: the server's answer,
// upgrade or not, judged.
struct CaseOpening {
  std::unique_ptr<net::Connection> connection;
  codec::RequestHead request;  // as sent, the case's changes made
  codec::ResponseHead response;
  std::string response_text;   // the head as received
  codec::Bytes after_head;
  codec::HandshakeReport report;
  codec::EngineOptions engine;  // what the handshake agreed, for the frames
};
// Connects and sends the opening request with the case's changes. Throws Error only
// when no response head came (no connection, a timeout, or the server closed first).
using CaseOpener = std::function<CaseOpening(const conformance::RequestChanges& changes, net::Deadline deadline)>;

// How the connection ended, judged apart from the messages, as Autobahn's close
// column is: who sent the first Close (or ended TCP), whether the closing was clean,
// and the server's code against the row's set.
struct CloseBehaviour {
  std::string closed_by;  // "server", "wsprobe" or "nobody"
  bool clean = false;     // a Close each way, then the server closed TCP
  std::optional<std::uint16_t> code;  // the server's Close code
  std::string expected;
  codec::Outcome outcome = codec::Outcome::pass;
  std::string detail;  // why, when it did not pass
};

struct CaseResult {
  const conformance::Case* test_case = nullptr;
  codec::Outcome outcome = codec::Outcome::fail;
  std::vector<codec::Verdict> verdicts;  // each rule judged, pass or not
  std::string summary;                   // one line: why the outcome
  double duration_ms = 0;
  std::optional<codec::RequestHead> request;  // the opening request, when one was sent
  std::optional<codec::ResponseHead> response;  // and the response head, when one came
  std::optional<FrameRun> run;           // the frames exchanged; absent without an open connection
  std::optional<CloseBehaviour> close;   // with the run
  std::optional<ErrorKind> open_error;   // why no response came, when none did
};

CaseResult run_case(const conformance::Case& test_case, const CaseOpener& open, const CaseSettings& settings);

// Cases run `jobs` at a time, each on its own connection; `done` sees each result as
// its case ends (one call at a time). Results come back in the order of `cases`;
// once `stop` is set no new case starts, and those not run are left out.
std::vector<CaseResult> run_cases(const std::vector<const conformance::Case*>& cases, const CaseOpener& open,
                                  const CaseSettings& settings, std::size_t jobs, const std::atomic<bool>& stop,
                                  const std::function<void(const CaseResult&)>& done);

// The outcome of a list of verdicts: the worst of them (fail, then non-strict, then
// informational), or pass.
codec::Outcome worst_outcome(const std::vector<codec::Verdict>& verdicts);

// The messages a strict echo server sends back for `sent`: those its frames make, up to
// the first broken rule or our Close.
std::vector<MessageDigest> expected_echoes(codec::ByteView sent, const std::optional<codec::DeflateAgreement>& deflate);

}  // namespace wsprobe::session
