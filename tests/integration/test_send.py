"""`wsprobe send`: crafted frames, valid or not, and the verdict on the server's reaction,
against wsprobe serve (strict) and broken servers."""
import time
import unittest

from support import free_port, python_peer, run_wsprobe, send_report, serve


def send(url, *frames, extra=()):
    args = []
    for frame in frames:
        args += ["--frame", frame]
    result = run_wsprobe("send", url, *args, "--json", "--wait", "500ms", *extra)
    return result, send_report(result)


def outcomes(report):
    """{rule: outcome} of a send report's verdicts."""
    return {verdict["rule"]: verdict["outcome"] for verdict in report["verdicts"]}


class AgainstServe(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = serve().__enter__()

    @classmethod
    def tearDownClass(cls):
        cls.server.__exit__(None, None, None)

    def test_each_broken_frame_gets_its_close_code_as_required(self):
        cases = {
            "3:": (1002, "frame.reserved-opcode"),
            "text/rsv2:x": (1002, "frame.reserved-bits"),
            "text/mask=off:hi": (1002, "frame.client-unmasked"),
            "ping/fin=0:x": (1002, "frame.control-fragmented"),
            "ping:repeat:126:x": (1002, "frame.control-too-long"),
            "text/len16:short": (1002, "frame.length-not-minimal"),
            "cont:orphan": (1002, "message.orphan-continuation"),
            "text:hex:c328": (1007, "message.invalid-utf8"),
            "close:hex:03": (1002, "close.one-byte-payload"),
            "close:1005": (1002, "close.invalid-code"),
            "close:1000:hex": (1000, None),
        }
        for spec, (code, rule) in cases.items():
            with self.subTest(spec):
                result, report = send(self.server.url, spec)
                self.assertEqual(report["close"]["code"], code, result.stdout)
                self.assertEqual(report["expected"]["rule"] if report["expected"] else None, rule)
                self.assertEqual(set(outcomes(report).values()), {"pass"}, report["verdicts"])
                self.assertEqual(result.returncode, 0)
                self.assertEqual(report["close"]["tcp"], "closed_by_server")

    def test_fragments_pings_in_between_and_dribbled_bytes_are_valid(self):
        result, report = send(self.server.url, "text/fin=0:Hel", "ping:x", "cont:lo",
                              "binary/fragments=3:hex:01*9", "text/dribble=2ms:slow")
        self.assertEqual(result.returncode, 0, result.stdout)
        self.assertIsNone(report["expected"])
        # The echoes, then the server's answer to the Close that ends the session.
        self.assertEqual([f["opcode_name"] for f in report["received"]], ["pong", "text", "binary", "text", "close"])
        self.assertEqual(len(report["sent"]), 7)
        self.assertIn("kept the connection open", report["result"])
        self.assertEqual(outcomes(report), {"reaction.valid-frames-refused": "pass", "pong.payload": "pass"})

    def test_invalid_utf8_split_across_fragments_fails_at_the_bad_byte(self):
        # κ is ce ba; "ce" then "c3" can never be valid: the server must not wait for the end of the message.
        result, report = send(self.server.url, "text/fin=0:hex:ce", "cont/fin=0/delay=100ms:hex:c3")
        self.assertEqual(report["close"]["code"], 1007)
        self.assertLess(report["close"]["close_ms"], 90)
        self.assertEqual(outcomes(report), {"message.invalid-utf8": "pass"})

    def test_human_output_has_frames_and_a_verdict_line(self):
        result = run_wsprobe("send", self.server.url, "--frame", "3:", "--wait", "500ms")
        self.assertEqual(result.returncode, 0)
        self.assertIn("> fin=1 rsv=000 reserved (0x3) mask=", result.stdout)
        self.assertRegex(result.stdout, r"\n  pass  frame.reserved-opcode  RFC 6455 5.2 +MUST +\"a Close with 1002 after")
        self.assertIn("result: server answered RFC 6455 5.2 (reserved opcode): a Close with 1002", result.stdout)


class AgainstBrokenServers(unittest.TestCase):
    def test_a_close_code_that_does_not_fit_is_non_strict(self):
        # 7.1.7: the Close before failing is a SHOULD, and so is its "appropriate status code".
        with python_peer("bad_server.py", "frames", "880203e8") as peer:
            result, report = send(peer.url, "3:")
            strict, strict_report = send(peer.url, "3:", extra=("--strict",))
        self.assertEqual(result.returncode, 0, result.stdout)
        self.assertEqual(outcomes(report), {"frame.reserved-opcode": "pass", "reaction.close-code": "non-strict"})
        close_code, = [v for v in report["verdicts"] if v["rule"] == "reaction.close-code"]
        self.assertEqual((close_code["level"], close_code["expected"], close_code["observed"]),
                         ("SHOULD", "a Close with 1002", "a Close with 1000"))
        self.assertEqual(strict.returncode, 1, strict.stdout)
        self.assertEqual(strict_report["exit_code"], 1)

    def test_no_reaction_is_reported(self):
        with python_peer("bad_server.py", "frames", "") as peer:
            result, report = send(peer.url, "3:")
        self.assertEqual(result.returncode, 1)
        self.assertIn("did not react", report["result"])
        self.assertEqual(outcomes(report), {"frame.reserved-opcode": "fail"})

    def test_a_server_that_breaks_a_rule_fails_the_verdict(self):
        # RSV1 on a text frame without permessage-deflate: the server is the one at fault.
        with python_peer("bad_server.py", "frames", "c10161") as peer:
            result, report = send(peer.url, "text:hi")
        self.assertEqual(result.returncode, 1, result.stdout)
        self.assertEqual(outcomes(report)["frame.reserved-bits"], "fail")
        self.assertIn("RFC 6455 5.2", report["result"])
        self.assertEqual(report["violation"]["rule"], "frame.reserved-bits")
        self.assertEqual(report["violation"]["level"], "MUST")

    def test_a_flood_is_counted_not_kept_and_timeout_ends_it(self):
        with python_peer("bad_server.py", "flood") as peer:
            started = time.monotonic()
            result = run_wsprobe("send", peer.url, "--frame", "text:hi", "--wait", "10s", "--timeout", "1s", "--json")
            elapsed = time.monotonic() - started
        self.assertEqual(result.returncode, 4, result.stdout[-500:] + result.stderr)
        self.assertLess(elapsed, 5)
        report = send_report(result)
        self.assertEqual(len(report["received"]), 1000)
        self.assertGreater(report["frames_received"], 1000)
        self.assertIn("--timeout", report["result"])

    def test_a_timeout_that_cuts_the_wait_short_is_exit_4(self):
        with serve() as server:
            result, report = send(server.url, "text:hi", "text/delay=3s:late", extra=("--timeout", "500ms"))
        self.assertEqual(result.returncode, 4, result.stdout)
        self.assertEqual(len(report["sent"]), 1)  # the late frame was never sent

    def test_a_failed_connection_still_ends_with_a_json_summary(self):
        result, report = send(f"ws://127.0.0.1:{free_port()}/", "text:hi")
        self.assertEqual(result.returncode, 3)
        self.assertEqual(report["exit_code"], 3)
        self.assertIn("could not connect", report["error"])
        self.assertTrue(result.stderr.startswith("wsprobe: error: could not connect"))


class BadSpecs(unittest.TestCase):
    def test_bad_specs_are_usage_errors_naming_the_problem(self):
        for spec, phrase in (("nonsense:x", "unknown kind"), ("16:", "unknown kind"), ("text/fin=2:x", "unknown flag"),
                             ("text/mask=123:x", "mask takes"), ("text:hex:zz", "bad hex payload"),
                             ("close:abc", "CODE[:REASON]"), ("text/fragments=9:ab", "more fragments")):
            with self.subTest(spec):
                result = run_wsprobe("send", "ws://127.0.0.1:9/", "--frame", spec)
                self.assertEqual(result.returncode, 2, result.stderr)
                self.assertIn(phrase, result.stderr.splitlines()[0])


if __name__ == "__main__":
    unittest.main()
