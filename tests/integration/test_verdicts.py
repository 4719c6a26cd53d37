"""Verdicts judged both ways: for each wrong verdict found in testing, a small peer that
behaves exactly so, and what a strict and fair judge says of it (RFC 6455, RFC 7692,
RFC 9110). Each rule is also checked against a peer that keeps it."""
import unittest

from support import by_type, json_lines, python_peer, run_wsprobe, send_report, serve


def send(url, *frames, extra=(), wait="300ms"):
    args = []
    for frame in frames:
        args += ["--frame", frame]
    # Broken peers often keep TCP open after their Close: a short close timeout keeps runs quick.
    result = run_wsprobe("send", url, *args, "--json", "--wait", wait, "--close-timeout", "500ms", *extra)
    if not result.stdout:
        raise AssertionError(f"send printed nothing (exit {result.returncode}): {result.stderr}")
    return result, send_report(result)


def outcomes(report):
    return {verdict["rule"]: verdict["outcome"] for verdict in report["verdicts"]}


class FramesWithThe101(unittest.TestCase):
    """a. A Pong (or any frame) in the same TCP segment as the 101 is legal."""

    def test_heartbeat_and_reconnect_read_a_pong_that_came_with_the_101(self):
        with python_peer("bad_server.py", "frames", "8a0178") as peer:
            heartbeat = run_wsprobe("heartbeat", peer.url, "--pings", "1", "--interval", "50ms", "--json")
            reconnect = run_wsprobe("reconnect", peer.url, "--duration", "300ms", "--heartbeat", "100ms", "--json")
        self.assertIn(heartbeat.returncode, (0, 1), heartbeat.stderr)  # no signal: the peer answers no pings
        unmatched, = [line for line in json_lines(heartbeat) if line["type"] == "unmatched_pong"]
        self.assertEqual(unmatched["data_hex"], "78")
        self.assertIn(reconnect.returncode, (0, 1), reconnect.stderr)
        self.assertEqual(json_lines(reconnect)[-1]["type"], "summary")

    def test_heartbeat_with_a_pong_in_the_101_segment_against_a_server_that_answers(self):
        with serve() as server:
            result = run_wsprobe("heartbeat", server.url, "--pings", "2", "--interval", "50ms")
        self.assertEqual(result.returncode, 0, result.stderr)


class CloseCodes(unittest.TestCase):
    """b. A server that echoes the client's valid close code is right."""

    def test_every_valid_close_code_echoed_passes(self):
        with serve() as server, python_peer("ws_server.py") as python:
            for url in (server.url, python.url):
                for code in (1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 4999):
                    with self.subTest(url=url, code=code):
                        result, report = send(url, f"close:{code}")
                        self.assertEqual(result.returncode, 0, report["result"])
                        self.assertEqual(report["close"]["code"], code)
                        self.assertEqual(outcomes(report), {"reaction.valid-frames-refused": "pass"})

    def test_a_close_that_only_echoes_ours_is_no_reaction(self):
        # accept-any answers a Close with Close 1000 and nothing else.
        with python_peer("bad_server.py", "accept-any") as lax:
            ignored, ignored_report = send(lax.url, "3:", "close:1000")
            silent, silent_report = send(lax.url, "ping:abc", "close:1000")
        self.assertEqual(ignored.returncode, 1, ignored_report["result"])
        self.assertEqual(outcomes(ignored_report), {"frame.reserved-opcode": "fail"})
        self.assertEqual(silent.returncode, 1, silent_report["result"])
        self.assertEqual(outcomes(silent_report)["pong.missing"], "fail")

    def test_valid_frames_failed_as_a_protocol_error_fail(self):
        with python_peer("bad_server.py", "frames", "880203ea") as peer:  # Close 1002 at once
            result, report = send(peer.url, "text:fine")
            with_close, with_close_report = send(peer.url, "text:fine", "close:1000")  # 1002 is no echo of 1000
        self.assertEqual(result.returncode, 1)
        self.assertEqual(outcomes(report), {"reaction.valid-frames-refused": "fail"})
        self.assertEqual(with_close.returncode, 1)
        self.assertEqual(outcomes(with_close_report), {"reaction.valid-frames-refused": "fail"})


class FramesAfterTheServersClose(unittest.TestCase):
    """c. Data frames after the server's Close are caught whenever they come (5.5.1)."""

    def test_late_data_after_the_close_fails_every_time(self):
        late_text = "810178"
        with python_peer("bad_server.py", "frames-after-close", late_text, "20") as peer:
            for run in range(20):
                handshake = run_wsprobe("handshake", peer.url, "--json")
                self.assertEqual(handshake.returncode, 1, f"run {run}: {handshake.stdout}")
                self.assertEqual(by_type(handshake)["close"]["violation"]["rule"], "message.after-close")
                connect = run_wsprobe("connect", peer.url, "--no-stdin", "--wait", "10ms", "--json")
                self.assertEqual(connect.returncode, 1, f"run {run}: {connect.stdout}")
                result, report = send(peer.url, "text:hi", wait="10ms")
                self.assertEqual(result.returncode, 1, f"run {run}: {report['result']}")
                self.assertEqual(report["violation"]["rule"], "message.after-close")

    def test_data_in_the_same_segment_as_the_close_fails_every_time(self):
        # The peer keeps TCP open afterwards: a short close timeout keeps the runs quick.
        with python_peer("bad_server.py", "frames", "880203e8810178") as peer:
            for run in range(20):
                result = run_wsprobe("handshake", peer.url, "--json", "--close-timeout", "100ms")
                self.assertEqual(result.returncode, 1, f"run {run}: {result.stdout}")

    def test_a_server_that_only_closes_passes(self):
        with serve() as server, python_peer("ws_server.py") as python:
            for url in (server.url, python.url):
                self.assertEqual(run_wsprobe("handshake", url).returncode, 0, url)


class DeliberateBadRequests(unittest.TestCase):
    """d. A request that breaks a rule on purpose expects a refusal (4.2.1, 4.2.2, 4.4)."""

    def test_a_correct_refusal_passes_and_an_acceptance_fails(self):
        with serve() as server, python_peer("bad_server.py", "accept-any") as lax:
            for args, due in ((["--ws-version", "99"], "a Sec-WebSocket-Version other than 13"),
                              (["--ws-key", "abc"], "a malformed Sec-WebSocket-Key")):
                with self.subTest(args):
                    refused = run_wsprobe("handshake", server.url, *args, "--json")
                    self.assertEqual(refused.returncode, 0, refused.stdout)
                    report = by_type(refused)["handshake"]
                    self.assertEqual(report["refusal_due"], due)
                    self.assertEqual({c["outcome"] for c in report["checks"]}, {"pass"})
                    accepted = run_wsprobe("handshake", lax.url, *args, "--json")
                    self.assertEqual(accepted.returncode, 1, accepted.stdout)
                    check, = by_type(accepted)["handshake"]["checks"]
                    self.assertEqual((check["rule"], check["outcome"]), ("handshake.refusal", "fail"))

    def test_accepting_an_earlier_draft_version_is_informational(self):
        with python_peer("bad_server.py", "accept-any") as lax:
            result = run_wsprobe("handshake", lax.url, "--ws-version", "8", "--json")
        self.assertEqual(result.returncode, 0, result.stdout)
        report = by_type(result)["handshake"]
        self.assertEqual(report["checks"][0]["outcome"], "informational")
        self.assertIn("earlier draft", report["checks"][0]["detail"])

    def test_a_refusal_without_the_version_list_fails_4_4(self):
        # Python's websockets answers an unknown version with 400 and no Sec-WebSocket-Version.
        with python_peer("ws_server.py") as python:
            result = run_wsprobe("handshake", python.url, "--ws-version", "99", "--json")
        self.assertEqual(result.returncode, 1, result.stdout)
        failed = [c["rule"] for c in by_type(result)["handshake"]["checks"] if c["outcome"] == "fail"]
        self.assertEqual(failed, ["handshake.version-list"])


class ShouldNotMust(unittest.TestCase):
    """e. Closing TCP without a Close after a protocol error is allowed (7.1.7 SHOULD)."""

    def test_a_drop_without_close_is_non_strict(self):
        with python_peer("bad_server.py", "drop-on-frame") as peer:
            result, report = send(peer.url, "3:")
            strict, _ = send(peer.url, "3:", extra=("--strict",))
        self.assertEqual(result.returncode, 0, report["result"])
        self.assertEqual(outcomes(report), {"frame.reserved-opcode": "pass", "reaction.close-before-failing": "non-strict"})
        self.assertEqual(strict.returncode, 1)


class WhatTheReceiverMayDo(unittest.TestCase):
    """f. Every reaction the RFCs allow passes; the allowed set is in the rule table."""

    def test_a_non_minimal_length_accepted_is_informational(self):
        with python_peer("ws_server.py") as python:
            result, report = send(python.url, "text/len16:short")
        self.assertEqual(result.returncode, 0, report["result"])
        self.assertEqual(outcomes(report)["frame.length-not-minimal"], "informational")
        self.assertEqual(report["expected"]["level"], "MUST")

    def test_a_non_minimal_length_refused_passes(self):
        with serve() as server:
            result, report = send(server.url, "text/len16:short")
        self.assertEqual(result.returncode, 0, report["result"])
        self.assertEqual(outcomes(report), {"frame.length-not-minimal": "pass"})

    def test_a_64_bit_length_with_its_top_bit_set_may_get_1002_or_1009(self):
        huge = "text/len=9223372036854775809:x"
        with serve() as server, python_peer("bad_server.py", "frames", "880203f1") as answers_1009:
            for url, code in ((server.url, 1002), (answers_1009.url, 1009)):
                result, report = send(url, huge)
                self.assertEqual(report["close"]["code"], code)
                self.assertEqual(result.returncode, 0, report["result"])
                self.assertEqual(set(outcomes(report).values()), {"pass"})
                self.assertEqual((report["expected"]["close_code"], report["expected"]["other_close_code"]), (1002, 1009))


class ResponsesThatMustFail(unittest.TestCase):
    """g. A 101 carries no Content-Length or Transfer-Encoding, and is not HTTP/1.0."""

    def test_body_fields_and_http_1_0_fail(self):
        for mode, rule in (("body-fields-101", "handshake.no-body-fields"), ("http10-101", "handshake.http-version")):
            with self.subTest(mode), python_peer("bad_server.py", mode) as peer:
                result = run_wsprobe("handshake", peer.url, "--json")
                connect = run_wsprobe("connect", peer.url, "--no-stdin")
            self.assertEqual(result.returncode, 1, result.stdout)
            failed = [c["rule"] for c in by_type(result)["handshake"]["checks"] if c["outcome"] == "fail"]
            self.assertEqual(failed, [rule])
            self.assertEqual(connect.returncode, 1)
            self.assertIn("invalid handshake response", connect.stderr)


class Pongs(unittest.TestCase):
    """h. A Ping gets a Pong with its data (5.5.2, 5.5.3); the rule is named."""

    def test_no_pong_and_the_wrong_pong_fail_the_right_pong_passes(self):
        with python_peer("bad_server.py", "accept-any") as silent, python_peer("bad_server.py", "pong-other") as other, \
                serve() as server:
            missing, missing_report = send(silent.url, "ping:abc")
            wrong, wrong_report = send(other.url, "ping:abc")
            right, right_report = send(server.url, "ping:abc")
        self.assertEqual(missing.returncode, 1)
        self.assertEqual(outcomes(missing_report)["pong.missing"], "fail")
        self.assertEqual(wrong.returncode, 1)
        pong, = [v for v in wrong_report["verdicts"] if v["rule"] == "pong.payload"]
        self.assertEqual((pong["outcome"], pong["expected"], pong["observed"], pong["section"]),
                         ("fail", "abc", "xyz", "RFC 6455 5.5.3"))
        self.assertEqual(right.returncode, 0)
        self.assertEqual(outcomes(right_report)["pong.payload"], "pass")

    def test_heartbeat_names_the_rule_of_a_lost_ping(self):
        with python_peer("bad_server.py", "accept-any") as silent:
            result = run_wsprobe("heartbeat", silent.url, "--pings", "1", "--interval", "100ms", "--json")
        self.assertEqual(result.returncode, 1)
        lost, = [line for line in json_lines(result) if line["type"] == "lost"]
        self.assertEqual(lost["violation"]["rule"], "pong.missing")
        self.assertIn("RFC 6455 5.5.2", result.stderr)


class InvalidCloseInJson(unittest.TestCase):
    """i. send --json shows an invalid Close as received, with its violation."""

    def test_an_invalid_close_code_is_shown_with_its_rule(self):
        with python_peer("bad_server.py", "frames", "880203ed") as peer:  # 1005 may not be sent
            result, report = send(peer.url, "text:hi")
        self.assertEqual(result.returncode, 1)
        close = report["close"]
        self.assertEqual((close["received"], close["code"], close["valid"]), (True, 1005, False))
        self.assertEqual(close["violation"]["rule"], "close.invalid-code")
        self.assertEqual(outcomes(report)["close.invalid-code"], "fail")


class CompressedMessagesThatAreValid(unittest.TestCase):
    """j. A message is judged by whether it inflates to its end (RFC 7692 7.2.1)."""

    def test_a_bfinal_block_and_a_kept_tail_inflate(self):
        for payload, note in (("c107f348cdc9c90700", False), ("c108f348cdc9c9070000", False),
                              ("c10bf248cdc9c907000000ffff", True)):
            with self.subTest(payload), python_peer("bad_server.py", "deflate-frames", payload) as peer:
                result, report = send(peer.url, "text:hi", extra=("--deflate",))
            self.assertEqual(result.returncode, 0, report["result"])
            self.assertEqual(report["violation"], None)
            self.assertEqual(outcomes(report).get("deflate.tail-kept"), "informational" if note else None)

    def test_data_that_ends_inside_a_block_still_fails(self):
        with python_peer("bad_server.py", "deflate-frames", "c1050ac9485528") as peer:
            result, report = send(peer.url, "text:hi", extra=("--deflate",))
        self.assertEqual(result.returncode, 1)
        self.assertEqual(report["violation"]["rule"], "deflate.corrupt-data")


if __name__ == "__main__":
    unittest.main()
