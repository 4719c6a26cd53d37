"""Every command's --json output against the schema in the man page (JSON OUTPUT): JSON
Lines, each record with type and ts, one summary last with the exit code, the fields the
table lists for that command and record (no others), and one vocabulary for durations,
how TCP ended, who closed, why a run ended, and rules broken. Runs each command where it
succeeds, where the peer breaks a rule, where nothing listens, and with a usage error."""
import json
import re
import unittest
from pathlib import Path

from support import free_port, run_wsprobe, serve

MAN = Path(__file__).resolve().parents[2] / "man" / "wsprobe.1"
TS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
COMMON_SUMMARY = ["type", "ts", "command", "exit_code", "end", "error"]
TCP_ENDS = {"closed_by_server", "closed_by_client", "reset", "left_open"}
CLOSED_BY = {"server", "wsprobe", "nobody"}
VIOLATION_FIELDS = ["rule", "section", "level", "text"]
VERDICT_FIELDS = ["rule", "section", "level", "outcome", "expected", "observed"]


def man_schema():
    """{(command, type): (required fields, optional fields)} from the man page's table, and
    the words it allows for `end`."""
    page = MAN.read_text()
    block = page.split('.\\" schema begin\n', 1)[1].split('.\\" schema end', 1)[0]
    schema = {}
    rows = []
    for line in block.splitlines():
        if line.startswith("."):
            continue
        if line.startswith(" "):  # goes on with the fields of the line above
            rows[-1] += " " + line.strip()
        else:
            rows.append(line)
    for row in rows:
        command, kind, *fields = row.split()
        required = [field for field in fields if not field.startswith("[")]
        optional = [field.strip("[]") for field in fields if field.startswith("[")]
        schema[(command, kind)] = (required, optional)
    section = page.split(".SH JSON OUTPUT", 1)[1].split(".SH ", 1)[0]
    ends = section.split("is one of:", 1)[1].split(".PP", 1)[0]
    return schema, set(re.findall(r"^\.I (\w+)$", ends, re.M))


SCHEMA, END_WORDS = man_schema()


class Schema(unittest.TestCase):
    def check_run(self, command, *args, expect_exit=None):
        result = run_wsprobe(command, *args, "--json")
        if expect_exit is not None:
            self.assertEqual(result.returncode, expect_exit, result.stderr)
        records = [json.loads(line) for line in result.stdout.splitlines()]
        self.assertTrue(records, f"no output from {command} {args}")
        for record in records:
            self.check_record(command, record)
        summary = records[-1]
        self.assertEqual(summary["type"], "summary")
        self.assertEqual([r["type"] for r in records].count("summary"), 1)
        self.assertEqual(summary["exit_code"], result.returncode)
        self.assertEqual(summary["command"], command)
        self.assertEqual(summary["error"] is None, result.returncode == 0, summary)
        return records

    def check_record(self, command, record):
        kind = record.get("type")
        self.assertIsInstance(kind, str, record)
        self.assertRegex(record.get("ts", ""), TS)
        fields = list(record)
        if kind == "summary":
            self.assertEqual(fields[:6], COMMON_SUMMARY, record)
            self.assertIn(record["end"], END_WORDS)
            if len(fields) == 6:  # cut short by an error: the common fields only
                self.assertNotEqual(record["exit_code"], 0)
                return
        self.assertIn((command, kind), SCHEMA, f"{command} printed a {kind} record the man page does not list")
        required, optional = SCHEMA[(command, kind)]
        own = [field for field in fields if field not in (COMMON_SUMMARY if kind == "summary" else ["type", "ts"])]
        self.assertEqual([field for field in own if field not in optional], required, record)
        self.check_values(record)

    def check_values(self, value, name=""):
        """The one vocabulary, at any depth."""
        if isinstance(value, dict):
            for key, item in value.items():
                self.check_values(item, key)
            if name in ("violation",) and value:
                self.assertEqual(list(value), VIOLATION_FIELDS, value)
            return
        if isinstance(value, list):
            for item in value:
                if name in ("checks", "verdicts"):
                    self.assertEqual([field for field in item if field != "detail"], VERDICT_FIELDS, item)
                self.check_values(item)
            return
        if name.endswith("_ms"):
            self.assertTrue(value is None or isinstance(value, (int, float)) and not isinstance(value, bool),
                            f"{name}: {value!r}")
        if name == "tcp":
            self.assertIn(value, TCP_ENDS)
        if name == "closed_by":
            self.assertIn(value, CLOSED_BY)

    def test_the_table_is_read(self):
        self.assertGreater(len(SCHEMA), 40)
        self.assertIn("usage", END_WORDS)
        self.assertIn("peer_dead", END_WORDS)

    def test_successful_runs(self):
        with serve("--sse-interval", "50ms") as server:
            http = server.url.replace("ws://", "http://")
            self.check_run("handshake", server.url, expect_exit=0)
            self.check_run("handshake", server.url, "-s", "chat", "--deflate", expect_exit=0)
            self.check_run("send", server.url, "--frame", "text:hi", "--wait", "100ms", expect_exit=0)
            records = self.check_run("connect", server.url, "--send", "hi", "--send-binary", "00ff", "--count", "2",
                                     "--no-stdin", "-v", "--show-control", expect_exit=0)
            self.assertEqual({"state", "open", "sent", "frame", "message", "close", "summary"},
                             {record["type"] for record in records})
            self.check_run("heartbeat", server.url, "--pings", "2", "--interval", "50ms", "-v", expect_exit=0)
            self.check_run("reconnect", server.url, "--duration", "200ms", expect_exit=0)
            self.check_run("sse", http + "sse", "--max-events", "2", "--show-comments", expect_exit=0)
            self.check_run("check", server.url, "--cases", "handshake/4.2.1", "framing/1.1.1", "close/7.1.1",
                           expect_exit=0)
            listed = self.check_run("check", "--list", "--cases", "close", expect_exit=0)
            self.assertEqual(listed[-1]["cases"], len(listed) - 1)
            self.check_run("check", "--sse", http + "sse", "--sse-window", "1s", "--cases", "sse/9.2.2",
                           expect_exit=0)

    def test_runs_where_the_peer_breaks_a_rule(self):
        with serve("--no-pong", "--fault", "masked-frames", "--close-after", "300ms", "1000",
                   "--refuse-first", "1") as server:
            self.check_run("handshake", server.url, expect_exit=1)  # the first connection gets a 503
            self.check_run("send", server.url, "--frame", "text:hi", expect_exit=1)
            self.check_run("connect", server.url, "--send", "hi", "--no-stdin", expect_exit=1)
            self.check_run("heartbeat", server.url, "--interval", "50ms", expect_exit=1)
            self.check_run("check", server.url, "--cases", "framing/1.1.1", "--profile", "echo", expect_exit=1)
        with serve() as server:
            http = server.url.replace("ws://", "http://")
            self.check_run("sse", http + "nothing-here", expect_exit=1)

    def test_runs_that_never_connect(self):
        closed = f"ws://127.0.0.1:{free_port()}/"
        for command, args in (("handshake", ()), ("connect", ()), ("send", ("--frame", "text:x")),
                              ("heartbeat", ()), ("reconnect", ("--max-retries", "0")),
                              ("sse", ()), ("check", ())):
            with self.subTest(command=command):
                url = closed.replace("ws://", "http://") if command == "sse" else closed
                records = self.check_run(command, url, *args, expect_exit=3)
                self.assertEqual(records[-1]["end"], "gave_up" if command == "reconnect" else "unreachable")

    def test_usage_errors_end_with_a_summary_too(self):
        for command, args in (("connect", ("ws://127.0.0.1:9/", "--count", "x")), ("sse", ()),
                              ("handshake", ("ftp://example/",)), ("check", ("--profile", "x"))):
            with self.subTest(command=command):
                records = self.check_run(command, *args, expect_exit=2)
                self.assertEqual(len(records), 1)
                self.assertEqual(records[0]["end"], "usage")
        result = run_wsprobe("conect", "--json")
        summary, = [json.loads(line) for line in result.stdout.splitlines()]
        self.assertEqual((summary["command"], summary["exit_code"], summary["end"]), (None, 2, "usage"))


if __name__ == "__main__":
    unittest.main()
