"""A deliberately broken WebSocket server, one misbehaviour per mode, for the tests of
how wsprobe reports bad peers. Prints 'listening on ws://127.0.0.1:PORT/' when ready
and serves connections one after another until killed.

Usage: bad_server.py MODE
  garbage          answers the request with a line that is not HTTP, then closes
  close-mid-head   sends half a status line, then closes
  huge-head        a 101 whose header block is over 16 KiB
  wrong-accept     a complete 101 with a wrong Sec-WebSocket-Accept
  silent           reads the request and never answers
  refuse-426       426 Upgrade Required with Sec-WebSocket-Version: 13 and a body
  no-close-reply   a valid 101, then ignores the client's Close and keeps TCP open
  masked-close     a valid 101, then answers the Close with a masked (illegal) Close
  hostile-header   a valid 101 with a header meant to rewrite the terminal (C1 CSI, RTL override)
  escape-header    a 101 with an ESC byte in a header value (not allowed in HTTP)
  secret-head      a 101 with a Set-Cookie header, then a line that is not a header
  frames HEX       a valid 101, then the bytes HEX as frames; then reads until the client leaves
  drop             a valid 101, one text frame "bye", then closes TCP without a Close
  deflate-frames HEX  like frames, with permessage-deflate accepted in the 101
  flood            a valid 101, then text frames "a" without end, until the client leaves
  close-then-reset a valid 101, answers the Close with a Close, then resets TCP (RST)
  close-keep-open  a valid 101, answers the Close with a Close, then keeps TCP open
  body-fields-101  a valid 101 that also has Content-Length: 0 (not allowed on a 1xx)
  http10-101       a valid 101 on an HTTP/1.0 status line
  accept-any       a valid 101 to any request, whatever its version, key or method
  drop-on-frame    a valid 101; closes TCP, without a Close, on the client's first frame
  pong-other       a valid 101; answers every Ping with a Pong "xyz" and a Close with a Close
  frames-after-close HEX DELAY_MS  a valid 101; answers the Close with a Close, then after
                   DELAY_MS sends the bytes HEX and closes
"""
import base64
import hashlib
import socket
import struct
import sys
import threading
import time

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


def read_head(conn):
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(4096)
        if not chunk:
            return None
        data += chunk
    return data.decode("latin-1")


def accept_for(head):
    for line in head.split("\r\n"):
        name, _, value = line.partition(":")
        if name.strip().lower() == "sec-websocket-key":
            digest = hashlib.sha1((value.strip() + GUID).encode()).digest()
            return base64.b64encode(digest).decode()
    return ""


def upgrade(accept, extensions=None):
    extra = f"Sec-WebSocket-Extensions: {extensions}\r\n" if extensions else ""
    return (
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        f"Sec-WebSocket-Accept: {accept}\r\n{extra}\r\n"
    ).encode()


def client_frames(conn):
    """Yields (opcode, payload) for each frame the client sends, until it leaves."""
    data = b""
    while True:
        while len(data) >= 2:
            size, at = data[1] & 0x7F, 2
            if size == 126:
                size, at = struct.unpack(">H", data[2:4])[0] if len(data) >= 4 else -1, 4
            elif size == 127:
                size, at = struct.unpack(">Q", data[2:10])[0] if len(data) >= 10 else -1, 10
            masked = data[1] & 0x80
            end = at + (4 if masked else 0) + size
            if size < 0 or len(data) < end:
                break
            key = data[at:at + 4] if masked else b"\0\0\0\0"
            payload = bytes(b ^ key[i % 4] for i, b in enumerate(data[end - size:end]))
            yield data[0] & 0x0F, payload
            data = data[end:]
        chunk = conn.recv(4096)
        if not chunk:
            return
        data += chunk


def answer_close(conn):
    """Reads until the client's Close (or the end) and answers it with Close 1000."""
    for opcode, _ in client_frames(conn):
        if opcode == 0x8:
            conn.sendall(bytes([0x88, 0x02, 0x03, 0xE8]))
            return


def serve(conn, mode):
    head = read_head(conn)
    if head is None:
        return
    if mode == "garbage":
        conn.sendall(b"SSH-2.0-OpenSSH_9.2\r\n")
    elif mode == "close-mid-head":
        conn.sendall(b"HTTP/1.1 101 Swit")
    elif mode == "huge-head":
        conn.sendall(b"HTTP/1.1 101 Switching Protocols\r\n" + b"X-Filler: " + b"a" * 17000 + b"\r\n\r\n")
    elif mode == "wrong-accept":
        conn.sendall(upgrade("dGhpcyBpcyBub3QgdGhlIGFjY2VwdA=="))
    elif mode == "silent":
        conn.recv(1)  # until the client gives up
    elif mode == "refuse-426":
        body = b"upgrade with version 13"
        conn.sendall(
            b"HTTP/1.1 426 Upgrade Required\r\nSec-WebSocket-Version: 13\r\nContent-Type: text/plain\r\n"
            b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body
        )
    elif mode == "no-close-reply":
        conn.sendall(upgrade(accept_for(head)))
        conn.recv(1024)
        conn.recv(1)  # keep TCP open until the client leaves
    elif mode == "masked-close":
        conn.sendall(upgrade(accept_for(head)))
        conn.recv(1024)
        conn.sendall(bytes([0x88, 0x82, 1, 2, 3, 4, 0x03 ^ 1, 0xE8 ^ 2]))
    elif mode == "hostile-header":
        evil = "X-Evil: \u009b31mred\u202eedoc\r\n".encode()
        conn.sendall(upgrade(accept_for(head))[:-2] + evil + b"\r\n")
        conn.recv(1024)
        conn.sendall(bytes([0x88, 0x02, 0x03, 0xE8]))
    elif mode == "frames":
        conn.sendall(upgrade(accept_for(head)) + bytes.fromhex(sys.argv[2]))
        while conn.recv(4096):
            pass
    elif mode == "deflate-frames":
        conn.sendall(upgrade(accept_for(head), "permessage-deflate") + bytes.fromhex(sys.argv[2]))
        while conn.recv(4096):
            pass
    elif mode == "drop":
        conn.sendall(upgrade(accept_for(head)) + bytes([0x81, 0x03]) + b"bye")
    elif mode in ("close-then-reset", "close-keep-open"):
        conn.sendall(upgrade(accept_for(head)))
        conn.recv(1024)
        conn.sendall(bytes([0x88, 0x02, 0x03, 0xE8]))
        if mode == "close-then-reset":
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        else:
            conn.recv(1)  # until the client leaves
    elif mode == "flood":
        conn.sendall(upgrade(accept_for(head)))
        frames = bytes([0x81, 0x01]) + b"a"
        try:
            while True:
                conn.sendall(frames * 10000)
        except OSError:
            pass
    elif mode in ("body-fields-101", "http10-101"):
        response = upgrade(accept_for(head))
        if mode == "body-fields-101":
            response = response[:-2] + b"Content-Length: 0\r\n\r\n"
        else:
            response = response.replace(b"HTTP/1.1 101", b"HTTP/1.0 101", 1)
        conn.sendall(response)
        answer_close(conn)
    elif mode == "drop-on-frame":
        conn.sendall(upgrade(accept_for(head)))
        conn.recv(1)
    elif mode == "pong-other":
        conn.sendall(upgrade(accept_for(head)))
        for opcode, _ in client_frames(conn):
            if opcode == 0x9:
                conn.sendall(bytes([0x8A, 0x03]) + b"xyz")
            elif opcode == 0x8:
                conn.sendall(bytes([0x88, 0x02, 0x03, 0xE8]))
                break
    elif mode == "accept-any":
        conn.sendall(upgrade(accept_for(head)))
        answer_close(conn)
    elif mode == "frames-after-close":
        conn.sendall(upgrade(accept_for(head)))
        answer_close(conn)
        time.sleep(int(sys.argv[3]) / 1000)
        conn.sendall(bytes.fromhex(sys.argv[2]))
        time.sleep(0.05)
    elif mode == "secret-head":
        conn.sendall(b"HTTP/1.1 101 OK\r\nSet-Cookie: s=TOPSECRET\r\nnot a header\r\n\r\n")
    elif mode == "escape-header":
        conn.sendall(b"HTTP/1.1 101 Switching Protocols\r\nX-Evil: \x1b]0;owned\x07\r\n\r\n")
    conn.close()


def main():
    mode = sys.argv[1]
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    print(f"listening on ws://127.0.0.1:{listener.getsockname()[1]}/", flush=True)
    while True:
        conn, _ = listener.accept()
        threading.Thread(target=serve, args=(conn, mode), daemon=True).start()


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        pass
