"""`wsprobe handshake` against peers nobody here wrote (Python's websockets, tinyproxy)
and against deliberately broken servers: what a user sees, and the exit codes."""
import os
import shutil
import subprocess
import time
import unittest

from support import WSPROBE, Tinyproxy, by_type, free_port, python_peer, run_wsprobe, serve


def handshake_json(url, *args, timeout=30):
    """The run, and its records by type (handshake prints each type at most once)."""
    result = run_wsprobe("handshake", url, "--json", *args, timeout=timeout)
    return result, by_type(result)


class AgainstPythonWebsockets(unittest.TestCase):
    def test_valid_upgrade_checks_timings_and_close(self):
        with python_peer("ws_server.py") as server:
            result, report = handshake_json(server.url)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertTrue(report["summary"]["ok"])
        self.assertEqual(report["response"]["status"], 101)
        self.assertEqual(
            [check["rule"] for check in report["handshake"]["checks"]],
            ["handshake.status", "handshake.http-version", "handshake.no-body-fields", "handshake.upgrade",
             "handshake.connection", "handshake.accept", "handshake.subprotocol", "handshake.extensions"],
        )
        self.assertTrue(all(check["outcome"] == "pass" and check["level"] == "MUST" for check in report["handshake"]["checks"]))
        self.assertEqual(report["handshake"]["checks"][0]["section"], "RFC 6455 4.1")
        names = [header["name"] for header in report["request"]["headers"]]
        self.assertEqual(names[:5], ["Host", "Upgrade", "Connection", "Sec-WebSocket-Key", "Sec-WebSocket-Version"])
        self.assertEqual(report["close"]["sent_code"], 1000)
        self.assertEqual(report["close"]["code"], 1000)
        self.assertEqual(report["close"]["tcp"], "closed_by_server")
        for phase in ("dns", "tcp", "handshake", "total"):
            self.assertGreaterEqual(report["timings"][phase + "_ms"], 0)
        self.assertIsNone(report["timings"]["tls"])

    def test_human_output_shows_request_response_and_each_rule(self):
        with python_peer("ws_server.py") as server:
            result = run_wsprobe("handshake", server.url, "-H", "Authorization: Bearer secret-token")
        self.assertEqual(result.returncode, 0, result.stderr)
        lines = result.stdout.splitlines()
        self.assertIn("> GET / HTTP/1.1", lines)
        self.assertIn("< HTTP/1.1 101 Switching Protocols", lines)
        self.assertIn("> Authorization: <redacted 19 bytes>", lines)
        self.assertNotIn("secret-token", result.stdout)
        self.assertEqual(sum(line.startswith("  pass  handshake.") for line in lines), 8)
        self.assertIn("result: valid WebSocket upgrade, closed cleanly", lines)

    def test_subprotocol_and_permessage_deflate_are_negotiated(self):
        with python_peer("ws_server.py", "--subprotocol", "chat", "--deflate") as server:
            result, report = handshake_json(server.url, "-s", "superchat", "-s", "chat", "--deflate")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(report["handshake"]["subprotocol"], "chat")
        self.assertEqual(report["handshake"]["extensions"][0]["name"], "permessage-deflate")

    def test_a_compressed_message_before_the_servers_close_is_inflated(self):
        # Read as it is, the compressed text would be invalid UTF-8 (1007).
        with python_peer("ws_server.py", "--deflate", "--greet", "Hello, κόσμε " * 10) as server:
            result, report = handshake_json(server.url, "--deflate")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIsNone(report["close"]["violation"])
        self.assertEqual(report["close"]["messages_before_close"], 1)
        self.assertEqual(report["close"]["code"], 1000)

    def test_version_probe_is_refused_with_the_supported_versions(self):
        with python_peer("ws_server.py") as server:
            result, report = handshake_json(server.url, "--ws-version", "8")
        # websockets 10.4 answers 400 and names the header in its body, but leaves out the
        # Sec-WebSocket-Version list that RFC 6455 4.2.2 asks for: wsprobe shows both.
        self.assertEqual(result.returncode, 1)
        self.assertIn(report["response"]["status"], (400, 426))
        self.assertIn("Sec-WebSocket-Version", report["refused"]["body"])
        self.assertTrue(report["refused"]["body_complete"])

    def test_ipv6_literal_and_request_target_byte_for_byte(self):
        with python_peer("ws_server.py", "--host", "::1") as server:
            result, report = handshake_json(f"ws://[::1]:{server.port}/a%2Fb/../c?x=1&y=%20", "-6")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(report["request"]["target"], "/a%2Fb/../c?x=1&y=%20")
        self.assertEqual(report["request"]["headers"][0], {"name": "Host", "value": f"[::1]:{server.port}"})
        self.assertEqual(report["connected"]["remote_address"], "::1")

    def test_resolve_and_http_scheme_mapping(self):
        with python_peer("ws_server.py") as server:
            result, report = handshake_json(f"http://probe.test:{server.port}/",
                                            "--resolve", f"probe.test:{server.port}:127.0.0.1")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(report["connected"]["url"], f"ws://probe.test:{server.port}/")
        self.assertEqual(report["request"]["headers"][0]["value"], f"probe.test:{server.port}")

    def test_through_an_http_connect_proxy(self):
        if not shutil.which("tinyproxy"):
            self.fail("tinyproxy is missing: run scripts/bootstrap.sh")
        with python_peer("ws_server.py") as server, Tinyproxy() as proxy:
            result, report = handshake_json(server.url, "--proxy", proxy.url)
            self.assertEqual(result.returncode, 0, result.stderr)
            self.assertEqual(report["connected"]["remote_port"], proxy.port)
            env_result = subprocess.run(
                [os.environ["WSPROBE"], "handshake", server.url, "-q"],
                env={**os.environ, "http_proxy": proxy.url}, capture_output=True, text=True, timeout=30)
            self.assertEqual(env_result.returncode, 0, env_result.stderr)
            self.assertGreaterEqual(proxy.log().count("CONNECT 127.0.0.1:%d" % server.port), 2)


class AgainstWsprobeServe(unittest.TestCase):
    def test_wss_to_a_plain_server_says_so_and_suggests_ws(self):
        with serve() as server:
            result = run_wsprobe("handshake", server.url.replace("ws://", "wss://"))
        self.assertEqual(result.returncode, 3)
        error, hint = result.stderr.splitlines()
        self.assertIn("the server does not speak TLS on this port", error)
        self.assertTrue(hint.startswith("hint: for a plain server use ws:// instead of wss://"), hint)

    def test_valid_upgrade_with_subprotocol_and_clean_close(self):
        with serve("--subprotocol", "chat") as server:
            result, report = handshake_json(server.url + "room?id=1", "-s", "v2.chat", "-s", "chat")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(report["request"]["target"], "/room?id=1")
        self.assertEqual(report["handshake"]["subprotocol"], "chat")
        self.assertEqual((report["close"]["code"], report["close"]["tcp"]), (1000, "closed_by_server"))

    def test_deflate_before_the_url_offers_the_extension_and_keeps_the_url(self):
        with serve("--deflate") as server:
            result, report = handshake_json("--deflate", server.url)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(report["handshake"]["extensions"][0]["name"], "permessage-deflate")

    def test_version_probe_gets_426_with_the_supported_version(self):
        # A deliberate version other than 13: the refusal is the right answer (RFC 6455 4.2.2).
        with serve() as server:
            result, report = handshake_json(server.url, "--ws-version", "8")
            human = run_wsprobe("handshake", server.url, "--ws-version", "8")
        self.assertEqual(result.returncode, 0, result.stdout)
        self.assertEqual(report["response"]["status"], 426)
        self.assertEqual(report["refused"]["supported_versions"], "13")
        self.assertIn("server supports WebSocket versions: 13", human.stdout)

    def test_a_missing_key_is_refused_with_400_and_the_reason(self):
        with serve() as server:
            result, report = handshake_json(server.url, "-H", "Sec-WebSocket-Key:")
        self.assertEqual(result.returncode, 0, result.stdout)
        self.assertEqual(report["handshake"]["refusal_due"], "no Sec-WebSocket-Key")
        self.assertEqual(report["response"]["status"], 400)
        self.assertIn("Sec-WebSocket-Key", report["refused"]["body"])


class BadInput(unittest.TestCase):
    def assert_error(self, result, code, *phrases):
        self.assertEqual(result.returncode, code, result.stdout + result.stderr)
        first = result.stderr.splitlines()[0]
        self.assertTrue(first.startswith("wsprobe: error: "), first)
        for phrase in phrases:
            self.assertIn(phrase, first)

    def test_invalid_url_and_options_are_usage_errors(self):
        self.assert_error(run_wsprobe("handshake", "ftp://127.0.0.1/"), 2, "bad URL", "scheme 'ftp'")
        self.assert_error(run_wsprobe("handshake", "ws://127.0.0.1:99999/"), 2, "port '99999'")
        self.assert_error(run_wsprobe("handshake", "ws://127.0.0.1/", "--timeout", "soon"), 2, "--timeout")
        self.assert_error(run_wsprobe("handshake", "ws://127.0.0.1/", "--no-such"), 2, "--no-such")
        self.assert_error(run_wsprobe("handshake", "ws://127.0.0.1/", "--deflate=client_max_window_bits=99"), 2,
                          "client_max_window_bits")
        self.assert_error(run_wsprobe("handshake", "ws://127.0.0.1/", "-H", "no colon here"), 2, "Name: value")
        self.assert_error(run_wsprobe("handshake", "ws://127.0.0.1/", "--resolve", "garbage"), 2, "--resolve",
                          "HOST:PORT:ADDR")
        self.assert_error(run_wsprobe("handshake", "ws://a\x1b[31m/"), 2, "bad URL", "\\x1b")

    def test_closed_port_cannot_connect(self):
        port = free_port()
        self.assert_error(run_wsprobe("handshake", f"ws://127.0.0.1:{port}/"), 3, "could not connect")

    def test_a_server_that_never_stops_sending_cannot_hold_the_close(self):
        with python_peer("bad_server.py", "flood") as server:
            started = time.monotonic()
            by_timeout = run_wsprobe("handshake", server.url, "--timeout", "1s", "--close-timeout", "10s")
            by_close_timeout = run_wsprobe("handshake", server.url, "--close-timeout", "1s")
            elapsed = time.monotonic() - started
        self.assert_error(by_timeout, 4, "--timeout passed during the closing handshake")
        self.assertEqual(by_close_timeout.returncode, 1)
        self.assertIn("server sent no Close", by_close_timeout.stdout)
        self.assertLess(elapsed, 8)

    def test_server_that_never_answers_times_out_within_the_timeout(self):
        # --timeout bounds the wait; without it, --connect-timeout does.
        for limit in ("--timeout", "--connect-timeout"):
            with self.subTest(limit), python_peer("bad_server.py", "silent") as server:
                started = time.monotonic()
                result = run_wsprobe("handshake", server.url, limit, "1s")
                elapsed = time.monotonic() - started
            self.assert_error(result, 4, "timed out waiting for the handshake response")
            self.assertLess(elapsed, 5)
            self.assertIn("> GET / HTTP/1.1", result.stdout)  # the request was shown before the wait

    def test_broken_servers_are_refused_with_the_cause(self):
        cases = {
            "garbage": ("malformed handshake response", "RFC 9112 4"),
            "close-mid-head": ("closed the connection during the handshake",),
            "huge-head": ("malformed handshake response", "head larger than the limit"),
        }
        for mode, phrases in cases.items():
            with self.subTest(mode=mode), python_peer("bad_server.py", mode) as server:
                self.assert_error(run_wsprobe("handshake", server.url), 1, *phrases)

    def test_a_malformed_head_is_hinted_at_without_its_header_values(self):
        with python_peer("bad_server.py", "secret-head") as server:
            result = run_wsprobe("handshake", server.url, "-q")
        self.assert_error(result, 1, "malformed handshake response")
        self.assertIn("the server sent: HTTP/1.1 101 OK...", result.stderr)
        self.assertNotIn("TOPSECRET", result.stderr)

    def test_a_close_not_followed_by_the_servers_fin_is_not_clean(self):
        cases = {"close-then-reset": "TCP was reset instead of closed", "close-keep-open": "left TCP open"}
        for mode, phrase in cases.items():
            with self.subTest(mode=mode), python_peer("bad_server.py", mode) as server:
                result = run_wsprobe("handshake", server.url, "--close-timeout", "500ms")
            self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
            self.assertIn(phrase, result.stdout)

    def test_peer_bytes_never_reach_the_terminal_raw(self):
        with python_peer("bad_server.py", "hostile-header") as server:
            result = run_wsprobe("handshake", server.url)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("< X-Evil: \\u009b31mred\\u202eedoc", result.stdout)
        self.assertNotIn("\u009b", result.stdout)
        self.assertNotIn("\u202e", result.stdout)
        with python_peer("bad_server.py", "escape-header") as server:
            result = run_wsprobe("handshake", server.url)
        self.assert_error(result, 1, "malformed handshake response", "RFC 9112 5.1")
        self.assertIn("control byte 0x1b in the value of X-Evil", result.stderr)
        self.assertNotIn("\x1b", result.stderr)

    def test_wrong_accept_fails_that_check_alone(self):
        with python_peer("bad_server.py", "wrong-accept") as server:
            result, report = handshake_json(server.url)
        self.assertEqual(result.returncode, 1)
        failed = [check for check in report["handshake"]["checks"] if check["outcome"] != "pass"]
        self.assertEqual([check["rule"] for check in failed], ["handshake.accept"])
        self.assertEqual(failed[0]["outcome"], "fail")
        self.assertEqual(failed[0]["observed"], "dGhpcyBpcyBub3QgdGhlIGFjY2VwdA==")

    def test_a_server_that_breaks_the_closing_handshake_fails(self):
        with python_peer("bad_server.py", "masked-close") as server:
            result, report = handshake_json(server.url)
        self.assertEqual(result.returncode, 1)
        self.assertEqual(report["close"]["violation"]["rule"], "frame.server-masked")
        with python_peer("bad_server.py", "no-close-reply") as server:
            result, report = handshake_json(server.url, "--close-timeout", "300ms")
        self.assertEqual(result.returncode, 1)
        self.assertFalse(report["close"]["received"])
        self.assertEqual(report["close"]["tcp"], "left_open")


class Colour(unittest.TestCase):
    """--color, NO_COLOR and TERM=dumb, on a terminal (script(1) gives one) and a pipe."""

    def on_a_terminal(self, url, *args, **env):
        result = subprocess.run(["script", "-qec", " ".join([WSPROBE, "handshake", url, *args]), "/dev/null"],
                                capture_output=True, text=True, timeout=30,
                                env={**{k: v for k, v in os.environ.items() if k != "NO_COLOR"}, "TERM": "xterm", **env})
        self.assertEqual(result.returncode, 0, result.stdout)
        return "\x1b[" in result.stdout

    def test_colour_on_a_terminal_unless_told_or_dumb(self):
        with serve() as server:
            self.assertTrue(self.on_a_terminal(server.url))
            self.assertFalse(self.on_a_terminal(server.url, NO_COLOR="1"))
            self.assertFalse(self.on_a_terminal(server.url, TERM="dumb"))
            self.assertFalse(self.on_a_terminal(server.url, "--color=never"))
            self.assertTrue(self.on_a_terminal(server.url, "--color=always", NO_COLOR="1"))
            self.assertNotIn("\x1b[", run_wsprobe("handshake", server.url).stdout)  # a pipe
            self.assertIn("\x1b[32mpass", run_wsprobe("handshake", server.url, "--color", "always").stdout)


if __name__ == "__main__":
    unittest.main()
