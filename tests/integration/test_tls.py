"""`wsprobe handshake` over TLS against `wsprobe serve --tls-self-signed`: verified with
--cacert, unverified with -k, and refused (exit 3) with neither."""
import json
import os
import tempfile
import unittest

from support import run_wsprobe, serve


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
        report = json.loads(result.stdout)
        tls = report["tls"]
        self.assertTrue(tls["verified"])
        self.assertEqual(tls["verify_result"], "ok")
        self.assertTrue(tls["version"].startswith("TLSv1."))
        self.assertEqual(tls["alpn"] in ("", "http/1.1"), True)
        self.assertIn("CN=localhost", tls["subject"])
        self.assertIn("IP:127.0.0.1", tls["subject_alt_names"])
        self.assertRegex(tls["not_after"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        self.assertGreater(report["timings_ms"]["tls"], 0)
        self.assertEqual(report["close"]["received_code"], 1000)

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


if __name__ == "__main__":
    unittest.main()
