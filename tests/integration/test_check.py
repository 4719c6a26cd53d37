"""`wsprobe check`: the conformance catalogue against wsprobe serve (every case passes),
against Python's websockets (its known deviations are non-strict), and against a
server that breaks rules (the cases that see it fail)."""
import json
import os
import tempfile
import unittest
import xml.etree.ElementTree as ElementTree

from support import python_peer, run_wsprobe, serve


def outcomes(result):
    return {line["id"]: line["outcome"] for line in map(json.loads, result.stdout.splitlines()) if line["type"] == "case"}


class Catalogue(unittest.TestCase):
    def test_list_needs_no_server_and_filters_by_prefix(self):
        everything = run_wsprobe("check", "--list")
        self.assertEqual(everything.returncode, 0, everything.stderr)
        self.assertEqual(len(everything.stdout.splitlines()), 575)
        close = run_wsprobe("check", "--list", "--cases", "close/7.9", "--cases", "2.1")
        ids = [line.split()[0] for line in close.stdout.splitlines()]
        self.assertEqual(ids, ["pingpong/2.1", "pingpong/2.10", "pingpong/2.11"] + [f"close/7.9.{i}" for i in range(1, 10)])
        fewer = run_wsprobe("check", "--list", "--cases", "utf8", "--exclude", "utf8/6.")
        self.assertEqual(fewer.returncode, 2)
        self.assertIn("no case matches", fewer.stderr)

    def test_a_server_that_cannot_be_reached_is_exit_3_not_a_failed_case(self):
        from support import free_port
        for profile in ("auto", "echo"):
            result = run_wsprobe("check", f"ws://127.0.0.1:{free_port()}/", "--profile", profile)
            self.assertEqual(result.returncode, 3, result.stdout)
            self.assertIn("could not connect", result.stderr)
        sse = run_wsprobe("check", "--sse", f"http://127.0.0.1:{free_port()}/sse")
        self.assertEqual(sse.returncode, 3, sse.stdout)

    def test_a_report_path_that_cannot_be_written_is_a_usage_error_before_any_case(self):
        from support import free_port
        # Nothing listens on the port: a run that started would end with exit 3 instead.
        for option in ("--json-report", "--junit"):
            result = run_wsprobe("check", f"ws://127.0.0.1:{free_port()}/", option, "/nonexistent/report")
            self.assertEqual(result.returncode, 2, option)
            self.assertIn(f"{option} /nonexistent/report cannot be written", result.stderr)

    def test_a_url_is_needed_to_run(self):
        result = run_wsprobe("check")
        self.assertEqual(result.returncode, 2)
        self.assertIn("needs a URL", result.stderr)


class AgainstServe(unittest.TestCase):
    def test_every_case_passes_compression_included_and_the_report_says_so(self):
        with serve("--deflate") as server, tempfile.TemporaryDirectory() as folder:
            report_path = os.path.join(folder, "report.json")
            result = run_wsprobe("check", server.url, "--json-report", report_path, timeout=180)
            human = run_wsprobe("check", server.url, "--cases", "close", timeout=60)
            with open(report_path) as report_file:
                report = json.load(report_file)
        self.assertEqual(result.returncode, 0, result.stdout[-2000:])
        self.assertIn("575 cases, 571 passed, 0 non-strict, 0 failed, 0 unimplemented, 4 informational", result.stdout)
        self.assertEqual(report["summary"]["cases"], 575)
        self.assertEqual(report["summary"]["exit_code"], 0)
        self.assertEqual((report["plan"]["profile"], report["plan"]["skipped"]), ("echo", []))
        informational = sorted(case["id"] for case in report["cases"] if case["outcome"] == "informational")
        self.assertEqual(informational, ["close/7.1.6", "close/7.13.1", "close/7.13.2", "handshake/10.2/1"])
        cases = {case["id"]: case for case in report["cases"]}
        utf8 = cases["utf8/6.3.1"]
        self.assertEqual((utf8["autobahn"], utf8["section"], utf8["level"]), ("6.3.1", "RFC 6455 8.1", "MUST"))
        self.assertEqual((utf8["close"]["closed_by"], utf8["close"]["code"], utf8["close"]["outcome"]),
                         ("server", 1007, "pass"))
        reply = cases["close/7.7.3"]["close"]
        self.assertEqual((reply["closed_by"], reply["clean"], reply["code"]), ("wsprobe", True, 1002))
        refused = cases["handshake/4.2.2/7"]
        self.assertEqual((refused["outcome"], refused["status"]), ("pass", 426))
        self.assertEqual([verdict["rule"] for verdict in refused["verdicts"]], ["handshake.refusal", "handshake.version-list"])
        self.assertEqual(cases["compression/13.7.18"]["frames_sent"] > 8, True)
        self.assertRegex(human.stdout, r"\nclose +37 +34 +0 +0 +0 +3 ")

    def test_compression_cases_are_unimplemented_when_the_server_does_not_compress(self):
        with serve() as server:
            result = run_wsprobe("check", server.url, "--cases", "compression/12.1", "--cases", "deflate/6.1/1",
                                 "--cases", "deflate/7/1", "--json", timeout=60)
        self.assertEqual(result.returncode, 0, result.stdout[-2000:])
        found = outcomes(result)
        self.assertEqual(set(found.values()) , {"unimplemented", "pass"})
        self.assertEqual([case for case, outcome in found.items() if outcome == "pass"], ["deflate/7/1"])
        summary = json.loads(result.stdout.splitlines()[-1])
        self.assertEqual(summary["unimplemented"], 19)


class FailFast(unittest.TestCase):
    """Invalid text: failing once the first invalid byte is in passes, failing only at the
    message's end is informational (RFC 6455 8.1 sets no time), failing before it fails."""

    def test_each_moment_of_failing_is_graded(self):
        args = ["--cases", "utf8/6.4.1", "--cases", "utf8/6.4.3", "--json", "--profile", "echo"]
        with serve() as server:
            fast = outcomes(run_wsprobe("check", server.url, *args, timeout=60))
        with python_peer("ws_server.py") as python:
            per_frame = outcomes(run_wsprobe("check", python.url, *args, timeout=60))
        with python_peer("bad_server.py", "drop-on-frame") as eager:
            early = run_wsprobe("check", eager.url, "--cases", "utf8/6.4.1", "--json", "--profile", "echo", timeout=60)
        self.assertEqual(fast, {"utf8/6.4.1": "pass", "utf8/6.4.3": "pass"})
        # Python's websockets validates each frame whole: 6.4.3 writes one frame byte by byte.
        self.assertEqual(per_frame, {"utf8/6.4.1": "pass", "utf8/6.4.3": "informational"})
        case = next(json.loads(line) for line in early.stdout.splitlines() if json.loads(line)["type"] == "case")
        self.assertEqual(case["outcome"], "fail")
        refused = [v["observed"] for v in case["verdicts"] if v["rule"] == "reaction.valid-frames-refused"]
        self.assertIn("failed after 17 of 39 bytes", refused)


SSE_CASES = {"status": "sse/9.2.2/1", "content-type": "sse/9.2.2/2", "cache-control": "sse/9.2.2/3",
             "first-event": "sse/9.2.7/1", "unbuffered": "sse/9.2.7/2", "keep-alive": "sse/9.2.7/3",
             "retry": "sse/9.2.6/1", "resume": "sse/9.2.4/1"}


class EventStreams(unittest.TestCase):
    """`check --sse`: serve's /sse passes every case, and each of its faults makes exactly
    the cases that see it not pass."""

    def check(self, server, query="", *args, window="1500ms", first_event="1s"):
        result = run_wsprobe("check", "--sse", server.url.replace("ws://", "http://") + "sse" + query,
                             "--sse-window", window, "--first-event", first_event, "--json", *args, timeout=60)
        not_passed = {case: outcome for case, outcome in outcomes(result).items() if outcome != "pass"}
        return result, not_passed

    def test_each_fault_of_serve_sse_shows(self):
        with serve("--sse-interval", "200ms") as server:
            clean, clean_not_passed = self.check(server)
            self.assertEqual((clean.returncode, clean_not_passed), (0, {}), clean.stdout)
            self.assertEqual(sorted(outcomes(clean)), sorted(SSE_CASES.values()))
            expected = {
                "?status=503": {SSE_CASES["status"]: "fail", SSE_CASES["first-event"]: "non-strict",
                                SSE_CASES["resume"]: "informational"},
                "?type=text/plain": {SSE_CASES["content-type"]: "fail"},
                "?cache-control=": {SSE_CASES["cache-control"]: "non-strict"},
                "?interval=1200": {SSE_CASES["first-event"]: "non-strict"},
                "?burst=5&interval=300": {SSE_CASES["unbuffered"]: "non-strict"},
                "?retry=soon": {SSE_CASES["retry"]: "non-strict"},
                "?resume=0": {SSE_CASES["resume"]: "non-strict"},
            }
            for query, cases in expected.items():
                with self.subTest(query):
                    # A burst comes after 1.5 s of silence: the watch is longer, the first event later.
                    slower = {"window": "2500ms", "first_event": "2s"} if "burst" in query else {}
                    result, not_passed = self.check(server, query, **slower)
                    self.assertEqual(not_passed, cases, result.stdout[-1500:])
                    self.assertEqual(result.returncode, 1 if "fail" in cases.values() else 0)
            result, not_passed = self.check(server, "", "--keep-alive", "100ms", "--strict")
            self.assertEqual(not_passed, {SSE_CASES["keep-alive"]: "non-strict"})
            self.assertEqual(result.returncode, 1)  # non-strict fails the run under --strict

    def test_a_watch_shorter_than_first_event_cannot_blame_the_server(self):
        with serve("--sse-interval", "200ms") as server:
            _, not_passed = self.check(server, "?interval=1200", window="500ms", first_event="1s")
        self.assertEqual(not_passed.get(SSE_CASES["first-event"]), "informational")

    def test_sse_needs_an_http_url_and_lists_its_cases(self):
        listed = run_wsprobe("check", "--sse", "--list")
        self.assertEqual([line.split()[0] for line in listed.stdout.splitlines()], list(SSE_CASES.values()))
        wrong = run_wsprobe("check", "--sse", "ws://127.0.0.1:1/")
        self.assertEqual(wrong.returncode, 2)
        self.assertIn("needs an http:// or https:// URL", wrong.stderr)


class Profiles(unittest.TestCase):
    def test_a_server_that_does_not_echo_gets_only_the_cases_that_need_no_echo(self):
        cases = ["framing/1.1.1", "pingpong/2.2", "close/7.3.3", "reserved/3.2", "handshake/4.2.2/1"]
        args = [arg for case in cases for arg in ("--cases", case)]
        with python_peer("bad_server.py", "accept-any") as lax:
            auto = run_wsprobe("check", lax.url, *args, "--wait", "200ms", timeout=60)
            listed = run_wsprobe("check", lax.url, *args, "--json", "--wait", "200ms", timeout=60)
            forced = run_wsprobe("check", lax.url, *args, "--json", "--profile", "echo", "--wait", "200ms", timeout=60)
        self.assertIn("profile no-echo (the endpoint did not echo a text message within --wait): 3 cases", auto.stdout)
        self.assertIn("skipped 2 cases that need an echo server", auto.stdout)
        plan = json.loads(listed.stdout.splitlines()[0])
        self.assertEqual((plan["type"], plan["profile"], plan["skipped"]), ("plan", "no-echo", ["framing/1.1.1", "reserved/3.2"]))
        self.assertEqual(sorted(outcomes(listed)), ["close/7.3.3", "handshake/4.2.2/1", "pingpong/2.2"])
        self.assertEqual(outcomes(forced)["framing/1.1.1"], "fail")

    def test_a_bad_profile_is_a_usage_error(self):
        result = run_wsprobe("check", "--list", "--profile", "sometimes")
        self.assertEqual(result.returncode, 2)


class AgainstPythonWebsockets(unittest.TestCase):
    def test_its_known_deviations_are_non_strict_and_fail_only_with_strict(self):
        # It fails the connection at a broken frame, and its failure may overtake the echo of
        # the valid message before it (an asyncio race): pass or non-strict, never fail.
        racing = ["reserved/3.2", "opcodes/4.1.3", "fragmentation/5.15"]
        steady = ["framing/1.1.2", "utf8/6.3.1", "close/7.7.2", "receiving/5.1.1"]
        args = [arg for case in racing + steady + ["receiving/5.2.2"] for arg in ("--cases", case)]
        with python_peer("ws_server.py") as python:
            result = run_wsprobe("check", python.url, *args, "--json", timeout=60)
            strict = run_wsprobe("check", python.url, *args, "--json", "--strict", timeout=60)
        self.assertEqual(result.returncode, 0, result.stdout)
        found = outcomes(result)
        self.assertEqual({case: found[case] for case in steady}, dict.fromkeys(steady, "pass"))
        # It accepts a non-minimal length, which the rule lets a receiver do.
        self.assertEqual(found["receiving/5.2.2"], "informational")
        for case in racing:
            self.assertIn(found[case], ("pass", "non-strict"), case)
        strict_found = outcomes(strict)
        # Two MUSTs it breaks: no version list when it refuses a version (4.4), and no
        # refusal of a request without Host (4.2.1); and its 1 MiB limit makes a Close 1009 for 4 MiB.
        with python_peer("ws_server.py") as python:
            more = run_wsprobe("check", python.url, "--cases", "handshake/4.2.2/7", "--cases", "handshake/4.2.1/8",
                               "--cases", "limits/9.1.4", "--cases", "handshake/4.2.1/6", "--json", timeout=60)
        self.assertEqual(outcomes(more), {"handshake/4.2.2/7": "fail", "handshake/4.2.1/8": "fail",
                                          "limits/9.1.4": "informational", "handshake/4.2.1/6": "pass"})
        self.assertNotIn("fail", strict_found.values())
        self.assertEqual(strict.returncode, 1 if "non-strict" in strict_found.values() else 0, strict.stdout)


# Python's websockets, case by case, as the README lists it: the MUSTs it breaks, the cases
# where its failure overtakes an echo (an asyncio race: pass or non-strict), and what is
# informational (its 1 MiB limit, per-frame UTF-8 checks, lengths it may accept).
PYTHON_FAILS = {"handshake/4.2.2/7", "handshake/4.2.2/9", "handshake/4.2.1/8"}
PYTHON_RACES = {"reserved/3.2", "reserved/3.3", "reserved/3.4", "opcodes/4.1.3", "opcodes/4.1.4", "opcodes/4.1.5",
                "opcodes/4.2.3", "opcodes/4.2.4", "opcodes/4.2.5", "fragmentation/5.15"}
PYTHON_INFORMATIONAL = {"handshake/10.2/1", "utf8/6.4.3", "utf8/6.4.4", "close/7.1.6", "close/7.13.1", "close/7.13.2",
                        "receiving/5.2.2", "receiving/5.2.3"}


class AgainstPythonWebsocketsWhole(unittest.TestCase):
    def test_the_whole_catalogue_shows_only_its_documented_deviations(self):
        with python_peer("ws_server.py", "--deflate") as python:
            result = run_wsprobe("check", python.url, "--json", timeout=240)
        found = outcomes(result)
        self.assertEqual(len(found), 575)
        self.assertEqual({case for case, outcome in found.items() if outcome == "fail"}, PYTHON_FAILS)
        self.assertLessEqual({case for case, outcome in found.items() if outcome == "non-strict"}, PYTHON_RACES)
        informational = {case for case, outcome in found.items() if outcome == "informational"}
        limits = {case for case in informational if case.startswith("limits/9.")}
        self.assertEqual(informational - limits, PYTHON_INFORMATIONAL)
        self.assertIn("limits/9.1.6", limits)  # 16 MiB: a Close 1009 from its 1 MiB limit
        self.assertNotIn("unimplemented", found.values())  # it compresses
        self.assertEqual(result.returncode, 1)


class AgainstABrokenServer(unittest.TestCase):
    def test_junit_has_a_suite_per_section_and_a_failure_per_failed_case(self):
        with python_peer("bad_server.py", "accept-any") as lax, tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "junit.xml")
            result = run_wsprobe("check", lax.url, "--cases", "framing/1.1.1", "--cases", "close/7.3.3",
                                 "--cases", "pingpong/2.2", "--junit", path, "--wait", "200ms", "--profile", "echo",
                                 timeout=60)
            root = ElementTree.parse(path).getroot()
        self.assertEqual(result.returncode, 1)
        self.assertEqual((root.tag, root.get("tests"), root.get("failures")), ("testsuites", "3", "2"))
        suites = {suite.get("name"): suite for suite in root.findall("testsuite")}
        self.assertEqual(sorted(suites), ["close", "framing", "pingpong"])
        framing, = suites["framing"].findall("testcase")
        self.assertEqual(framing.get("name"), "framing/1.1.1 text message of 0 bytes")
        failure = framing.find("failure")
        self.assertEqual(failure.get("type"), "fail")
        self.assertIn("check.echo", failure.get("message"))
        self.assertIn("RFC 6455 5.4 MUST", failure.text)
        self.assertIsNone(suites["close"].find("testcase").find("failure"))

    def test_a_server_that_never_echoes_or_pongs_fails_those_cases(self):
        with python_peer("bad_server.py", "accept-any") as lax:
            result = run_wsprobe("check", lax.url, "--cases", "framing/1.1.1", "--cases", "pingpong/2.2",
                                 "--cases", "close/7.3.3", "--json", "--wait", "200ms", "--profile", "echo", timeout=60)
        self.assertEqual(result.returncode, 1, result.stdout)
        self.assertEqual(outcomes(result), {"framing/1.1.1": "fail", "pingpong/2.2": "fail", "close/7.3.3": "pass"})
        summary = json.loads(result.stdout.splitlines()[-1])
        self.assertEqual((summary["type"], summary["failed"], summary["exit_code"]), ("summary", 2, 1))




# A sample of cases: echoes, a pong, a reserved bit, valid and invalid UTF-8, our Close
# answered, an invalid close code, requests to refuse, and an offer to decline.
SAMPLE = ["framing/1.1.2", "pingpong/2.2", "reserved/3.1", "fragmentation/5.6", "utf8/6.5.1", "utf8/6.3.1",
          "close/7.3.3", "close/7.9.3", "handshake/4.2.2/7", "handshake/4.2.1/2", "deflate/7/1"]
REFUSED = {"handshake/4.2.2/7", "handshake/4.2.1/2"}
UPGRADED = set(SAMPLE) - REFUSED
ENDED_BY_OUR_CLOSE = {"framing/1.1.2", "pingpong/2.2", "fragmentation/5.6", "utf8/6.5.1", "close/7.3.3", "deflate/7/1"}
SHORT_TEXT_ECHOES = {"framing/1.1.2", "fragmentation/5.6", "utf8/6.5.1"}


class ServeFaults(unittest.TestCase):
    """Each fault of `wsprobe serve` makes exactly the cases that see it fail."""

    def run_sample(self, *serve_args):
        args = [arg for case in SAMPLE for arg in ("--cases", case)]
        with serve(*serve_args) as server:
            result = run_wsprobe("check", server.url, *args, "--json", "--wait", "300ms", "--profile", "echo",
                                 timeout=120)
        failed = {case for case, outcome in outcomes(result).items() if outcome == "fail"}
        self.assertEqual(result.returncode, 1 if failed else 0, result.stdout[-1500:])
        return failed

    def test_without_faults_the_sample_passes(self):
        self.assertEqual(self.run_sample(), set())

    def test_each_fault_fails_exactly_its_cases(self):
        expected = {
            "no-echo": SHORT_TEXT_ECHOES,
            "corrupt-echo": SHORT_TEXT_ECHOES,
            "pong-other": {"pingpong/2.2", "fragmentation/5.6"},
            "masked-frames": UPGRADED,
            "accept-invalid-utf8": {"utf8/6.3.1"},
            "ignore-reserved-bits": {"reserved/3.1"},
            "no-close-reply": ENDED_BY_OUR_CLOSE,
            "invalid-close-code": ENDED_BY_OUR_CLOSE,
            "data-after-close": ENDED_BY_OUR_CLOSE,
            "wrong-accept": UPGRADED,
            "no-version-list": {"handshake/4.2.2/7"},
            "accept-any-version": {"handshake/4.2.2/7"},
            "accept-bad-key": {"handshake/4.2.1/2"},
            "unoffered-subprotocol": UPGRADED,
            "accept-any-extension": {"deflate/7/1"},
            "non-minimal-length": SHORT_TEXT_ECHOES,
            "reserved-bits-on-echo": SHORT_TEXT_ECHOES,
            "echo-as-binary": SHORT_TEXT_ECHOES,
        }
        for fault, cases in expected.items():
            with self.subTest(fault):
                self.assertEqual(self.run_sample("--fault", fault), cases)
        with self.subTest("no-pong"):
            self.assertEqual(self.run_sample("--no-pong"), {"pingpong/2.2", "fragmentation/5.6"})

    def test_an_unknown_fault_is_a_usage_error(self):
        result = run_wsprobe("serve", "--port", "0", "--fault", "gremlins")
        self.assertEqual(result.returncode, 2)
        self.assertIn("--fault: 'gremlins' is not a fault", result.stderr)
        near = run_wsprobe("serve", "--port", "0", "--fault", "no-ech")
        self.assertIn("did you mean no-echo?", near.stderr.splitlines()[0])


if __name__ == "__main__":
    unittest.main()
