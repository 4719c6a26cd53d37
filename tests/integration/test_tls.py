"""`wsprobe handshake` over TLS against `wsprobe serve --tls-self-signed`: verified with
--cacert, unverified with -k, and refused (exit 3) with neither. And ws:// through an
https:// proxy (tinyproxy behind a TLS front), where TLS runs to the proxy only."""
import json
import os
import shutil
import subprocess
import tempfile
import unittest

from support import Tinyproxy, by_type, python_peer, run_wsprobe, serve


class HandshakeOverTls(unittest.TestCase):
    def setUp(self):
        self.directory = tempfile.TemporaryDirectory()
        self.cert = os.path.join(self.directory.name, "cert.pem")

    def tearDown(self):
        self.directory.cleanup()

    def test_verified_with_the_servers_certificate_as_ca(self):
        with serve("--tls-self-signed", "--tls-cert-out", self.cert) as server:
            self.assertTrue(server.url.startswith("wss://127.0.0.1:"), server.url)
            result = run_wsprobe("handshake", server.url, "--cacert", self.cert, "--json")
        self.assertEqual(result.returncode, 0, result.stderr)
        report = by_type(result)
        tls = report["timings"]["tls"]
        self.assertTrue(tls["verified"])
        self.assertEqual(tls["verify_result"], "ok")
        self.assertTrue(tls["version"].startswith("TLSv1."))
        self.assertEqual(tls["alpn"] in ("", "http/1.1"), True)
        self.assertIn("CN=localhost", tls["subject"])
        self.assertIn("IP:127.0.0.1", tls["subject_alt_names"])
        self.assertRegex(tls["not_after"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        self.assertGreater(report["timings"]["tls_ms"], 0)
        self.assertEqual(report["close"]["code"], 1000)

    def test_insecure_connects_and_reports_the_failed_verification(self):
        with serve("--tls-self-signed") as server:
            result = run_wsprobe("handshake", server.url, "-k")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("tls: TLSv1.", result.stdout)
        self.assertIn("verification: self-signed certificate", result.stdout)

    def test_unverifiable_certificate_cannot_connect(self):
        with serve("--tls-self-signed") as server:
            result = run_wsprobe("handshake", server.url)
        self.assertEqual(result.returncode, 3, result.stdout + result.stderr)
        first, hint = result.stderr.splitlines()[:2]
        self.assertTrue(first.startswith("wsprobe: error: could not connect to wss://127.0.0.1:"), first)
        self.assertIn("--cacert", hint)


class ThroughAnHttpsProxy(unittest.TestCase):
    """TLS to the proxy, a CONNECT tunnel inside it, plain WebSocket inside that: every
    frame must go through libcurl's TLS to the proxy, none straight to the socket."""

    def setUp(self):
        for tool in ("tinyproxy", "openssl"):
            if not shutil.which(tool):
                self.fail(f"{tool} is missing: run scripts/bootstrap.sh")
        self.directory = tempfile.TemporaryDirectory()
        self.cert = os.path.join(self.directory.name, "proxy.pem")
        self.key = os.path.join(self.directory.name, "proxy.key")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
                        "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", self.key, "-out", self.cert],
                       check=True, capture_output=True, timeout=30)

    def tearDown(self):
        self.directory.cleanup()

    def test_messages_and_pings_flow_through_tls_to_the_proxy(self):
        with serve() as server, Tinyproxy() as proxy, \
                python_peer("tls_relay.py", self.cert, self.key, str(proxy.port)) as front:
            proxy_url = front.url.rstrip("/")
            # no_proxy from the caller's environment would take loopback around the proxy.
            env = {name: value for name, value in os.environ.items() if name.lower() != "no_proxy"}
            echoed = run_wsprobe("connect", server.url, "--proxy", proxy_url, "--proxy-cacert", self.cert,
                                 "--send", "through the tunnel", "--wait", "1s", "--json", env=env)
            pinged = run_wsprobe("heartbeat", server.url, "--proxy-insecure", "--interval", "50ms", "--pings", "3",
                                 "--json", env={**env, "http_proxy": proxy_url})
            unverified = run_wsprobe("handshake", server.url, "--proxy", proxy_url, env=env)
            connects = proxy.log().count("CONNECT 127.0.0.1:%d" % server.port)
        self.assertEqual(echoed.returncode, 0, echoed.stdout + echoed.stderr)
        messages = [json.loads(line) for line in echoed.stdout.splitlines() if '"type":"message"' in line]
        self.assertEqual([message["data"] for message in messages], ["through the tunnel"])
        self.assertEqual(pinged.returncode, 0, pinged.stdout + pinged.stderr)
        summary = json.loads(pinged.stdout.splitlines()[-1])
        self.assertEqual((summary["sent"], summary["answered"]), (3, 3))
        self.assertEqual(unverified.returncode, 3, unverified.stdout + unverified.stderr)
        self.assertIn("--proxy-cacert", unverified.stderr)
        self.assertEqual(connects, 2)


if __name__ == "__main__":
    unittest.main()
