"""wsprobe's client side of permessage-deflate (RFC 7692) against Python's websockets server,
compressing in both directions with context takeover on and off, and against servers that
send a decompression bomb or corrupt compressed data."""
import zlib
import unittest

from support import json_lines, of_type, python_peer, run_wsprobe


def compressed_frame(payload, opcode=0x2):
    """One unmasked server frame with RSV1: raw DEFLATE, the trailing 00 00 ff ff removed (RFC 7692 7.2.1)."""
    compressor = zlib.compressobj(wbits=-15)
    data = compressor.compress(payload) + compressor.flush(zlib.Z_SYNC_FLUSH)
    assert data.endswith(b"\x00\x00\xff\xff")
    data = data[:-4]
    head = bytes([0x80 | 0x40 | opcode])
    if len(data) < 126:
        head += bytes([len(data)])
    elif len(data) < 65536:
        head += bytes([126]) + len(data).to_bytes(2, "big")
    else:
        head += bytes([127]) + len(data).to_bytes(8, "big")
    return head + data


class AgainstPythonWebsockets(unittest.TestCase):
    def echo(self, offer, lines):
        with python_peer("ws_server.py", "--deflate", "--greet", "hello " * 50) as server:
            # Python's websockets stops echoing once it has the client's Close: wait for the echoes.
            return run_wsprobe("connect", server.url, "--deflate" if offer is None else f"--deflate={offer}", "-v",
                               "--json", "--wait", "5s", "--count", str(len(lines) + 1),
                               input="".join(line + "\n" for line in lines))

    def check_echo(self, result, lines):
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        events = json_lines(result)
        messages = [m["data"] for m in of_type(events, "message")]
        self.assertEqual(messages, ["hello " * 50] + lines)
        frames = of_type(events, "frame")
        sent = [f for f in frames if f["direction"] == "out" and f["opcode_name"] == "text"]
        received = [f for f in frames if f["direction"] == "in" and f["opcode_name"] == "text"]
        self.assertTrue(all(f["rsv1"] for f in sent), "wsprobe compresses what it sends")
        self.assertTrue(all(f["rsv1"] for f in received), "the server compresses its echoes")
        self.assertLess(received[-1]["length"], len(lines[-1]) // 10, "a repetitive message shrinks")
        return events

    def test_compression_both_ways_with_context_takeover(self):
        lines = ["first message", "first message", "x" * 100_000]
        events = self.check_echo(self.echo(None, lines), lines)
        extension = of_type(events, "open")[0]["extensions"][0]
        self.assertEqual(extension["name"], "permessage-deflate")

    def test_compression_both_ways_without_context_takeover(self):
        lines = ["again and again", "again and again", "y" * 50_000]
        events = self.check_echo(self.echo("client_no_context_takeover; server_no_context_takeover", lines), lines)
        params = of_type(events, "open")[0]["extensions"][0]["params"]
        self.assertIn("server_no_context_takeover", params)
        self.assertIn("client_no_context_takeover", params)

    def test_smaller_windows_are_negotiated_and_used(self):
        lines = ["z" * 20_000]
        events = self.check_echo(self.echo("client_max_window_bits=9; server_max_window_bits=10", lines), lines)
        params = of_type(events, "open")[0]["extensions"][0]["params"]
        self.assertEqual(params.get("server_max_window_bits"), "10")


class BrokenCompressingServers(unittest.TestCase):
    def connect(self, frames, *args):
        with python_peer("bad_server.py", "deflate-frames", frames.hex()) as peer:
            return run_wsprobe("connect", peer.url, "--deflate", "--no-stdin", "--json", *args)

    def test_a_decompression_bomb_is_stopped_at_the_limit_with_1009(self):
        bomb = compressed_frame(bytes(8 * 1024 * 1024))  # 8 MiB of zeros in a few KiB
        self.assertLess(len(bomb), 16 * 1024)
        result = self.connect(bomb, "--max-message-size", "1MiB")
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        close, = of_type(json_lines(result), "close")
        self.assertEqual(close["sent_code"], 1009)
        self.assertIn("RFC 6455 10.4", close["violation"]["text"])

    def test_corrupt_compressed_data_fails_with_1007(self):
        corrupt = bytes([0xC2, 0x04, 0xFF, 0xFF, 0xFF, 0xFF])
        result = self.connect(corrupt)
        self.assertEqual(result.returncode, 1)
        close, = of_type(json_lines(result), "close")
        self.assertEqual(close["sent_code"], 1007)
        self.assertIn("RFC 7692", close["violation"]["text"])

    def test_rsv1_on_a_control_frame_fails_with_1002(self):
        result = self.connect(bytes([0xC9, 0x00]))
        close, = of_type(json_lines(result), "close")
        self.assertEqual(close["sent_code"], 1002)
        self.assertIn("RFC 7692 6.1", close["violation"]["text"])

    def test_a_good_compressed_message_is_inflated(self):
        result = self.connect(compressed_frame(b"squeezed text", opcode=0x1) + bytes([0x88, 0x02, 0x03, 0xE8]))
        self.assertEqual([m["data"] for m in of_type(json_lines(result), "message")], ["squeezed text"])


if __name__ == "__main__":
    unittest.main()
