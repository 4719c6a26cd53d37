"""`wsprobe connect`: a live session against wsprobe serve, Python's websockets and broken
servers; what a browser's WebSocket would show, and the exit codes."""
import os
import re
import shutil
import subprocess
import time
import unittest

from support import WSPROBE, json_lines, of_type, python_peer, run_wsprobe, serve


def connect(url, *args, input=""):
    return run_wsprobe("connect", url, *args, input=input)


class Sessions(unittest.TestCase):
    def test_stdin_lines_are_echoed_then_eof_closes_cleanly(self):
        with serve() as server:
            result = connect(server.url, "--json", input="hello\nwörld\n")
        self.assertEqual(result.returncode, 0, result.stderr)
        lines = json_lines(result)
        self.assertEqual([s["state"] for s in of_type(lines, "state")], ["CONNECTING", "OPEN", "CLOSING", "CLOSED"])
        self.assertEqual([m["data"] for m in of_type(lines, "message")], ["hello", "wörld"])
        close, = of_type(lines, "close")
        self.assertEqual((close["code"], close["sent_code"], close["event_code"]), (1000, 1000, 1000))
        self.assertTrue(close["was_clean"])
        self.assertEqual(close["closed_by"], "wsprobe")
        self.assertEqual(close["tcp"], "closed_by_server")

    def test_send_options_go_first_in_order_and_count_closes(self):
        with serve() as server:
            result = connect(server.url, "--send", "one", "--send-binary", "01 02 ff", "--send", "three",
                             "--no-stdin", "--count", "3", "--json")
        self.assertEqual(result.returncode, 0, result.stderr)
        messages = of_type(json_lines(result), "message")
        self.assertEqual([(m["opcode"], m.get("data", m.get("data_base64"))) for m in messages],
                         [("text", "one"), ("binary", "AQL/"), ("text", "three")])

    def test_binary_formats_and_long_payloads(self):
        with serve() as server:
            hexed = connect(server.url, "--stdin-hex", input="00 01 fe ff\n")
            based = connect(server.url, "--stdin-hex", "--binary-as", "base64", input="00 01 fe ff\n")
            long_line = "x" * 1000 + "\n"
            short = connect(server.url, input=long_line)
            full = connect(server.url, "--full", input=long_line)
        self.assertIn("< [binary 4 bytes] 00 01 fe ff", hexed.stdout)
        self.assertIn("< [binary 4 bytes] AAH+/w==", based.stdout)
        self.assertIn("... (1000 bytes in all; --full shows them)", short.stdout)
        self.assertIn("< " + "x" * 1000, full.stdout)

    def test_frame_trace_shows_both_directions(self):
        with serve() as server:
            result = connect(server.url, "-v", "-H", "Cookie: secret", input="hi\n")
        self.assertIn("> GET / HTTP/1.1\n", result.stdout)  # the raw handshake first
        self.assertIn("> Cookie: <redacted 6 bytes>\n", result.stdout)
        self.assertIn("< HTTP/1.1 101 Switching Protocols\n", result.stdout)
        self.assertRegex(result.stdout, r"> fin=1 rsv=000 text mask=[0-9a-f]{8} len=2 hi")
        self.assertIn("< fin=1 rsv=000 text mask=- len=2 hi", result.stdout)
        self.assertIn("> fin=1 rsv=000 close", result.stdout)

    def test_the_server_closing_first_is_echoed_and_reported(self):
        with python_peer("ws_server.py", "--close-after", "1", "--close-code", "4000") as server:
            result = connect(server.url, "--send", "x", "--no-stdin", "--json")
        self.assertEqual(result.returncode, 0, result.stderr)
        close, = of_type(json_lines(result), "close")
        self.assertEqual(close["closed_by"], "server")
        self.assertEqual((close["code"], close["reason"], close["sent_code"], close["event_code"]),
                         (4000, "enough", 4000, 4000))
        self.assertTrue(close["was_clean"])

    def test_no_close_drops_tcp_and_stats_count_the_traffic(self):
        with serve() as server:
            result = connect(server.url, "--send", "abc", "--no-stdin", "--count", "1", "--no-close", "--stats",
                             "--json")
        self.assertEqual(result.returncode, 0, result.stderr)
        lines = json_lines(result)
        close, = of_type(lines, "close")
        self.assertTrue(close["dropped"])
        self.assertEqual(close["event_code"], 1006)
        stats, = of_type(lines, "summary")  # the JSON summary always counts the traffic
        self.assertEqual((stats["messages_sent"], stats["messages_received"]), (1, 1))
        self.assertEqual(stats["bytes_received"], 5)
        self.assertGreater(stats["buffered_high_water"], 0)


class Bounds(unittest.TestCase):
    def test_a_tls_server_that_never_stops_sending_cannot_hold_the_client_past_its_timeout(self):
        import tempfile
        with tempfile.TemporaryDirectory() as directory:
            cert = os.path.join(directory, "cert.pem")
            with serve("--tls-self-signed", "--tls-cert-out", cert, "--ping-interval", "1ms") as server:
                started = time.monotonic()
                result = connect(server.url, "--cacert", cert, "--no-stdin", "--timeout", "1s")
                elapsed = time.monotonic() - started
        self.assertEqual(result.returncode, 4, result.stderr)
        self.assertLess(elapsed, 5)

    def test_waiting_for_a_close_that_never_comes_does_not_burn_the_cpu(self):
        import resource
        with python_peer("bad_server.py", "frames", "") as peer:
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            result = connect(peer.url, "--no-stdin", "--wait", "300ms", "--close-timeout", "1500ms")
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
        self.assertEqual(result.returncode, 1)
        self.assertIn("closing handshake not completed", result.stdout)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        self.assertLess(cpu, 0.5, "the wait for the server's Close must sleep, not spin")


class Pipes(unittest.TestCase):
    """Standard input from a pipe: the replies still due come before the close."""

    def test_the_end_of_input_waits_for_a_slow_servers_replies(self):
        with python_peer("ws_server.py", "--echo-delay", "0.4") as server:
            result = connect(server.url, "--json", input="q\nr\n")
        self.assertEqual(result.returncode, 0, result.stderr)
        lines = json_lines(result)
        self.assertEqual([m["data"] for m in of_type(lines, "message")], ["q", "r"])
        self.assertEqual([m["data"] for m in of_type(lines, "sent")], ["q", "r"])
        self.assertEqual(lines[-1]["end"], "input_ended")

    def test_count_waits_for_its_replies_however_slow(self):
        with python_peer("ws_server.py", "--echo-delay", "0.6") as server:
            result = connect(server.url, "--count", "2", "--linger", "100ms", "--data-only", input="a\nb\n")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout, "a\nb\n")

    def test_a_server_that_stays_quiet_is_left_after_linger(self):
        with serve("--fault", "no-echo") as server:
            started = time.monotonic()
            result = connect(server.url, "--linger", "300ms", "--json", input="x\n")
            elapsed = time.monotonic() - started
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertLess(elapsed, 5)
        lines = json_lines(result)
        self.assertEqual((of_type(lines, "message"), lines[-1]["end"]), ([], "input_ended"))

    def test_data_only_prints_each_message_on_a_line_and_nothing_else(self):
        with serve() as server:
            result = connect(server.url, "--data-only", "--send-binary", "00ff", input="héllo\n\x1b[31mred\n")
        self.assertEqual(result.returncode, 0, result.stderr)
        # Binary as --binary-as says (hex by default); what the peer sent stays escaped.
        self.assertEqual(result.stdout, "00 ff\nhéllo\n\\x1b[31mred\n")
        self.assertEqual(result.stderr, "")


class Interactive(unittest.TestCase):
    """A terminal at standard input: a prompt with libedit's editing and history, lines
    printed above the one being typed, what was sent shown with its time."""

    def run_in_terminal(self, url, keys):
        """Runs connect on a pseudo-terminal (its controlling terminal, so Ctrl-C is a
        signal); types each of `keys` (text, pause in seconds); returns the exit status,
        everything it printed, and whether the terminal's settings were restored."""
        import fcntl
        import pty
        import select
        import termios
        master, slave = pty.openpty()
        settings = termios.tcgetattr(slave)

        def own_terminal():
            os.setsid()
            fcntl.ioctl(0, termios.TIOCSCTTY, 0)

        process = subprocess.Popen([WSPROBE, "connect", url], stdin=slave, stdout=slave, stderr=slave,
                                   preexec_fn=own_terminal, env={**os.environ, "NO_COLOR": "1", "TERM": "xterm"})
        output = b""

        def read_for(seconds):
            nonlocal output
            end = time.monotonic() + seconds
            while time.monotonic() < end:
                if select.select([master], [], [], 0.05)[0]:
                    try:
                        output += os.read(master, 65536)
                    except OSError:
                        return
        try:
            read_for(0.5)
            for text, pause in keys:
                os.write(master, text.encode())
                read_for(pause)
            returncode = process.wait(timeout=10)
            read_for(0.2)
            restored = termios.tcgetattr(slave) == settings
        finally:
            process.kill()
            process.wait()
            os.close(master)
            os.close(slave)
        return returncode, output.decode(errors="replace"), restored

    def test_prompt_history_and_redraw(self):
        with python_peer("ws_server.py", "--tick", "0.5") as server:
            returncode, output, restored = self.run_in_terminal(server.url, [
                ("hello\r", 0.3),
                ("\x1b[A\r", 0.3),       # Up: the line sent before, sent again
                ("wor", 1.2),             # a tick arrives while "wor" is being typed
                ("ld\r", 0.3),
                ("/ping abc\r", 0.5),
                ("\x04", 1.0),            # Ctrl-D closes
            ])
        self.assertEqual(returncode, 0, output)
        self.assertTrue(restored)
        self.assertIn("/help lists commands; Ctrl-D or Ctrl-C closes", output)
        self.assertNotIn("^[[A", output)
        lines = output.replace("\x1b[K", "").split("\r\n")
        sent = [line for line in lines if re.search(r"\d\d:\d\d:\d\d\.\d{3} > ", line)]
        self.assertEqual([line.rsplit("> ", 1)[1] for line in sent], ["hello", "hello", "world"])
        self.assertEqual(sum(1 for line in lines if line.endswith(" < hello")), 2)
        # A tick landed while "wor" was typed: printed on a line of its own, "wor" drawn again.
        self.assertRegex(output, r"< tick \d+\r\n> wor")
        self.assertRegex(output, r"< pong abc \(\d+\.\d{3} ms after the /ping\)")
        self.assertIn("CloseEvent code=1000 wasClean=true", output)

    def test_ctrl_c_closes_with_1000_and_restores_the_terminal(self):
        with serve() as server:
            returncode, output, restored = self.run_in_terminal(server.url, [("wörld\r", 0.4), ("part", 0.2),
                                                                             ("\x03", 1.0)])
        self.assertEqual(returncode, 0, output)
        self.assertTrue(restored)
        self.assertIn("< wörld", output)
        self.assertIn("we sent 1000", output)


class Terminal(unittest.TestCase):
    def test_slash_commands_when_stdin_is_a_terminal(self):
        # script(1) from util-linux gives wsprobe a pseudo-terminal as standard input.
        self.assertTrue(shutil.which("script"), "script(1) is missing (Debian's bsdutils)")
        with serve() as server:
            result = subprocess.run(
                ["script", "-qec", f"{WSPROBE} connect {server.url} --show-control", "/dev/null"],
                input="/ping are you there\n/binary 01 02\n/help\n/close 4001 bye\n", capture_output=True,
                text=True, timeout=30, env={**os.environ, "NO_COLOR": "1"})
        output = result.stdout.replace("\r", "")
        self.assertIn("< pong are you there", output)
        self.assertIn("< [binary 2 bytes] 01 02", output)
        self.assertIn("/close [code [why]]", output)
        self.assertIn("CloseEvent code=4001", output)


class BrokenServers(unittest.TestCase):
    """The server breaks a rule after "ok" (81 02 6f 6b): connect shows what came before,
    fails the connection with the rule's close code and exits 1."""

    cases = {
        "masked frame": ("81 82 01 02 03 04 6e 69", 1002, "RFC 6455 5.1"),
        "reserved bits": ("c1 01 41", 1002, "RFC 6455 5.2"),
        "reserved opcode": ("83 00", 1002, "RFC 6455 5.2"),
        "invalid UTF-8": ("81 02 c3 28", 1007, "RFC 6455 8.1"),
        "oversized control frame": ("89 7e 00 7e" + " 00" * 126, 1002, "RFC 6455 5.5"),
        "invalid close code": ("88 02 03 ed", 1002, "RFC 6455 7.4"),
        "close reason not UTF-8": ("88 04 03 e8 c3 28", 1007, "RFC 6455 5.5.1"),
        "2^63-byte length": ("82 7f 80 00 00 00 00 00 00 00", 1002, "RFC 6455 5.2"),
        "over --max-message-size": ("82 7f 00 00 00 01 00 00 00 00", 1009, "RFC 6455 10.4"),
    }

    def test_each_violation_fails_the_connection_with_its_code(self):
        for name, (frames, code, section) in self.cases.items():
            with self.subTest(name), python_peer("bad_server.py", "frames", "81026f6b" + frames.replace(" ", "")) as peer:
                result = connect(peer.url, "--no-stdin", "--json")
                self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
                lines = json_lines(result)
                self.assertEqual(of_type(lines, "message")[0]["data"], "ok")
                close, = of_type(lines, "close")
                self.assertIn(section, close["violation"]["text"])
                self.assertEqual(close["sent_code"], code)

    def test_data_after_the_servers_close_is_a_violation(self):
        with python_peer("bad_server.py", "frames", "880203e8" + "810141") as peer:
            result = connect(peer.url, "--no-stdin", "--json")
        close, = of_type(json_lines(result), "close")
        self.assertEqual(close["code"], 1000)
        self.assertIn("RFC 6455 5.5.1: data frame sent after a Close frame", close["violation"]["text"])
        self.assertEqual((close["violation"]["rule"], close["violation"]["level"]), ("message.after-close", "MUST"))
        self.assertEqual(result.returncode, 1)

    def test_raw_prints_every_byte_of_a_message_nul_included(self):
        # "hi\0ab" then "next": the NUL must neither end the line nor swallow the next one.
        with python_peer("bad_server.py", "frames", "81056869006162" + "81046e657874" + "880203e8") as peer:
            result = subprocess.run([WSPROBE, "connect", peer.url, "--raw", "--no-stdin"], capture_output=True,
                                    timeout=30)
        self.assertIn(b"hi\x00ab\n", result.stdout)
        self.assertIn(b"next\n", result.stdout)

    def test_tcp_dropped_without_a_close_is_1006(self):
        with python_peer("bad_server.py", "drop") as peer:
            result = connect(peer.url, "--no-stdin", "--json")
        self.assertEqual(result.returncode, 1)
        lines = json_lines(result)
        self.assertEqual(of_type(lines, "message")[0]["data"], "bye")
        close, = of_type(lines, "close")
        self.assertEqual((close["event_code"], close["was_clean"], close["tcp"]), (1006, False, "closed_by_server"))
        self.assertEqual(result.stderr, "wsprobe: error: the connection did not close cleanly (CloseEvent code 1006)\n"
                                        "hint: see 'wsprobe connect --help'\n")

    def test_a_refused_upgrade_is_an_error(self):
        with serve() as server:
            result = connect(server.url, "-H", "Sec-WebSocket-Version: 8")
        self.assertEqual(result.returncode, 1)
        self.assertIn("refused the upgrade with status 426", result.stderr)


if __name__ == "__main__":
    unittest.main()
