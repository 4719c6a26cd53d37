"""Shared pieces of the integration tests: the binary under test, processes that
announce readiness on their first stdout line, and bounded waits.

Every process a test starts is stopped by the test (context managers), every wait
has a limit, and all traffic stays on loopback.
"""
import json
import os
import re
import select
import shutil
import signal
import socket
import subprocess
import tempfile
import time

WSPROBE = os.environ.get("WSPROBE", "")
# Debian's interpreter, which has python3-websockets; a python3 earlier on PATH may not.
PYTHON = "/usr/bin/python3"
PEERS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "peers")


def json_lines(result):
    """The records of a --json run (JSON Lines on stdout)."""
    return [json.loads(line) for line in result.stdout.splitlines()]


def of_type(lines, kind):
    return [line for line in lines if line["type"] == kind]


def send_report(result):
    """A send run's records in one dict: the summary's fields, plus the close record and
    the frames sent and received in order."""
    lines = json_lines(result)
    report = dict(of_type(lines, "summary")[0])
    closes = of_type(lines, "close")
    report["close"] = closes[0] if closes else None
    report["sent"] = [frame for frame in of_type(lines, "frame") if frame["direction"] == "out"]
    report["received"] = [frame for frame in of_type(lines, "frame") if frame["direction"] == "in"]
    return report


def by_type(result):
    """{type: record} for a run that prints each type once (handshake, send's summary)."""
    return {record["type"]: record for record in json_lines(result)}


def run_wsprobe(*args, timeout=30, input=None, env=None):
    """Runs wsprobe to completion and returns the CompletedProcess (text mode)."""
    return subprocess.run([WSPROBE, *map(str, args)], capture_output=True, text=True, timeout=timeout, input=input,
                          env=env)


def free_port():
    """A TCP port on 127.0.0.1 that was free a moment ago (for peers that cannot bind port 0)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ReadyProcess:
    """A process whose first stdout line says it is ready, e.g. 'listening on ws://127.0.0.1:PORT/'.

    Use as a context manager: the process is started, its first line read within
    `ready_timeout` seconds, and on exit it gets SIGTERM, then SIGKILL if it lingers.
    """

    def __init__(self, argv, ready_pattern=r"listening on (\S+)", ready_timeout=10, env=None):
        self.argv = list(map(str, argv))
        self.ready_pattern = ready_pattern
        self.ready_timeout = ready_timeout
        self.env = env
        self.process = None
        self.first_line = ""
        self.match = None
        self.returncode = None

    def __enter__(self):
        self.process = subprocess.Popen(
            self.argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=self.env, start_new_session=True
        )
        self.first_line = self._read_line(self.ready_timeout)
        self.match = re.search(self.ready_pattern, self.first_line)
        if not self.match:
            self.stop()
            raise AssertionError(
                f"{self.argv[0]} did not announce readiness: {self.first_line!r}; stderr: {self.stderr_text()!r}"
            )
        return self

    def __exit__(self, *exc):
        self.stop()

    def _read_line(self, timeout):
        deadline = time.monotonic() + timeout
        line = b""
        while not line.endswith(b"\n"):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            ready, _, _ = select.select([self.process.stdout], [], [], remaining)
            if not ready:
                break
            byte = os.read(self.process.stdout.fileno(), 1)
            if not byte:
                break
            line += byte
        return line.decode(errors="replace").strip()

    @property
    def url(self):
        return self.match.group(1)

    @property
    def port(self):
        return int(re.search(r":(\d+)/?$", self.url).group(1))

    def stop(self, sig=signal.SIGTERM, timeout=10):
        """Signals the process, waits up to `timeout` seconds, kills it after that; returns its exit code."""
        if self.process is None or self.returncode is not None:
            return self.returncode
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=timeout)
        self.returncode = self.process.returncode
        self._stderr = self.process.stderr.read().decode(errors="replace")
        self.process.stdout.close()
        self.process.stderr.close()
        return self.returncode

    def stderr_text(self):
        """What the process wrote to stderr; complete once it has stopped."""
        return getattr(self, "_stderr", "")


def serve(*args, **kwargs):
    """`wsprobe serve --port 0 ARGS` as a ReadyProcess."""
    return ReadyProcess([WSPROBE, "serve", "--port", "0", *args], **kwargs)


def python_peer(script, *args, **kwargs):
    """A peer from tests/integration/peers/ run with Debian's Python, as a ReadyProcess."""
    return ReadyProcess([PYTHON, os.path.join(PEERS, script), *args], **kwargs)


class Tinyproxy:
    """Debian's tinyproxy on a free loopback port, CONNECT allowed to any port."""

    def __enter__(self):
        self.directory = tempfile.mkdtemp()
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = os.path.join(self.directory, "tinyproxy.log")
        config = os.path.join(self.directory, "tinyproxy.conf")
        with open(config, "w") as file:
            file.write(f"Port {self.port}\nListen 127.0.0.1\nTimeout 30\nAllow 127.0.0.1\nLogLevel Connect\n")
        self.log_file = open(self.log_path, "w")
        self.process = subprocess.Popen(["tinyproxy", "-d", "-c", config], stdout=self.log_file, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return self
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    self.__exit__()
                    raise AssertionError("tinyproxy did not start: " + self.log())
                time.sleep(0.05)

    def log(self):
        with open(self.log_path) as file:
            return file.read()

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=10)
        self.log_file.close()
        shutil.rmtree(self.directory, ignore_errors=True)


class Nginx:
    """Debian's nginx on loopback with `servers` as the inside of its http block
    ("{www}" there names a directory holding `files`), ready once every port in
    `ports` accepts connections."""

    def __init__(self, servers, ports, files=None):
        self.servers, self.ports, self.files = servers, ports, files or {}

    def __enter__(self):
        if not shutil.which("nginx"):
            raise AssertionError("nginx is missing: run scripts/bootstrap.sh")
        self.directory = d = tempfile.mkdtemp()
        www = os.path.join(d, "www")
        os.mkdir(www)
        for path in (d, www):
            os.chmod(path, 0o755)  # nginx's workers run as nobody
        for name, content in self.files.items():
            with open(os.path.join(www, name), "w") as file:
                file.write(content)
            os.chmod(os.path.join(www, name), 0o644)
        config = os.path.join(d, "nginx.conf")
        with open(config, "w") as file:
            file.write(f"""
worker_processes 1;
error_log {d}/error.log;
pid {d}/nginx.pid;
events {{ worker_connections 64; }}
http {{
  access_log off;
  client_body_temp_path {d}/body; proxy_temp_path {d}/proxy; fastcgi_temp_path {d}/fastcgi;
  uwsgi_temp_path {d}/uwsgi; scgi_temp_path {d}/scgi;
{self.servers.replace("{www}", www)}
}}
""")
        self.process = subprocess.Popen(["nginx", "-p", d, "-c", config, "-g", "daemon off;"],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        for port in self.ports:
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    if time.monotonic() > deadline or self.process.poll() is not None:
                        self.__exit__()
                        raise AssertionError("nginx did not start")
                    time.sleep(0.05)
        return self

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=10)
        shutil.rmtree(self.directory, ignore_errors=True)
