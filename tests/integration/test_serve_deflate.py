"""`wsprobe serve --deflate` (RFC 7692 permessage-deflate) against Python's websockets client,
which compresses and inflates with zlib on its own, and raw sockets that send what a polite client
would not: the context takeover and window parameters both ways, fragmented and large messages, a
decompression bomb, corrupt data and misplaced RSV1 bits.

Run by ctest with WSPROBE set to the binary under test. Every wait is bounded, and all traffic stays
on loopback.
"""
import itertools
import os
import unittest
import zlib

from websockets.extensions.permessage_deflate import ClientPerMessageDeflateFactory, PerMessageDeflate

from support import serve
from test_serve import RawClient, client_frame, connect, run_async, serving, stop_cleanly, upgrade_request

# Messages zlib compresses well, and one it cannot compress at all.
JSON_TEXT = "".join(f'{{"id":{i},"name":"item {i}","tags":["a","b"],"price":{i * 37 % 1000}.5}},' for i in range(2000))
RANDOM = os.urandom(1 << 20)


def deflate_payload(data, compressor=None):
    """`data` as RFC 7692 7.2.1 compresses a message: raw DEFLATE, sync-flushed, 00 00 ff ff stripped."""
    compressor = compressor or zlib.compressobj(wbits=-15)
    compressed = compressor.compress(data) + compressor.flush(zlib.Z_SYNC_FLUSH)
    assert compressed.endswith(b"\x00\x00\xff\xff")
    return compressed[:-4]


def compressed_frame(opcode, payload, fin=True):
    """A masked client frame with RSV1, the per-message-compressed bit."""
    return client_frame(0x40 | opcode, payload, fin=fin)


class DeflateRawClient(RawClient):
    def upgrade_with_deflate(self, offer="permessage-deflate"):
        """Upgrades offering `offer`; returns the server's Sec-WebSocket-Extensions."""
        self.send(upgrade_request(extra=(f"Sec-WebSocket-Extensions: {offer}",)))
        status, fields, _ = self.read_response()
        assert status == 101, (status, fields)
        return fields.get("sec-websocket-extensions")

    def read_frame_with_rsv1(self):
        """(rsv1, fin, opcode, payload) of the server's next frame."""
        first = self._read_exact(1)
        self.buffer = first + self.buffer
        return (bool(first[0] & 0x40), *self.read_frame())


def echo_all(url, messages, **connect_kwargs):
    """Sends each message (a list sends fragments) and returns the echoes and the negotiated extensions."""

    async def exchange():
        async with connect(url, **connect_kwargs) as ws:
            replies = []
            for message in messages:
                await ws.send(message)
                replies.append(await ws.recv())
            return replies, ws.extensions

    return run_async(exchange())


class EchoWithPythonWebsockets(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = serve("--deflate").__enter__()

    @classmethod
    def tearDownClass(cls):
        stop_cleanly(cls.server)

    def test_compressed_messages_come_back_unchanged(self):
        messages = ["Hello", "Hello", "κόσμε", "", b"", b"\x00\xff" * 10, JSON_TEXT, RANDOM, JSON_TEXT * 20]
        replies, extensions = echo_all(self.server.url, messages, compression="deflate")
        self.assertEqual(len(extensions), 1)
        self.assertIsInstance(extensions[0], PerMessageDeflate)
        self.assertEqual(replies, messages)

    def test_fragmented_messages_come_back_whole(self):
        # websockets compresses each fragment with a sync flush and strips 00 00 ff ff from the last only.
        messages = [["frag", "men", "", "ted ", "κό", "σμε"], [b"\x01" * 70000, RANDOM[:70000], b"\x02" * 3]]
        replies, _ = echo_all(self.server.url, messages, compression="deflate")
        self.assertEqual(replies, ["fragmented κόσμε", b"\x01" * 70000 + RANDOM[:70000] + b"\x02" * 3])

    def test_every_context_takeover_combination(self):
        # With server_no_context_takeover websockets inflates each echo with a fresh window, so an
        # echo referring back into the previous one would fail; with client_no_context_takeover the
        # client resets its own compressor.
        messages = [JSON_TEXT[:5000]] * 3 + ["Hello"] * 3
        for client_reset, server_reset in itertools.product((False, True), repeat=2):
            with self.subTest(client_no_context_takeover=client_reset, server_no_context_takeover=server_reset):
                factory = ClientPerMessageDeflateFactory(
                    client_no_context_takeover=client_reset, server_no_context_takeover=server_reset
                )
                replies, extensions = echo_all(self.server.url, messages, extensions=[factory])
                self.assertEqual(replies, messages)
                self.assertEqual(extensions[0].remote_no_context_takeover, server_reset)
                self.assertEqual(extensions[0].local_no_context_takeover, client_reset)

    def test_window_bits_both_ways(self):
        # Random blocks repeated at distances of 300 and 600 bytes, within and across messages. A
        # server window of 8 bits compresses with 9 (zlib has no raw 8-bit window) but reaches back at
        # most 250 bytes, which the client's 8-bit inflater holds.
        block300, block600 = os.urandom(300), os.urandom(600)
        messages = [block300 * 4, block300, block600 * 3, block600]
        for server_bits, client_bits in ((8, 9), (9, 10), (12, 15), (15, 9)):
            with self.subTest(server_max_window_bits=server_bits, client_max_window_bits=client_bits):
                factory = ClientPerMessageDeflateFactory(
                    server_max_window_bits=server_bits, client_max_window_bits=client_bits
                )
                replies, extensions = echo_all(self.server.url, messages, extensions=[factory])
                self.assertEqual(replies, messages)
                self.assertEqual((extensions[0].remote_max_window_bits, extensions[0].local_max_window_bits),
                                 (server_bits, client_bits))

    def test_a_client_without_compression_gets_plain_echoes(self):
        replies, extensions = echo_all(self.server.url, ["plain", b"bytes"], compression=None)
        self.assertEqual((replies, extensions), (["plain", b"bytes"], []))


class CompressedFramesOnTheWire(unittest.TestCase):
    """The server's frames byte for byte, and its answers to a client that breaks RFC 7692."""

    @classmethod
    def setUpClass(cls):
        cls.server = serve("--deflate", "--max-message-size", "1MiB").__enter__()

    @classmethod
    def tearDownClass(cls):
        stop_cleanly(cls.server)

    def close_after(self, *frames):
        with DeflateRawClient(self.server.port) as client:
            self.assertEqual(client.upgrade_with_deflate(), "permessage-deflate")
            return client.close_in_reply_to(frames)

    def test_the_rfc_hello_examples_both_ways(self):
        # RFC 7692 7.2.3.1 and 7.2.3.2: RSV1 set, and the second "Hello" refers back into the first.
        with DeflateRawClient(self.server.port) as client:
            client.upgrade_with_deflate()
            client.send(compressed_frame(0x1, bytes.fromhex("f248cdc9c90700")))
            self.assertEqual(client.read_frame_with_rsv1(), (True, True, 0x1, bytes.fromhex("f248cdc9c90700")))
            client.send(compressed_frame(0x1, bytes.fromhex("f200110000")))
            self.assertEqual(client.read_frame_with_rsv1(), (True, True, 0x1, bytes.fromhex("f200110000")))
            # A message sent uncompressed is echoed compressed, with the window the two "Hello"s left.
            client.send(client_frame(0x1, b"Hello, not compressed"))
            rsv1, _, _, payload = client.read_frame_with_rsv1()
            self.assertTrue(rsv1)
            inflater = zlib.decompressobj(wbits=-15)
            inflated = [inflater.decompress(bytes.fromhex(echo) + b"\x00\x00\xff\xff")
                        for echo in ("f248cdc9c90700", "f200110000", payload.hex())]
            self.assertEqual(inflated, [b"Hello", b"Hello", b"Hello, not compressed"])

    def test_a_decompression_bomb_gets_1009_without_the_server_inflating_it(self):
        bomb = deflate_payload(bytes(16 << 20))
        self.assertLess(len(bomb), 32 * 1024)
        code, reason = self.close_after(compressed_frame(0x2, bomb))
        self.assertEqual(code, 1009)
        self.assertEqual(reason, "RFC 6455 10.4: message larger than the limit (at least 1048577 bytes after "
                                 "inflating, limit 1048576)")
        replies, _ = echo_all(self.server.url, ["still serving"], compression="deflate")
        self.assertEqual(replies, ["still serving"])

    def test_a_bomb_split_into_fragments_gets_1009_too(self):
        bomb = deflate_payload(bytes(4 << 20))
        frames = [compressed_frame(0x2, bomb[:1000], fin=False)]
        frames += [client_frame(0x0, bomb[at:at + 1000], fin=False) for at in range(1000, len(bomb), 1000)]
        frames.append(client_frame(0x0, b""))
        self.assertEqual(self.close_after(b"".join(frames))[0], 1009)

    def test_corrupt_data_gets_1007(self):
        self.assertEqual(self.close_after(compressed_frame(0x1, b"\xff\xff\xff")),
                         (1007, "RFC 7692 7.2.2: compressed message does not inflate (invalid block type)"))

    def test_invalid_utf8_after_inflating_gets_1007(self):
        code, reason = self.close_after(compressed_frame(0x1, deflate_payload(b"ok \xc0\xaf")))
        self.assertEqual((code, reason), (1007, "RFC 6455 8.1: text message is not valid UTF-8 (invalid byte at "
                                                "offset 3)"))

    def test_rsv1_on_a_continuation_or_control_frame_gets_1002(self):
        payload = deflate_payload(b"Hello")
        code, reason = self.close_after(compressed_frame(0x1, payload[:3], fin=False), compressed_frame(0x0, payload[3:]))
        self.assertEqual((code, reason), (1002, "RFC 7692 6.1: RSV1 (compressed) set on a continuation frame, not "
                                                "the message's first"))
        self.assertEqual(self.close_after(compressed_frame(0x9, b""))[0], 1002)

    def test_the_offer_is_accepted_as_offered(self):
        with DeflateRawClient(self.server.port) as client:
            agreed = client.upgrade_with_deflate(
                "permessage-deflate; server_max_window_bits=10; client_max_window_bits, permessage-deflate"
            )
            self.assertEqual(agreed, "permessage-deflate; server_max_window_bits=10")


class Logging(unittest.TestCase):
    def test_verbose_logs_the_agreed_extension(self):
        with serving("-v", "--deflate") as server:
            factory = ClientPerMessageDeflateFactory(server_no_context_takeover=True)
            echo_all(server.url, ["Hello"], extensions=[factory])
        self.assertRegex(server.stderr_text(),
                         r"127\.0\.0\.1:\d+ upgraded / extensions=permessage-deflate; server_no_context_takeover\n")


if __name__ == "__main__":
    unittest.main()
