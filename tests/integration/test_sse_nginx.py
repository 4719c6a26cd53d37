"""`wsprobe sse` through nginx, a server nobody here wrote: a file of events served as
text/event-stream over HTTP/2, and wsprobe serve's stream through nginx's proxy with
response buffering on (the production failure the burst warning is for) and off."""
import unittest

from support import Nginx, free_port, json_lines, run_wsprobe, serve

EVENTS = "id: 1\ndata: one\n\nid: 2\ndata: two\n\nid: 3\ndata: three\n\n"


class ThroughNginx(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = serve("--sse-interval", "30ms").__enter__()
        cls.h2_port, cls.proxy_port = free_port(), free_port()
        upstream = cls.server.port
        cls.nginx = Nginx(f"""
  types {{ text/event-stream txt; }}
  server {{ listen 127.0.0.1:{cls.h2_port} http2; root {{www}}; }}
  server {{
    listen 127.0.0.1:{cls.proxy_port};
    location /buffered/ {{
      proxy_pass http://127.0.0.1:{upstream}/;
      proxy_buffering on; proxy_buffer_size 1k; proxy_buffers 2 1k; proxy_busy_buffers_size 1k;
    }}
    location /unbuffered/ {{ proxy_pass http://127.0.0.1:{upstream}/; proxy_buffering off; }}
  }}""", ports=(cls.h2_port, cls.proxy_port), files={"events.txt": EVENTS}).__enter__()

    @classmethod
    def tearDownClass(cls):
        cls.nginx.__exit__(None, None, None)
        cls.server.__exit__(None, None, None)

    def test_a_file_of_events_over_http2(self):
        result = run_wsprobe("sse", f"http://127.0.0.1:{self.h2_port}/events.txt", "--http2",
                             "--max-events", "3", "--json")
        self.assertEqual(result.returncode, 0, result.stderr)
        lines = json_lines(result)
        self.assertEqual(lines[0]["version"], "HTTP/2")
        events = [line for line in lines if line["type"] == "event"]
        self.assertEqual([(e["id"], e["data"]) for e in events], [("1", "one"), ("2", "two"), ("3", "three")])

    def test_a_buffering_proxy_is_reported_as_bursts(self):
        result = run_wsprobe("sse", f"http://127.0.0.1:{self.proxy_port}/buffered/sse", "--duration", "4s",
                             "--json", timeout=30)
        self.assertEqual(result.returncode, 0, result.stderr)
        lines = json_lines(result)
        bursts = [line for line in lines if line["type"] == "warning" and line["id"] == "sse.burst"]
        self.assertGreaterEqual(len(bursts), 1, result.stdout)
        self.assertIn("buffering", bursts[0]["message"])
        self.assertGreater(lines[-1]["longest_gap_ms"], 1000)

    def test_without_buffering_the_same_stream_has_no_burst(self):
        result = run_wsprobe("sse", f"http://127.0.0.1:{self.proxy_port}/unbuffered/sse", "--duration", "2s",
                             "--json", timeout=30)
        self.assertEqual(result.returncode, 0, result.stderr)
        lines = json_lines(result)
        self.assertEqual([line for line in lines if line["type"] == "warning"], [])
        self.assertLess(lines[-1]["longest_gap_ms"], 500)


class InsistingOnHttp2(unittest.TestCase):
    def test_a_server_that_answers_with_http_1_1_fails(self):
        with serve("--tls-self-signed", "--sse-interval", "30ms") as server:
            url = server.url.replace("wss://", "https://") + "sse"
            result = run_wsprobe("sse", url, "-k", "--http2", "--json")
        self.assertEqual(result.returncode, 1)
        errors = [line for line in json_lines(result) if line["type"] == "error"]
        self.assertIn("not HTTP/2 (--http2)", errors[0]["message"])


if __name__ == "__main__":
    unittest.main()
