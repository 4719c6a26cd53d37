"""`wsprobe serve` against clients nobody here wrote (Python's websockets and ssl modules) and
raw sockets that break the rules on purpose: echo, ping, close codes, subprotocols, every
refusal, TLS, 1,000 connections at once, and a clean stop on SIGTERM and SIGINT.

Run by ctest with WSPROBE set to the binary under test. Every wait is bounded, and all
traffic stays on loopback.
"""
import asyncio
import contextlib
import os
import re
import resource
import select
import shutil
import signal
import socket
import ssl
import struct
import subprocess
import tempfile
import time
import unittest

import websockets

from support import run_wsprobe, serve

WAIT = 10  # seconds: the bound on any single wait in these tests

SAMPLE_KEY = "dGhlIHNhbXBsZSBub25jZQ=="  # RFC 6455 1.3
SAMPLE_ACCEPT = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="


def stop_cleanly(server):
    """Stops the server with SIGTERM; it must exit 0 (under ASan, that also means no leaks)."""
    code = server.stop()
    if code != 0:
        raise AssertionError(f"wsprobe serve exited {code}: {server.stderr_text()}")


@contextlib.contextmanager
def serving(*args, **kwargs):
    """serve(): the server is stopped cleanly at the end of the block."""
    with serve(*args, **kwargs) as server:
        yield server
        stop_cleanly(server)


def run_async(coroutine, timeout=WAIT):
    return asyncio.run(asyncio.wait_for(coroutine, timeout))


def client_frame(opcode, payload=b"", fin=True, masked=True, key=b"\x37\xfa\x21\x3d"):
    """One frame as a client writes it (masked), or as a broken one would."""
    first = (0x80 if fin else 0) | opcode
    mask_bit = 0x80 if masked else 0
    size = len(payload)
    if size < 126:
        header = bytes([first, mask_bit | size])
    elif size < 1 << 16:
        header = bytes([first, mask_bit | 126]) + struct.pack("!H", size)
    else:
        header = bytes([first, mask_bit | 127]) + struct.pack("!Q", size)
    if not masked:
        return header + payload
    return header + key + bytes(byte ^ key[i % 4] for i, byte in enumerate(payload))


def upgrade_request(path="/", key=SAMPLE_KEY, version="13", extra=()):
    lines = [f"GET {path} HTTP/1.1", "Host: 127.0.0.1", "Upgrade: websocket", "Connection: Upgrade"]
    if key is not None:
        lines.append(f"Sec-WebSocket-Key: {key}")
    lines.append(f"Sec-WebSocket-Version: {version}")
    lines.extend(extra)
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


class RawClient:
    """A TCP client that writes whatever bytes a test gives it and reads the server's answer."""

    def __init__(self, port, host="127.0.0.1"):
        self.sock = socket.create_connection((host, port), timeout=WAIT)
        self.buffer = b""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.sock.close()

    def send(self, data):
        self.sock.sendall(data)

    def _read_exact(self, size):
        while len(self.buffer) < size:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError(f"connection closed with {len(self.buffer)} of {size} bytes read")
            self.buffer += chunk
        data, self.buffer = self.buffer[:size], self.buffer[size:]
        return data

    def read_response(self):
        """(status, {lower-case name: value}, body) of an HTTP response; the body per Content-Length."""
        while b"\r\n\r\n" not in self.buffer:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError(f"connection closed inside the response head: {self.buffer!r}")
            self.buffer += chunk
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        status_line, *field_lines = head.decode().split("\r\n")
        fields = {}
        for line in field_lines:
            name, value = line.split(":", 1)
            fields[name.strip().lower()] = value.strip()
        body = self._read_exact(int(fields.get("content-length", "0")))
        return int(status_line.split(" ")[1]), fields, body

    def upgrade(self, path="/"):
        self.send(upgrade_request(path))
        status, fields, _ = self.read_response()
        assert status == 101 and fields["sec-websocket-accept"] == SAMPLE_ACCEPT, (status, fields)

    def read_frame(self):
        """(fin, opcode, payload) of the next frame from the server, which must not mask it."""
        first, second = self._read_exact(2)
        assert not second & 0x80, "the server masked a frame"
        size = second & 0x7F
        if size == 126:
            (size,) = struct.unpack("!H", self._read_exact(2))
        elif size == 127:
            (size,) = struct.unpack("!Q", self._read_exact(8))
        return bool(first & 0x80), first & 0x0F, self._read_exact(size)

    def read_close(self):
        """(code or None, reason) of the server's next frame, which must be a Close."""
        _, opcode, payload = self.read_frame()
        assert opcode == 0x8, f"expected a Close, got opcode {opcode}"
        if not payload:
            return None, ""
        return struct.unpack("!H", payload[:2])[0], payload[2:].decode()

    def server_closed_tcp(self):
        """True when the server closes TCP (EOF) within WAIT seconds, with nothing more sent."""
        try:
            return self.buffer == b"" and self.sock.recv(1) == b""
        except socket.timeout:
            return False

    def close_in_reply_to(self, frames):
        """Sends `frames`; (code, reason) of the server's Close, after which it must close TCP."""
        for frame in frames:
            self.send(frame)
        code, reason = self.read_close()
        assert self.server_closed_tcp(), "the server did not close TCP after its Close"
        return code, reason


def connect(url, **kwargs):
    return websockets.connect(url, open_timeout=WAIT, close_timeout=WAIT, ping_interval=None, max_size=None, **kwargs)


class FirstLineAndCommandLine(unittest.TestCase):
    def test_first_line_announces_the_url_with_the_bound_port(self):
        with serving() as server:
            self.assertRegex(server.first_line, r"^listening on ws://127\.0\.0\.1:\d+/$")
            self.assertNotEqual(server.port, 0)
            with RawClient(server.port) as client:
                client.upgrade()

    def test_ipv6_loopback(self):
        if not socket.has_ipv6:
            self.skipTest("no IPv6")
        try:
            socket.create_server(("::1", 0), family=socket.AF_INET6).close()
        except OSError:
            self.skipTest("::1 is not configured")
        with serving("--host", "::1") as server:
            self.assertRegex(server.first_line, r"^listening on ws://\[::1\]:\d+/$")

            async def echo():
                async with connect(server.url) as ws:
                    await ws.send("over IPv6")
                    return await ws.recv()

            self.assertEqual(run_async(echo()), "over IPv6")

    def test_port_in_use_is_an_error_on_one_line_with_exit_3(self):
        with serving() as server:
            result = run_wsprobe("serve", "--port", server.port)
        self.assertEqual(result.returncode, 3, result.stderr)
        self.assertEqual(result.stdout, "")
        first, hint = result.stderr.splitlines()
        self.assertEqual(first, f"wsprobe: error: cannot listen on 127.0.0.1:{server.port} (Address already in use)")
        self.assertIn("--port 0", hint)

    def test_bad_values_are_usage_errors(self):
        for args in (["--host", "not an address"], ["--host", "192.0.2.1"], ["--tls-cert-out", "x.pem"], ["-s", "not a token"],
                     ["--max-message-size", "lots"], ["--tls-cert", "/nonexistent.pem", "--tls-key", "/nonexistent"]):
            with self.subTest(args=args):
                result = run_wsprobe("serve", "--port", "0", *args)
                self.assertEqual(result.returncode, 2, result.stderr)
                self.assertTrue(result.stderr.startswith("wsprobe: error: "), result.stderr)
                self.assertEqual(result.stdout, "")

    def test_help_ends_with_examples(self):
        result = run_wsprobe("serve", "--help")
        self.assertEqual(result.returncode, 0)
        examples = result.stdout.split("Examples:\n", 1)[1].strip("\n").splitlines()
        self.assertGreaterEqual(len(examples), 2)
        self.assertTrue(all(line.startswith("  wsprobe serve") for line in examples), examples)


class EchoWithPythonWebsockets(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = serve("-s", "chat", "-s", "superchat").__enter__()

    @classmethod
    def tearDownClass(cls):
        stop_cleanly(cls.server)

    def test_text_and_binary_messages_come_back_unchanged(self):
        megabyte = os.urandom(1 << 20)

        async def exchange():
            async with connect(self.server.url) as ws:
                replies = []
                for message in ("Hello", "κόσμε", "", b"\x00\xff" * 10, megabyte):
                    await ws.send(message)
                    replies.append(await ws.recv())
                return replies

        self.assertEqual(run_async(exchange()), ["Hello", "κόσμε", "", b"\x00\xff" * 10, megabyte])

    def test_fragmented_messages_come_back_whole(self):
        async def exchange():
            async with connect(self.server.url) as ws:
                await ws.send(["frag", "men", "", "ted ", "κό", "σμε"])
                text = await ws.recv()
                await ws.send([b"\x01" * 70000, b"\x02" * 3])
                return text, await ws.recv()

        self.assertEqual(run_async(exchange()), ("fragmented κόσμε", b"\x01" * 70000 + b"\x02" * 3))

    def test_ping_is_answered_with_its_payload(self):
        async def ping():
            async with connect(self.server.url) as ws:
                pong = await ws.ping(b"are you there")
                await asyncio.wait_for(pong, WAIT)  # websockets matches the pong's payload to the ping
                return True

        self.assertTrue(run_async(ping()))

    def test_close_code_is_echoed(self):
        async def close_with(code):
            async with connect(self.server.url) as ws:
                await ws.send("one")
                await ws.recv()
                await ws.close(code, "bye")
                return ws.close_rcvd.code, ws.close_rcvd.reason

        self.assertEqual(run_async(close_with(4000)), (4000, ""))
        self.assertEqual(run_async(close_with(1000)), (1000, ""))

    def test_the_clients_first_supported_subprotocol_is_agreed(self):
        async def agreed(offers):
            async with connect(self.server.url, subprotocols=offers) as ws:
                return ws.subprotocol

        self.assertEqual(run_async(agreed(["superchat", "chat"])), "superchat")
        self.assertEqual(run_async(agreed(["mqtt", "chat"])), "chat")
        self.assertIsNone(run_async(agreed(["mqtt"])))

    def test_permessage_deflate_offer_is_declined(self):
        async def extensions():
            async with connect(self.server.url, compression="deflate") as ws:
                await ws.send("plain")
                return ws.extensions, await ws.recv()

        self.assertEqual(run_async(extensions()), ([], "plain"))


class ViolationsCloseWithTheRulesCode(unittest.TestCase):
    """Each violation gets a Close with the rule's code and reason, then the server closes TCP first."""

    @classmethod
    def setUpClass(cls):
        cls.server = serve("--max-message-size", "1KiB").__enter__()

    @classmethod
    def tearDownClass(cls):
        stop_cleanly(cls.server)

    def close_after(self, *frames):
        with RawClient(self.server.port) as client:
            client.upgrade()
            return client.close_in_reply_to(frames)

    def test_unmasked_frame(self):
        self.assertEqual(self.close_after(client_frame(0x1, b"Hello", masked=False)),
                         (1002, "RFC 6455 5.1: client frame not masked (MASK=0)"))

    def test_invalid_utf8_text(self):
        code, reason = self.close_after(client_frame(0x1, "κόσμε".encode() + b"\xf4\x90\x80\x80"))
        self.assertEqual(code, 1007)
        self.assertTrue(reason.startswith("RFC 6455 8.1: text message is not valid UTF-8"), reason)

    def test_invalid_utf8_across_fragments_fails_at_the_bad_byte(self):
        # 6.4.2 of the Autobahn suite: the first fragment ends in a lead byte that the second one contradicts.
        code, _ = self.close_after(client_frame(0x1, b"ok\xf4", fin=False), client_frame(0x0, b"\x90", fin=False))
        self.assertEqual(code, 1007)

    def test_message_over_the_limit_but_not_one_at_it(self):
        with RawClient(self.server.port) as client:
            client.upgrade()
            client.send(client_frame(0x2, b"x" * 1024))
            self.assertEqual(client.read_frame(), (True, 0x2, b"x" * 1024))
            client.send(client_frame(0x2, b"y" * 1000, fin=False) + client_frame(0x0, b"y" * 25))
            code, reason = client.read_close()
            self.assertEqual(code, 1009)
            self.assertEqual(reason, "RFC 6455 10.4: message larger than the limit (at least 1025 bytes, limit 1024)")
            self.assertTrue(client.server_closed_tcp())

    def test_reserved_opcode(self):
        self.assertEqual(self.close_after(client_frame(0x3, b"")),
                         (1002, "RFC 6455 5.2: reserved opcode (opcode 0x03)"))

    def test_fragmented_control_frame(self):
        self.assertEqual(self.close_after(client_frame(0x9, b"", fin=False))[0], 1002)

    def test_clean_close_is_echoed_and_the_server_closes_tcp_first(self):
        self.assertEqual(self.close_after(client_frame(0x8, struct.pack("!H", 1000) + b"done")), (1000, ""))
        self.assertEqual(self.close_after(client_frame(0x8, b"")), (None, ""))

    def test_frames_right_after_the_request_head_are_read(self):
        with RawClient(self.server.port) as client:
            client.send(upgrade_request() + client_frame(0x1, b"eager") + client_frame(0x9, b"p"))
            self.assertEqual(client.read_response()[0], 101)
            self.assertEqual(client.read_frame(), (True, 0x1, b"eager"))
            self.assertEqual(client.read_frame(), (True, 0xA, b"p"))


class RefusedHandshakes(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = serve().__enter__()

    @classmethod
    def tearDownClass(cls):
        stop_cleanly(cls.server)

    def refusal(self, request):
        with RawClient(self.server.port) as client:
            client.send(request)
            status, fields, body = client.read_response()
            self.assertTrue(client.server_closed_tcp(), "the server kept the connection after refusing")
            return status, fields, body.decode()

    def test_version_8_gets_426_naming_version_13(self):
        status, fields, body = self.refusal(upgrade_request(version="8"))
        self.assertEqual(status, 426)
        self.assertEqual(fields["sec-websocket-version"], "13")
        self.assertEqual(fields["upgrade"], "websocket")
        self.assertEqual(body, "Sec-WebSocket-Version 8 is not 13\n")

    def test_missing_key_gets_400(self):
        status, _, body = self.refusal(upgrade_request(key=None))
        self.assertEqual(status, 400)
        self.assertEqual(body, "no Sec-WebSocket-Key header\n")

    def test_plain_http_get_gets_400(self):
        status, _, body = self.refusal(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        self.assertEqual((status, body), (400, "no Upgrade header\n"))

    def test_head_over_16_kib_gets_400_and_the_server_serves_on(self):
        padding = tuple(f"X-Padding-{i}: {'a' * 1000}" for i in range(17))
        status, _, body = self.refusal(upgrade_request(extra=padding))
        self.assertEqual(status, 400)
        self.assertEqual(body, "RFC 9110 5.4: message head larger than the limit (no end of head within 16384 bytes)\n")

        async def echo():
            async with connect(self.server.url) as ws:
                await ws.send("still here")
                return await ws.recv()

        self.assertEqual(run_async(echo()), "still here")

    def test_malformed_head_gets_400(self):
        status, _, body = self.refusal(b"GET / HTTP/1.1\nHost: x\n\n")
        self.assertEqual(status, 400)
        self.assertIn("RFC 9112 2.2", body)


class Logging(unittest.TestCase):
    def test_verbose_logs_one_line_per_connection_event_with_peer_bytes_escaped(self):
        with serving("-v", "-s", "chat", "--handshake-timeout", "300ms") as server:
            with RawClient(server.port) as client:
                client.send(upgrade_request(path="/chat?room=\u202e1", extra=("Sec-WebSocket-Protocol: chat",)))
                client.read_response()
                client.send(client_frame(0x1, b"a") + client_frame(0x1, b"b") + client_frame(0x8, b"\x03\xe8"))
                for _ in range(3):
                    client.read_frame()
                self.assertTrue(client.server_closed_tcp())
            with RawClient(server.port) as client:
                client.send(upgrade_request(version="8"))
                client.read_response()
            with RawClient(server.port) as client:
                client.upgrade(path="/x")
                client.send(client_frame(0x3))
                client.read_close()
            with RawClient(server.port) as client:
                started = time.monotonic()
                self.assertTrue(client.server_closed_tcp(), "a silent client was not dropped")
                waited = time.monotonic() - started
            stop_cleanly(server)  # before reading its log
        self.assertGreaterEqual(waited, 0.25)
        self.assertLess(waited, 5)
        peer = r"127\.0\.0\.1:\d+ "
        expected = [
            peer + re.escape("upgraded /chat?room=\\u202e1 subprotocol=chat"),
            peer + re.escape("closed 1000 by client after 2 messages"),
            peer + re.escape("refused 426 Sec-WebSocket-Version 8 is not 13"),
            peer + re.escape("upgraded /x"),
            peer + re.escape("closed 1002: RFC 6455 5.2: reserved opcode (opcode 0x03)"),
            peer + re.escape("no handshake: timed out after 300ms"),
        ]
        lines = server.stderr_text().splitlines()
        self.assertEqual(len(lines), len(expected), lines)
        for line, pattern in zip(lines, expected):
            self.assertRegex(line, "^" + pattern + "$")


class Tls(unittest.TestCase):
    def setUp(self):
        self.directory = tempfile.TemporaryDirectory()

    def tearDown(self):
        self.directory.cleanup()

    def echo_over_tls(self, url, cafile, host=None):
        context = ssl.create_default_context(cafile=cafile)

        async def echo():
            async with connect(url, ssl=context, server_hostname=host) as ws:
                await ws.send("secret")
                reply = await ws.recv()
                big = os.urandom(1 << 20)
                await ws.send(big)
                self.assertEqual(await ws.recv(), big)
                return reply, ws.transport.get_extra_info("peercert")

        return run_async(echo())

    def test_self_signed_certificate_written_out_is_trusted_by_pythons_ssl(self):
        cert = os.path.join(self.directory.name, "cert.pem")
        with serving("--tls-self-signed", "--tls-cert-out", cert) as server:
            self.assertRegex(server.first_line, r"^listening on wss://127\.0\.0\.1:\d+/$")
            reply, peer = self.echo_over_tls(server.url, cert)
            self.assertEqual(reply, "secret")
            self.assertEqual(self.echo_over_tls(server.url, cert, host="localhost")[0], "secret")
        self.assertEqual(peer["subject"], ((("commonName", "localhost"),),))
        self.assertEqual(peer["subjectAltName"], (("DNS", "localhost"), ("IP Address", "127.0.0.1"),
                                                  ("IP Address", "0:0:0:0:0:0:0:1")))
        lifetime = ssl.cert_time_to_seconds(peer["notAfter"]) - ssl.cert_time_to_seconds(peer["notBefore"])
        self.assertEqual(lifetime, 24 * 60 * 60)

    def test_certificate_and_key_files(self):
        if not shutil.which("openssl"):
            self.skipTest("no openssl command")
        cert = os.path.join(self.directory.name, "cert.pem")
        key = os.path.join(self.directory.name, "key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                        "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=localhost",
                        "-addext", "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True, timeout=WAIT)
        with serving("--tls-cert", cert, "--tls-key", key) as server:
            self.assertEqual(self.echo_over_tls(server.url, cert)[0], "secret")

        result = run_wsprobe("serve", "--port", "0", "--tls-cert", key, "--tls-key", key)
        self.assertEqual(result.returncode, 2)
        self.assertRegex(result.stderr, r"^wsprobe: error: cannot use --tls-cert .*key\.pem \(.+\)\n")

    def test_plain_http_to_a_tls_port_is_dropped_and_the_server_serves_on(self):
        cert = os.path.join(self.directory.name, "cert.pem")
        with serving("--tls-self-signed", "--tls-cert-out", cert, "-v") as server:
            with RawClient(server.port) as client:
                client.send(upgrade_request())
                with self.assertRaises((EOFError, ConnectionResetError)):
                    client.read_response()
            self.assertEqual(self.echo_over_tls(server.url, cert)[0], "secret")
            stop_cleanly(server)  # before reading its log
        self.assertRegex(server.stderr_text(), r"^127\.0\.0\.1:\d+ no handshake: TLS: http request\n")


class ThousandConnections(unittest.TestCase):
    COUNT = 1000

    def setUp(self):
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        needed = self.COUNT + 100
        if soft < needed:
            if hard != resource.RLIM_INFINITY and hard < needed:
                self.skipTest(f"the open-file limit is {hard}")
            resource.setrlimit(resource.RLIMIT_NOFILE, (needed, hard))

    def test_all_open_at_once_all_echo_then_all_close(self):
        with serving() as server:
            async def scenario():
                started = time.monotonic()
                clients = await asyncio.gather(*(connect(server.url, compression=None) for _ in range(self.COUNT)))
                opened = time.monotonic() - started
                await asyncio.gather(*(ws.send(f"message {i}") for i, ws in enumerate(clients)))
                replies = await asyncio.gather(*(ws.recv() for ws in clients))
                await asyncio.gather(*(ws.close() for ws in clients))
                return opened, replies, [ws.close_rcvd.code for ws in clients]

            opened, replies, codes = run_async(scenario(), timeout=60)
            self.assertEqual(replies, [f"message {i}" for i in range(self.COUNT)])
            self.assertEqual(codes, [1000] * self.COUNT)
        print(f"\n{self.COUNT} connections opened in {opened:.2f} s", flush=True)


class Backpressure(unittest.TestCase):
    def test_a_client_that_never_reads_cannot_make_the_server_buffer_without_bound(self):
        frame = client_frame(0x2, bytes(64 * 1024))
        limit = 256 << 20  # far beyond what socket buffers and the server's output cap can hold
        with serving() as server:
            with RawClient(server.port) as client:
                client.upgrade()
                # Growth, not the total: a sanitizer build starts far larger.
                resident_before = resident_kib(server.process.pid)
                client.sock.setblocking(False)
                sent = 0
                stalled_at = None
                deadline = time.monotonic() + WAIT
                while sent < limit and time.monotonic() < deadline:
                    try:
                        sent += client.sock.send(frame[sent % len(frame):])
                    except BlockingIOError:
                        # Stalled: give the server a moment to prove it stays stalled.
                        if stalled_at is None:
                            stalled_at = time.monotonic()
                        elif time.monotonic() - stalled_at > 0.5:
                            break
                        select_writable(client.sock, 0.1)
                        continue
                    stalled_at = None
                self.assertLess(sent, 64 << 20, "the server kept reading from a client that does not read")
                self.assertLess(resident_kib(server.process.pid) - resident_before, 48 * 1024)

                # Once the client reads, the server goes on: every message it took comes back.
                client.sock.setblocking(True)
                whole_frames = sent // len(frame)
                for _ in range(whole_frames):
                    self.assertEqual(client.read_frame(), (True, 0x2, bytes(64 * 1024)))


def select_writable(sock, timeout):
    select.select([], [sock], [], timeout)


def resident_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        return int(re.search(r"^VmRSS:\s+(\d+) kB", status.read(), re.M).group(1))


class Stopping(unittest.TestCase):
    def stop_with(self, sig):
        with serving() as server:
            async def scenario():
                clients = [await connect(server.url) for _ in range(3)]
                for ws in clients:
                    await ws.send("hi")
                    await ws.recv()
                silent = socket.create_connection(("127.0.0.1", server.port))  # still in the handshake
                server.process.send_signal(sig)
                await asyncio.gather(*(ws.wait_closed() for ws in clients))
                silent.close()
                return [(ws.close_rcvd.code, ws.close_rcvd.reason) for ws in clients]

            codes = run_async(scenario())
            server.process.wait(timeout=WAIT)
            self.assertEqual(server.process.returncode, 0, server.stderr_text())
        self.assertEqual(codes, [(1001, "server shutting down")] * 3)

    def test_sigterm_closes_open_connections_with_1001_and_exits_0(self):
        self.stop_with(signal.SIGTERM)

    def test_sigint_too(self):
        self.stop_with(signal.SIGINT)


if __name__ == "__main__":
    unittest.main()
