"""`wsprobe heartbeat` and `wsprobe reconnect` against `wsprobe serve` playing faults: the
measured figures are checked against what the server was set to do. And through nginx
as a WebSocket proxy, whose idle cut must look different from the server's own close."""
import json
import signal
import statistics
import subprocess
import time
import unittest
from datetime import datetime

from support import Nginx, WSPROBE, free_port, json_lines, of_type, run_wsprobe, serve


def run_until_then(args, wait_for, act):
    """Runs `wsprobe ARGS --json`; at the first stdout line holding `wait_for`, calls
    act(process). Returns the exit status and the rest of stdout; the process never
    outlives the call."""
    process = subprocess.Popen([WSPROBE, *args, "--json"], stdout=subprocess.PIPE, text=True)
    try:
        for line in process.stdout:  # bounded: by the run's --timeout, or the test's
            if wait_for in line:
                break
        act(process)
        output, _ = process.communicate(timeout=20)
        return process.returncode, output
    finally:
        process.kill()
        process.wait(timeout=10)
        process.stdout.close()


class Heartbeat(unittest.TestCase):
    def test_round_trips_include_the_servers_pong_delay(self):
        with serve("--pong-delay", "200ms") as server:
            result = run_wsprobe("heartbeat", server.url, "--interval", "300ms", "--pings", "5", "--json")
        self.assertEqual(result.returncode, 0, result.stderr)
        lines = json_lines(result)
        rtts = [pong["rtt_ms"] for pong in of_type(lines, "pong")]
        self.assertEqual([pong["seq"] for pong in of_type(lines, "pong")], [1, 2, 3, 4, 5])
        # Each round trip holds the server's 200 ms; the bound above only rules out a
        # pong taken for a later ping's (500 ms), not scheduling on a loaded machine.
        for rtt in rtts:
            self.assertGreaterEqual(rtt, 200)
            self.assertLess(rtt, 300)
        summary, = of_type(lines, "summary")
        self.assertEqual((summary["sent"], summary["answered"], summary["lost"], summary["end"]), (5, 5, 0, "count"))
        self.assertAlmostEqual(summary["rtt"]["p50_ms"], statistics.median_low(rtts), places=3)

    def test_a_late_pong_is_late_not_lost_and_its_round_trip_counts(self):
        # One pong in ten comes 300 ms late: before, it was "lost" and left out of the
        # figures, which then showed only the fast pongs.
        with serve("--pong-delay", "300ms", "--pong-delay-every", "10") as server:
            result = run_wsprobe("heartbeat", server.url, "--interval", "50ms", "--pong-timeout", "150ms",
                                 "--pings", "20", "--json")
        self.assertEqual(result.returncode, 0, result.stdout[-800:] + result.stderr)
        lines = json_lines(result)
        pongs = of_type(lines, "pong")
        self.assertEqual(sorted(pong["seq"] for pong in pongs), list(range(1, 21)))
        self.assertEqual(sorted(pong["seq"] for pong in pongs if pong["late"]), [10, 20])
        self.assertEqual(sorted(late["seq"] for late in of_type(lines, "late")), [10, 20])
        self.assertEqual(of_type(lines, "lost"), [])
        summary = lines[-1]
        self.assertEqual((summary["sent"], summary["answered"], summary["late"], summary["lost"]), (20, 20, 2, 0))
        self.assertEqual(summary["rtt"]["samples"], 20)
        self.assertGreaterEqual(summary["rtt"]["max_ms"], 300)

    def test_no_pong_means_lost_pings_and_a_dead_peer(self):
        with serve("--no-pong") as server:
            result = run_wsprobe("heartbeat", server.url, "--interval", "100ms", "--json")
        self.assertEqual(result.returncode, 1)
        lines = json_lines(result)
        self.assertGreaterEqual(len(of_type(lines, "lost")), 1)
        dead, = of_type(lines, "peer_dead")
        # --dead-after defaults to two intervals, and 3 s at least: scheduling noise on a
        # short interval is no dead peer.
        self.assertGreaterEqual(dead["silent_ms"], 3000)
        self.assertEqual(of_type(lines, "summary")[0]["end"], "peer_dead")
        summary, = of_type(lines, "summary")
        self.assertEqual(result.stderr, f"wsprobe: error: the peer is dead: {summary['lost']} of {summary['sent']} pings "
                                        "got no pong (RFC 6455 5.5.2: no Pong in response to a Ping)\n"
                                        "hint: see 'wsprobe heartbeat --help'\n")
        self.assertEqual((summary["rtt"]["samples"], summary["rtt"]["p50_ms"]), (0, None))

    def test_server_pings_are_answered_and_their_cadence_reported(self):
        with serve("--ping-interval", "100ms") as server:
            result = run_wsprobe("heartbeat", server.url, "--interval", "1s", "--duration", "1050ms", "--json")
        self.assertEqual(result.returncode, 0, result.stderr)
        summary, = of_type(json_lines(result), "summary")
        self.assertGreaterEqual(summary["server_pings"], 9)
        self.assertAlmostEqual(summary["server_ping_interval_ms"], 100, delta=10)


    def test_a_server_that_breaks_a_rule_fails_the_run(self):
        from support import python_peer
        with python_peer("bad_server.py", "frames", "c10141") as peer:
            result = run_wsprobe("heartbeat", peer.url, "--interval", "100ms", "--pings", "3", "--json")
        self.assertEqual(result.returncode, 1)
        close, = of_type(json_lines(result), "close")
        self.assertEqual(close["event_code"], 1006)

    def suspended(self, serve_args, heartbeat_args, stop_at, stop_for):
        """Runs heartbeat against serve and stops it (SIGSTOP, as Ctrl-Z does) `stop_at`
        seconds after its first pong line, for `stop_for` seconds; returns its JSON lines."""
        def suspend(process):
            time.sleep(stop_at)  # the moment and length of the suspension under test, not waits for readiness
            process.send_signal(signal.SIGSTOP)
            time.sleep(stop_for)
            process.send_signal(signal.SIGCONT)

        with serve(*serve_args) as server:
            returncode, output = run_until_then(["heartbeat", server.url, *heartbeat_args, "--timeout", "20s"],
                                                '"type":"pong"', suspend)
        self.assertEqual(returncode, 0, output)
        return [json.loads(line) for line in output.splitlines()]

    def test_a_suspended_wsprobe_does_not_blame_the_peer(self):
        # Stopped for five intervals with no ping out: the silence is ours, and the peer
        # answers the ping that follows.
        lines = self.suspended((), ("--interval", "100ms", "--pings", "6"), 0, 0.5)
        summary = lines[-1]
        self.assertEqual((summary["end"], summary["sent"], summary["answered"], summary["lost"]), ("count", 6, 6, 0))
        # Missed slots are not caught up in a burst (gaps near 0 ms): the pings keep their
        # interval, give or take the scheduling of a loaded machine (one pong late, the next on time).
        answered_at = [datetime.fromisoformat(pong["ts"].rstrip("Z")) for pong in of_type(lines, "pong")]
        gaps_ms = [(later - earlier).total_seconds() * 1000 for earlier, later in zip(answered_at, answered_at[1:])]
        self.assertGreaterEqual(min(gaps_ms), 50, gaps_ms)

    def test_a_pong_that_came_while_wsprobe_was_suspended_is_read_first(self):
        # The second ping leaves 600 ms after the first and its pong comes 400 ms later:
        # stopped 300 ms after the first pong, wsprobe sleeps through that pong's arrival.
        summary = self.suspended(("--pong-delay", "400ms"), ("--interval", "600ms", "--pings", "3"), 0.3, 1.5)[-1]
        self.assertEqual((summary["end"], summary["sent"], summary["answered"], summary["lost"]), ("count", 3, 3, 0))

    def test_a_zero_ping_interval_is_a_usage_error(self):
        result = run_wsprobe("serve", "--port", "0", "--ping-interval", "0ms")
        self.assertEqual(result.returncode, 2)
        self.assertIn("--ping-interval", result.stderr)


class IdleTimeoutDiscovery(unittest.TestCase):
    def idle(self, *serve_args, max_="5s"):
        with serve(*serve_args) as server:
            result = run_wsprobe("heartbeat", server.url, "--idle", "--duration", max_, "--json")
        self.assertEqual(result.returncode, 0, result.stderr)
        lines = json_lines(result)
        return of_type(lines, "summary")[0], of_type(lines, "close")

    def test_the_idle_timeout_is_measured_within_five_percent(self):
        summary, (close,) = self.idle("--idle-timeout", "1s")
        self.assertAlmostEqual(summary["lived_ms"], 1000, delta=50)
        self.assertEqual((close["code"], close["reason"], close["closed_by"]), (1001, "idle timeout", "server"))
        self.assertTrue(close["received"])

    def test_a_dropped_connection_is_told_apart_from_a_close(self):
        summary, (close,) = self.idle("--drop-after", "500ms")
        self.assertAlmostEqual(summary["lived_ms"], 500, delta=25)
        self.assertEqual((close["received"], close["closed_by"], close["tcp"]), (False, "nobody", "closed_by_server"))

    def test_max_bounds_the_wait(self):
        summary, _ = self.idle(max_="300ms")
        self.assertEqual(summary["end"], "duration")
        self.assertAlmostEqual(summary["lived_ms"], 300, delta=50)


class ThroughAnNginxProxy(unittest.TestCase):
    """nginx proxying WebSocket with proxy_read_timeout 1s: it cuts a connection on which
    the server sent nothing for a second, as load balancers cut quiet connections."""

    def through_nginx(self, serve_args, *heartbeat_args):
        port = free_port()
        with serve(*serve_args) as server, Nginx(f"""
  server {{
    listen 127.0.0.1:{port};
    location / {{
      proxy_pass http://127.0.0.1:{server.port};
      proxy_http_version 1.1;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection "upgrade";
      proxy_read_timeout 1s;
    }}
  }}""", ports=(port,)):
            result = run_wsprobe("heartbeat", f"ws://127.0.0.1:{port}/", *heartbeat_args, "--json")
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        lines = json_lines(result)
        return of_type(lines, "summary")[0], of_type(lines, "close")

    def test_an_idle_cut_by_the_proxy_is_a_fin_without_a_close(self):
        summary, (close,) = self.through_nginx((), "--idle", "--duration", "5s")
        self.assertAlmostEqual(summary["lived_ms"], 1000, delta=50)
        self.assertEqual((close["received"], close["closed_by"], close["tcp"]), (False, "nobody", "closed_by_server"))
        self.assertEqual(summary["server_pings"], 0)

    def test_the_servers_pings_keep_the_proxy_from_cutting(self):
        summary, _ = self.through_nginx(("--ping-interval", "300ms"), "--idle", "--duration", "2s")
        self.assertEqual(summary["end"], "duration")
        self.assertGreaterEqual(summary["server_pings"], 5)

    def test_the_clients_pings_keep_the_proxy_from_cutting(self):
        summary, _ = self.through_nginx((), "--interval", "300ms", "--duration", "2s")
        self.assertEqual(summary["end"], "duration")
        self.assertEqual((summary["sent"], summary["answered"]), (7, 7))


class Reconnect(unittest.TestCase):
    def test_a_usage_error_is_not_retried(self):
        result = run_wsprobe("reconnect", "ws://127.0.0.1:9/", "--deflate=foo", "--retry-interval", "10s")
        self.assertEqual(result.returncode, 2, result.stdout + result.stderr)
        self.assertIn("--deflate", result.stderr)

    def test_refusals_count_and_a_success_opens(self):
        with serve("--refuse-first", "2", "--drop-after", "300ms") as server:
            result = run_wsprobe("reconnect", server.url, "--retry-interval", "100ms", "--max-retries", "2",
                                 "--duration", "1500ms", "--json")
        self.assertEqual(result.returncode, 0, result.stderr)
        lines = json_lines(result)
        self.assertEqual([f["in_a_row"] for f in of_type(lines, "error")], [1, 2])
        self.assertEqual(of_type(lines, "open")[0]["attempt"], 3)
        closed = of_type(lines, "disconnect")
        self.assertGreaterEqual(len(closed), 2)
        self.assertTrue(all(c["cause"] == "dropped" for c in closed))
        summary, = of_type(lines, "summary")
        self.assertEqual(summary["disconnects"]["dropped"], len(closed))
        self.assertAlmostEqual(summary["recovery_mean_ms"], 100, delta=40)

    def test_gives_up_after_exactly_max_retries_retries(self):
        # --max-retries N is N retries after the first attempt, in reconnect as in sse.
        with serve("--refuse-first", "100") as server:
            result = run_wsprobe("reconnect", server.url, "--retry-interval", "50ms", "--max-retries", "3", "--json")
        self.assertEqual(result.returncode, 3)  # never connected: as sse, could not connect
        lines = json_lines(result)
        self.assertEqual(len(of_type(lines, "attempt")), 4)
        self.assertEqual(of_type(lines, "error")[-1]["retry_in_ms"], None)
        self.assertEqual(of_type(lines, "summary")[0]["end"], "gave_up")
        self.assertEqual(result.stderr.splitlines()[0], "wsprobe: error: gave up after 3 retries (4 failed attempts in a row)")
        sse = run_wsprobe("sse", f"http://127.0.0.1:{free_port()}/", "--max-retries", "3", "--retry-interval", "10ms",
                          "--json")
        self.assertEqual(sse.returncode, 3)
        self.assertEqual(len(of_type(json_lines(sse), "reconnect")), 3)  # 4 attempts there too

    def test_timeout_alone_ends_the_run_as_timed_out(self):
        with serve() as server:
            result = run_wsprobe("reconnect", server.url, "--timeout", "400ms", "--json")
        self.assertEqual(result.returncode, 4, result.stdout)
        self.assertEqual(json_lines(result)[-1]["end"], "timed_out")

    def test_ctrl_c_before_anything_opened_is_no_success(self):
        import socket
        with socket.socket() as silent:  # accepts, and never answers the upgrade
            silent.bind(("127.0.0.1", 0))
            silent.listen()
            url = f"ws://127.0.0.1:{silent.getsockname()[1]}/"
            returncode, output = run_until_then(["reconnect", url, "--timeout", "20s"], '"type":"attempt"',
                                                lambda process: process.send_signal(signal.SIGINT))
        self.assertEqual(returncode, 3, output)
        self.assertIn('"end":"interrupted"', output)

    def test_close_after_is_a_cause_and_subscriptions_are_renewed(self):
        with serve("--close-after", "200ms", "4000") as server:
            result = run_wsprobe("reconnect", server.url, "--retry-interval", "100ms", "--send", "subscribe",
                                 "--duration", "1s", "--json")
        lines = json_lines(result)
        summary, = of_type(lines, "summary")
        self.assertGreaterEqual(summary["disconnects"]["close 4000"], 2)
        self.assertGreaterEqual(summary["messages_received"], summary["opens"])  # every open echoed "subscribe"

    def test_ctrl_c_closes_with_1001_and_prints_the_summary(self):
        with serve("-v") as server:
            returncode, output = run_until_then(["reconnect", server.url, "--timeout", "20s"], '"type":"open"',
                                                lambda process: process.send_signal(signal.SIGINT))
            server.stop()
            log = server.stderr_text()
        self.assertEqual(returncode, 0)
        self.assertIn('"end":"interrupted"', output)
        self.assertIn("closed 1001 by client", log)


if __name__ == "__main__":
    unittest.main()
