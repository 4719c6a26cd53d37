#include "session/sse_endpoint.h"

#include <gtest/gtest.h>

namespace wsprobe::session {
namespace {

using std::chrono::milliseconds;
using Clock = SseEndpoint::Clock;

codec::RequestHead get(std::string target, codec::HeaderFields fields = {}) {
  return {"GET", std::move(target), "HTTP/1.1", std::move(fields)};
}

const Clock::time_point t0{};

TEST(SseEndpoint, AnswersGetSseOnly) {
  const SseOptions options;
  EXPECT_TRUE(SseEndpoint::for_request(get("/sse"), options, t0));
  EXPECT_TRUE(SseEndpoint::for_request(get("/sse?interval=5"), options, t0));
  EXPECT_FALSE(SseEndpoint::for_request(get("/"), options, t0));
  EXPECT_FALSE(SseEndpoint::for_request(get("/sse/more"), options, t0));
  EXPECT_FALSE(SseEndpoint::for_request({"POST", "/sse", "HTTP/1.1", {}}, options, t0));
  EXPECT_FALSE(SseEndpoint::for_request(get("/sse", {{"Upgrade", "websocket"}}), options, t0))
      << "an upgrade to /sse is a WebSocket";
}

TEST(SseEndpoint, StartsWithTheHeadACommentAndTheRetryField) {
  auto endpoint = SseEndpoint::for_request(get("/sse"), {milliseconds(100), milliseconds(1500)}, t0);
  EXPECT_EQ(endpoint->start(),
            "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\nConnection: close\r\n"
            "\r\n: wsprobe serve\n\nretry: 1500\n\n");
}

TEST(SseEndpoint, NumberedEventsFallDueEveryIntervalAndResumeAfterLastEventId) {
  auto endpoint = SseEndpoint::for_request(get("/sse", {{"Last-Event-ID", "41"}}), {milliseconds(100), {}}, t0);
  endpoint->start();
  EXPECT_EQ(endpoint->next_due(), t0 + milliseconds(100));
  EXPECT_EQ(endpoint->due(t0 + milliseconds(99)), "");
  EXPECT_EQ(endpoint->due(t0 + milliseconds(100)), "id: 42\ndata: tick 42\n\n");
  EXPECT_EQ(endpoint->due(t0 + milliseconds(310)), "id: 43\ndata: tick 43\n\nid: 44\ndata: tick 44\n\n");
  EXPECT_EQ(endpoint->next_due(), t0 + milliseconds(400));
}

TEST(SseEndpoint, FaultsFromTheQuery) {
  const SseOptions options{milliseconds(1000), {}};
  auto refused = SseEndpoint::for_request(get("/sse?status=503&type=text%2Fplain"), options, t0);
  EXPECT_TRUE(refused->start().starts_with("HTTP/1.1 503 Status\r\nContent-Type: text/plain\r\n"));
  EXPECT_FALSE(refused->next_due()) << "a refusal is one body";

  auto no_content = SseEndpoint::for_request(get("/sse?status=204"), options, t0);
  EXPECT_TRUE(no_content->start().ends_with("Content-Length: 0\r\n\r\n"));

  auto short_stream = SseEndpoint::for_request(get("/sse?close-after=2&interval=10"), options, t0);
  short_stream->start();
  EXPECT_EQ(short_stream->due(t0 + milliseconds(50)), "id: 1\ndata: tick 1\n\nid: 2\ndata: tick 2\n\n");
  EXPECT_FALSE(short_stream->next_due());

  auto bursts = SseEndpoint::for_request(get("/sse?burst=3&interval=10"), options, t0);
  bursts->start();
  EXPECT_EQ(bursts->next_due(), t0 + milliseconds(30));
  EXPECT_EQ(bursts->due(t0 + milliseconds(29)), "");
  EXPECT_EQ(bursts->due(t0 + milliseconds(30)),
            "id: 1\ndata: tick 1\n\nid: 2\ndata: tick 2\n\nid: 3\ndata: tick 3\n\n");
  EXPECT_EQ(bursts->events_sent(), 3u);
}

TEST(SseEndpoint, HostileQueryValuesAreBounded) {
  auto endpoint = SseEndpoint::for_request(get("/sse?interval=0&burst=999999999&status=99999"), {}, t0);
  const std::string head = endpoint->start();
  EXPECT_TRUE(head.starts_with("HTTP/1.1 599 ")) << head;
  auto fast = SseEndpoint::for_request(get("/sse?interval=0&burst=0"), {}, t0);
  fast->start();
  EXPECT_EQ(fast->next_due(), t0 + milliseconds(1));
}

}  // namespace
}  // namespace wsprobe::session
