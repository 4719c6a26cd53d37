"""An event stream server on Python's standard http.server, a peer nobody on this project
wrote. Prints 'listening on http://127.0.0.1:PORT/' when ready.

Paths (query parameters in brackets):
  /events[?n=5&interval=0.02&retry=MS]  n numbered events, ids resumed after Last-Event-ID, then the
                                        body ends; the first event's data names the Last-Event-ID received
  /status/CODE                          that status with a text/event-stream body
  /type[?value=TYPE][&hold=SECONDS]     200 with that Content-Type (none without the parameter),
                                        the body held open that long
  /then-204                             two events; a reconnection (with Last-Event-ID) gets 204
  /burst                                two events, 1.2 s of silence, then five events in one write
  /gzip                                 gzip-encoded events, flushed one by one, no Cache-Control
  /redirect                             302 to /events?n=2
  /big-comment[?size=N]                 a comment line of N bytes (1 MB), then two events
  /flood[?bytes=N&event=TEXT]           N bytes (200 MiB) of one event repeated, as fast as the socket
                                        takes them, then the body ends (scripts/sse_compare.sh)
  /silent                               reads the request, prints 'silent request' on stdout, and
                                        never answers (for 30 s)
"""
import sys
import time
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def start(self, status=200, content_type="text/event-stream", extra=()):
        self.send_response(status)
        if content_type != "none":
            self.send_header("Content-Type", content_type)
        for name, value in extra:
            self.send_header(name, value)
        self.end_headers()

    def write(self, text):
        self.wfile.write(text.encode())
        self.wfile.flush()

    def flood(self, size, event):
        # Whole events in 1 MiB writes: the server costs little next to the client.
        block = event.encode() * max(1, (1 << 20) // len(event.encode()))
        sent = 0
        while sent + len(block) <= size:
            self.wfile.write(block)
            sent += len(block)
        whole_events = (size - sent) // len(event.encode())
        self.wfile.write(event.encode() * whole_events)
        self.wfile.flush()

    def do_GET(self):
        url = urlparse(self.path)
        query = {key: values[0] for key, values in parse_qs(url.query).items()}
        parts = url.path.strip("/").split("/")
        if parts[0] == "events":
            self.start(extra=[("Cache-Control", "no-cache")])
            last = self.headers.get("Last-Event-ID", "")
            first = int(last) + 1 if last.isdigit() else 1
            self.write(": keep-alive\n\n")
            if "retry" in query:
                self.write(f"retry: {query['retry']}\n\n")
            for n in range(first, first + int(query.get("n", 5))):
                data = f"last-event-id={last}" if n == first else f"event {n}"
                self.write(f"id: {n}\ndata: {data}\n\n")
                time.sleep(float(query.get("interval", 0.02)))
        elif parts[0] == "status":
            self.start(status=int(parts[1]), extra=[("Content-Length", "0")] if parts[1] == "204" else [])
            if parts[1] != "204":
                self.write("data: never seen\n\n")
        elif parts[0] == "type":
            self.start(content_type=query.get("value", "none"), extra=[("Cache-Control", "no-cache")])
            self.write("data: typed\n\n")
            time.sleep(float(query.get("hold", 0)))
        elif parts[0] == "then-204":
            if self.headers.get("Last-Event-ID"):
                self.start(status=204, extra=[("Content-Length", "0")])
            else:
                self.start(extra=[("Cache-Control", "no-cache")])
                self.write("id: 1\ndata: one\n\nid: 2\ndata: two\n\n")
        elif parts[0] == "burst":
            self.start(extra=[("Cache-Control", "no-cache")])
            for n in (1, 2):
                self.write(f"id: {n}\ndata: tick {n}\n\n")
            time.sleep(1.2)
            self.write("".join(f"id: {n}\ndata: tick {n}\n\n" for n in range(3, 8)))
        elif parts[0] == "gzip":
            self.start(extra=[("Content-Encoding", "gzip")])
            compressor = zlib.compressobj(wbits=31)
            for n in (1, 2, 3):
                self.wfile.write(compressor.compress(f"id: {n}\ndata: zipped {n}\n\n".encode()))
                self.wfile.write(compressor.flush(zlib.Z_SYNC_FLUSH))
                self.wfile.flush()
            self.wfile.write(compressor.flush())
        elif parts[0] == "big-comment":
            self.start(extra=[("Cache-Control", "no-cache")])
            self.write(":" + "c" * int(query.get("size", 1_000_000)) + "\n")
            self.write("data: one\n\ndata: two\n\n")
        elif parts[0] == "flood":
            self.start(extra=[("Cache-Control", "no-cache")])
            self.flood(int(query.get("bytes", 200 << 20)), query.get("event", 'data: {"price":123.45}\n\n'))
        elif parts[0] == "silent":
            print("silent request", flush=True)
            time.sleep(30)
        elif parts[0] == "redirect":
            self.start(status=302, content_type="none", extra=[("Location", "/events?n=2")])
        else:
            self.start(status=404, content_type="text/plain")


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print(f"listening on http://127.0.0.1:{server.server_address[1]}/", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(0)
