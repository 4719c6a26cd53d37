"""`wsprobe sse` against an event stream server built on Python's standard http.server:
events as EventSource dispatches them, the connection rules of the standard, stream health,
and the bounds of a run."""
import json
import select
import signal
import subprocess
import time
import unittest

from support import WSPROBE, free_port, json_lines, of_type, python_peer, run_wsprobe, serve


class SseClient(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.peer = python_peer("sse_server.py").__enter__()
        cls.base = cls.peer.url

    @classmethod
    def tearDownClass(cls):
        cls.peer.__exit__(None, None, None)

    def sse(self, path, *args, timeout=30):
        return run_wsprobe("sse", self.base + path, *args, timeout=timeout)

    def test_events_as_json_lines_until_max_events(self):
        result = self.sse("events?n=5", "--max-events", "3", "--json")
        self.assertEqual(result.returncode, 0, result.stderr)
        lines = json_lines(result)
        self.assertEqual(lines[0]["type"], "open")
        self.assertEqual(lines[0]["status"], 200)
        self.assertIn({"name": "Content-Type", "value": "text/event-stream"}, lines[0]["headers"])
        events = of_type(lines, "event")
        self.assertEqual([(e["event"], e["data"], e["id"]) for e in events],
                         [("message", "last-event-id=", "1"), ("message", "event 2", "2"), ("message", "event 3", "3")])
        self.assertRegex(events[0]["ts"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
        end = lines[-1]
        self.assertEqual((end["type"], end["end"], end["events"], end["exit_code"]), ("summary", "count", 3, 0))

    def test_reconnects_after_the_body_ends_with_last_event_id(self):
        result = self.sse("events?n=2", "--max-retries", "1", "--retry-interval", "100ms", "--json")
        self.assertEqual(result.returncode, 1)  # gave up after one reconnection
        lines = json_lines(result)
        self.assertEqual([e["id"] for e in of_type(lines, "event")], ["1", "2", "3", "4"])
        self.assertEqual(of_type(lines, "event")[2]["data"], "last-event-id=2")
        reconnect, = of_type(lines, "reconnect")
        self.assertEqual((reconnect["retry_in_ms"], reconnect["last_event_id"]), (100, "2"))
        self.assertEqual([e["reconnecting"] for e in of_type(lines, "error")], [True, False])
        self.assertEqual(lines[-1]["end"], "gave_up")

    def test_retry_field_sets_the_reconnection_time(self):
        started = time.monotonic()
        result = self.sse("events?n=1&retry=150", "--max-retries", "1", "--json")
        self.assertLess(time.monotonic() - started, 2.5)  # not the 3 s default
        lines = json_lines(result)
        self.assertEqual(of_type(lines, "retry")[0]["reconnection_ms"], 150)
        self.assertEqual(of_type(lines, "reconnect")[0]["retry_in_ms"], 150)

    def test_last_event_id_option_is_sent_from_the_first_request(self):
        result = self.sse("events?n=1", "--last-event-id", "41", "--max-events", "1", "--json")
        self.assertEqual(result.returncode, 0, result.stderr)
        event, = of_type(json_lines(result), "event")
        self.assertEqual((event["data"], event["id"]), ("last-event-id=41", "42"))

    def test_status_other_than_200_fails_for_good(self):
        for status in ("404", "500", "503"):
            with self.subTest(status=status):
                result = self.sse("status/" + status, "--retry-interval", "100ms", "--json")
                self.assertEqual(result.returncode, 1)
                lines = json_lines(result)
                self.assertEqual(of_type(lines, "reconnect"), [])
                error, = of_type(lines, "error")
                self.assertFalse(error["reconnecting"])
                self.assertIn(f"status {status}", error["message"])
                self.assertTrue(result.stderr.startswith(f"wsprobe: error: status {status}"), result.stderr)
                refused, = of_type(lines, "refused")
                self.assertEqual((refused["status"], refused["body"], refused["body_complete"]),
                                 (int(status), "data: never seen\n\n", True))

    def test_a_huge_retry_is_reported_as_the_time_used_and_v_says_what_was_discarded(self):
        result = self.sse("events?n=1&retry=" + "1" * 27, "--max-events", "1", "--json", "-v")
        self.assertEqual(result.returncode, 0, result.stderr)
        lines = json_lines(result)
        retry, = of_type(lines, "retry")
        self.assertEqual(retry["reconnection_ms"], 86_400_000)  # a day at most, and below 2^53
        result = self.sse("events?n=1&retry=soon", "--max-events", "1", "-v")
        self.assertIn("discarded: a retry field that is not all digits: 'soon'", result.stdout)
        self.assertRegex(result.stdout, r"^\d\d:\d\d:\d\d\.\d{3} open: 200 ")  # status lines have their time

    def test_a_refusal_shows_its_head_and_body_and_says_why_once(self):
        result = self.sse("status/503", "-v")
        self.assertEqual(result.returncode, 1)
        self.assertRegex(result.stdout, r"refused: 503 text/event-stream over HTTP/1\.[01], 18 bytes of body")
        self.assertIn("< Content-Type: text/event-stream", result.stdout)
        self.assertIn("< data: never seen", result.stdout)
        self.assertNotIn("status 503", result.stdout)  # the reason is stderr's, printed once
        self.assertEqual(result.stderr.count("status 503"), 1, result.stderr)

    def test_the_body_of_a_refusal_that_never_ends_is_read_briefly(self):
        started = time.monotonic()
        result = self.sse("type?value=text/html&hold=30", "--json")
        self.assertEqual(result.returncode, 1)
        self.assertLess(time.monotonic() - started, 10)  # the server holds the body open for 30 s
        refused, = of_type(json_lines(result), "refused")
        self.assertFalse(refused["body_complete"])

    def test_204_ends_without_reconnecting(self):
        result = self.sse("status/204", "--json")
        self.assertEqual(result.returncode, 1)  # no event came first
        result = self.sse("then-204", "--retry-interval", "100ms", "--json")
        self.assertEqual(result.returncode, 0, result.stdout)  # a planned end after two events
        lines = json_lines(result)
        self.assertEqual(len(of_type(lines, "event")), 2)
        self.assertEqual(lines[-1]["end"], "no_content")

    def test_content_type_must_be_text_event_stream_parameters_allowed(self):
        for value, code in (("text/plain", 1), ("text/html", 1), ("", 1),
                            ("text/event-stream;charset=utf-8", 0), ("TEXT/Event-Stream", 0)):
            with self.subTest(content_type=value):
                query = f"type?value={value}" if value else "type"
                result = self.sse(query, "--max-events", "1", "--retry-interval", "100ms")
                self.assertEqual(result.returncode, code, result.stdout + result.stderr)
        result = self.sse("type?value=text/event-stream;charset=windows-1252", "--max-events", "1", "--json")
        self.assertIn("sse.charset", [w["id"] for w in of_type(json_lines(result), "warning")])

    def test_burst_after_silence_is_reported_with_evidence(self):
        result = self.sse("burst", "--max-events", "7", "--json")
        self.assertEqual(result.returncode, 0, result.stderr)
        lines = json_lines(result)
        burst, = [w for w in of_type(lines, "warning") if w["id"] == "sse.burst"]
        self.assertIn("5 events arrived within", burst["message"])
        self.assertIn("(ids 3 to 7)", burst["message"])
        self.assertIn("buffering", burst["message"])
        self.assertGreater(lines[-1]["longest_gap_ms"], 1100)
        self.assertEqual(lines[-1]["bursts"], 1)

    def test_compressed_stream_is_decoded_and_flagged(self):
        result = self.sse("gzip", "--max-events", "3", "--json")
        self.assertEqual(result.returncode, 0, result.stderr)
        lines = json_lines(result)
        self.assertEqual([e["data"] for e in of_type(lines, "event")], ["zipped 1", "zipped 2", "zipped 3"])
        warnings = [w["id"] for w in of_type(lines, "warning")]
        self.assertIn("sse.content-encoding", warnings)
        self.assertIn("sse.cache-control", warnings)

    def test_redirects_are_followed(self):
        result = self.sse("redirect", "--max-events", "2", "--json")
        self.assertEqual(result.returncode, 0, result.stderr)
        opened = of_type(json_lines(result), "open")[0]
        self.assertEqual(opened["redirects"], 1)
        self.assertTrue(opened["url"].endswith("/events?n=2"))

    def test_human_output_comments_and_raw(self):
        result = self.sse("events?n=2", "--max-events", "2", "--show-comments")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn(" : keep-alive", result.stdout)
        self.assertRegex(result.stdout, r"\d\d:\d\d:\d\d\.\d{3} message id=2  event 2")
        self.assertIn("end: --max-events reached; 2 events", result.stdout)
        raw = self.sse("events?n=2", "--max-events", "2", "--raw")
        self.assertEqual(raw.stdout, ": keep-alive\n\nid: 1\ndata: last-event-id=\n\nid: 2\ndata: event 2\n\n")
        self.assertIn("end: --max-events reached", raw.stderr)

    def test_duration_and_timeout_bound_the_run(self):
        started = time.monotonic()
        result = self.sse("events?n=1000&interval=0.05", "--duration", "500ms", "--json")
        self.assertLess(time.monotonic() - started, 3)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(json_lines(result)[-1]["end"], "duration")
        result = self.sse("events?n=1000&interval=0.05", "--timeout", "500ms")
        self.assertEqual(result.returncode, 4)

    def test_event_over_max_event_size_fails(self):
        result = self.sse("events?n=2", "--max-event-size", "10", "--json")
        self.assertEqual(result.returncode, 1)
        error, = of_type(json_lines(result), "error")
        self.assertIn("event larger than the limit", error["message"])


class AgainstWsprobeServe(unittest.TestCase):
    """`wsprobe serve`'s GET /sse, with the faults its query string chooses."""

    @classmethod
    def setUpClass(cls):
        cls.server = serve("--sse-interval", "30ms", "--sse-retry", "100ms").__enter__()
        cls.base = cls.server.url.replace("ws://", "http://") + "sse"

    @classmethod
    def tearDownClass(cls):
        cls.server.__exit__(None, None, None)

    def sse(self, query, *args):
        return run_wsprobe("sse", self.base + query, "--json", *args)

    def test_numbered_events_resumed_after_last_event_id(self):
        lines = json_lines(self.sse("", "--max-events", "3", "--last-event-id", "41"))
        self.assertEqual([e["id"] for e in of_type(lines, "event")], ["42", "43", "44"])
        self.assertEqual(of_type(lines, "retry")[0]["reconnection_ms"], 100)

    def test_the_server_ends_the_body_and_the_client_resumes(self):
        result = self.sse("?close-after=2", "--max-events", "4")
        self.assertEqual(result.returncode, 0, result.stderr)
        lines = json_lines(result)
        self.assertEqual([e["data"] for e in of_type(lines, "event")], ["tick 1", "tick 2", "tick 3", "tick 4"])
        self.assertEqual([(r["retry_in_ms"], r["last_event_id"]) for r in of_type(lines, "reconnect")], [(100, "2")])

    def test_status_and_content_type_faults_fail_without_reconnecting(self):
        for query in ("?status=503", "?status=404", "?status=204", "?type=text%2Fplain"):
            with self.subTest(query=query):
                result = self.sse(query)
                self.assertEqual(result.returncode, 1)
                self.assertEqual(of_type(json_lines(result), "reconnect"), [])

    def test_held_back_events_are_reported_as_a_burst(self):
        lines = json_lines(self.sse("?burst=4&interval=300", "--max-events", "4"))
        self.assertEqual([w["id"] for w in of_type(lines, "warning")], ["sse.burst"])
        self.assertIn("4 events arrived within", of_type(lines, "warning")[0]["message"])


class SseBounds(unittest.TestCase):
    """Nothing hangs, and every limit does what its help says."""

    @classmethod
    def setUpClass(cls):
        cls.peer = python_peer("sse_server.py").__enter__()
        cls.server = serve("--sse-interval", "20ms").__enter__()

    @classmethod
    def tearDownClass(cls):
        cls.peer.__exit__(None, None, None)
        cls.server.__exit__(None, None, None)

    def test_a_server_that_never_answers_ends_with_exit_4_after_the_connect_timeout(self):
        started = time.monotonic()
        result = run_wsprobe("sse", self.peer.url + "silent", "--connect-timeout", "1s", timeout=20)
        self.assertLess(time.monotonic() - started, 5)
        self.assertEqual(result.returncode, 4, result.stdout)
        self.assertIn("no response within 1s (--connect-timeout)", result.stderr)

    def test_ctrl_c_before_the_stream_opened_is_no_success(self):
        with python_peer("sse_server.py") as peer:
            process = subprocess.Popen([WSPROBE, "sse", peer.url + "silent", "--connect-timeout", "20s"],
                                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            self.assertEqual(peer._read_line(10), "silent request")  # the request is in, unanswered
            process.send_signal(signal.SIGINT)
            _, stderr = process.communicate(timeout=10)
        self.assertEqual(process.returncode, 3)
        self.assertIn(b"interrupted before the stream opened", stderr)

    def test_a_stream_that_never_opens_ends_at_once_unless_retries_are_asked_for(self):
        started = time.monotonic()
        result = run_wsprobe("sse", f"http://127.0.0.1:{free_port()}/", "--json", timeout=20)
        self.assertLess(time.monotonic() - started, 3)
        self.assertEqual(result.returncode, 3)
        lines = json_lines(result)
        self.assertEqual((of_type(lines, "reconnect"), lines[-1]["end"]), ([], "unreachable"))

    def test_max_events_means_n_even_when_one_read_holds_more(self):
        base = self.server.url.replace("ws://", "http://") + "sse"
        result = run_wsprobe("sse", base + "?burst=20&interval=5", "--max-events", "1", "--json")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(len(of_type(json_lines(result), "event")), 1)

    def test_max_events_0_opens_and_takes_no_event(self):
        result = run_wsprobe("sse", self.server.url.replace("ws://", "http://") + "sse", "--max-events", "0", "--json")
        self.assertEqual(result.returncode, 0, result.stderr)
        lines = json_lines(result)
        self.assertEqual((of_type(lines, "open") != [], of_type(lines, "event"), lines[-1]["end"]), (True, [], "count"))

    def test_duration_ends_on_time_on_a_quiet_stream(self):
        base = self.server.url.replace("ws://", "http://") + "sse"
        result = run_wsprobe("sse", base + "?interval=10000", "--duration", "300ms", "--json")
        summary = json_lines(result)[-1]
        self.assertEqual(summary["end"], "duration")
        # The run used to end at curl's next progress call, a second later; the bound is
        # wsprobe's own count, so that a slow process start (ASan, a busy machine) is not in it.
        self.assertGreaterEqual(summary["duration_ms"], 300)
        self.assertLess(summary["duration_ms"], 700)

    def test_to_a_pipe_each_event_still_comes_out_when_the_stream_goes_quiet(self):
        # Output to a pipe is written in blocks, flushed whenever the stream goes quiet: a
        # reader sees the first event long before a block could fill (100 events, 20 s).
        slow = serve("--sse-interval", "200ms")
        with slow as server:
            process = subprocess.Popen([WSPROBE, "sse", server.url.replace("ws://", "http://") + "sse",
                                        "--max-events", "100", "--json"], stdout=subprocess.PIPE, text=True)
            try:
                ready, _, _ = select.select([process.stdout], [], [], 5)
                self.assertTrue(ready, "nothing came out within 5 s")
                self.assertEqual(json.loads(process.stdout.readline())["type"], "open")
                ready, _, _ = select.select([process.stdout], [], [], 5)
                self.assertTrue(ready, "the first event did not come out within 5 s")
                self.assertEqual(json.loads(process.stdout.readline())["type"], "event")
            finally:
                process.kill()
                process.wait(timeout=10)
                process.stdout.close()

    def test_comments_do_not_count_against_max_event_size(self):
        result = run_wsprobe("sse", self.peer.url + "big-comment", "--max-event-size", "100", "--max-events", "2",
                             "--json")
        self.assertEqual(result.returncode, 0, result.stdout[-500:])
        self.assertEqual([event["data"] for event in of_type(json_lines(result), "event")], ["one", "two"])


class SseBadInput(unittest.TestCase):
    def test_a_websocket_url_is_a_usage_error(self):
        result = run_wsprobe("sse", "ws://127.0.0.1:9001/")
        self.assertEqual(result.returncode, 2)
        self.assertIn("needs an http:// or https:// URL", result.stderr)

    def test_a_closed_port_gives_up_as_could_not_connect(self):
        result = run_wsprobe("sse", f"http://127.0.0.1:{free_port()}/", "--max-retries", "1",
                             "--retry-interval", "50ms", "--json")
        self.assertEqual(result.returncode, 3)
        errors = of_type(json_lines(result), "error")
        self.assertIn("connection failed", errors[0]["message"])


if __name__ == "__main__":
    unittest.main()
