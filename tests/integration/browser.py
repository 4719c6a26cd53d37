"""Debian's chromium, headless, driven over the DevTools protocol with Python's websockets:
enough to open a page and ask what it shows, as a user's browser renders it."""
import asyncio
import itertools
import json
import os
import re
import select
import shutil
import signal
import subprocess
import tempfile
import time

import websockets

CHROMIUM = "/usr/bin/chromium"


class Browser:
    """Context manager: chromium started on a free DevTools port, stopped on exit."""

    def __init__(self, ready_timeout=30):
        self.ready_timeout = ready_timeout
        self.profile = tempfile.mkdtemp()
        self.process = None
        self.endpoint = None

    def __enter__(self):
        if not os.path.exists(CHROMIUM):
            raise AssertionError(f"{CHROMIUM} is missing: scripts/bootstrap.sh installs Debian's chromium")
        self.process = subprocess.Popen(
            [CHROMIUM, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--remote-debugging-port=0", f"--user-data-dir={self.profile}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
        self.endpoint = self._devtools_url()
        return self

    def _devtools_url(self):
        deadline = time.monotonic() + self.ready_timeout
        seen = b""
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.process.stderr], [], [], max(0, deadline - time.monotonic()))
            if not ready:
                break
            chunk = os.read(self.process.stderr.fileno(), 4096)
            if not chunk:
                break
            seen += chunk
            found = re.search(rb"DevTools listening on (ws://\S+)", seen)
            if found:
                return found.group(1).decode()
        self.__exit__()
        raise AssertionError(f"chromium did not open DevTools: {seen[-500:]!r}")

    def __exit__(self, *exc):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        if self.process:
            self.process.stderr.close()
        shutil.rmtree(self.profile, ignore_errors=True)

    def evaluate_on(self, url, expressions, timeout=30):
        """Opens `url` in a new tab, waits for it to load, and returns the value of each
        JavaScript expression, evaluated in order (they may change the page)."""
        return asyncio.run(asyncio.wait_for(self._evaluate_on(url, expressions), timeout))

    async def _evaluate_on(self, url, expressions):
        async with websockets.connect(self.endpoint, max_size=None) as socket:
            ids = itertools.count(1)

            async def call(method, params=None, session=None):
                message = {"id": next(ids), "method": method, "params": params or {}}
                if session:
                    message["sessionId"] = session
                await socket.send(json.dumps(message))
                while True:
                    reply = json.loads(await socket.recv())
                    if reply.get("id") == message["id"]:
                        if "error" in reply:
                            raise AssertionError(f"{method}: {reply['error']}")
                        return reply["result"]

            target = (await call("Target.createTarget", {"url": url}))["targetId"]
            session = (await call("Target.attachToTarget", {"targetId": target, "flatten": True}))["sessionId"]

            async def evaluate(expression):
                result = await call("Runtime.evaluate", {"expression": expression, "returnByValue": True}, session)
                if "exceptionDetails" in result:
                    raise AssertionError(f"{expression}: {result['exceptionDetails']}")
                return result["result"].get("value")

            # A new tab is about:blank, complete, before it navigates: wait for the page itself.
            loaded = f"document.readyState === 'complete' && location.href === {json.dumps(url)}"
            while not await evaluate(loaded):
                await asyncio.sleep(0.05)
            return [await evaluate(expression) for expression in expressions]
