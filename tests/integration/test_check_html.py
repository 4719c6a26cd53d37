"""`wsprobe check --html FILE`, opened in a real headless browser (Debian's chromium):
the page shows the totals, a table per section, coloured verdicts, and each case opens
to its verdicts and frames."""
import os
import tempfile
import unittest

from browser import Browser
from support import run_wsprobe, serve

CASES = ["framing/1.1.2", "pingpong/2.2", "close/7.13.1", "compression/12.1.9"]
PASS_GREEN, FAIL_RED, INFO_BLUE, UNIMPLEMENTED_GREY = (
    "rgb(200, 230, 201)", "rgb(255, 205, 210)", "rgb(227, 236, 247)", "rgb(224, 224, 224)")


class HtmlReport(unittest.TestCase):
    def test_the_page_shows_the_run_and_each_case_opens_to_its_verdicts_and_frames(self):
        args = [arg for case in CASES for arg in ("--cases", case)]
        with serve("--fault", "corrupt-echo") as server, tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "report.html")
            result = run_wsprobe("check", server.url, *args, "--profile", "echo", "--html", path, timeout=60)
            with Browser() as browser:
                (title, totals, sections, rows, verdicts, colours, hidden, opened, detail) = browser.evaluate_on(
                    "file://" + path, [
                        "document.title",
                        "document.querySelector('.totals').textContent",
                        "[...document.querySelectorAll('table.sections tbody tr')].map(r => r.cells[0].textContent)",
                        "document.querySelectorAll('details.case').length",
                        "[...document.querySelectorAll('details.case')].map(c => "
                        "c.querySelector('summary .verdict').textContent)",
                        "[...document.querySelectorAll('details.case summary .verdict')].map(v => "
                        "getComputedStyle(v).backgroundColor)",
                        "(() => { const c = document.getElementById('case-framing/1.1.2');"
                        " return [c.open, c.querySelector('.detail').checkVisibility()]; })()",
                        "(() => { const c = document.getElementById('case-framing/1.1.2');"
                        " c.querySelector('summary').click(); return [c.open, c.querySelector('.detail').checkVisibility()]; })()",
                        "document.getElementById('case-framing/1.1.2').querySelector('.detail').innerText",
                    ])
        self.assertEqual(result.returncode, 1, result.stdout)
        self.assertEqual(title, f"wsprobe check: {server.url}")
        self.assertRegex(totals, r"^4 cases, 1 passed, 0 non-strict, 1 failed, 1 unimplemented, 1 informational "
                                 r"\([0-9.]+ s\)$")
        self.assertEqual(sections, ["framing", "pingpong", "close", "compression"])
        self.assertEqual(rows, 4)
        self.assertEqual(verdicts, ["Fail", "Pass", "Info", "Unimplemented"])
        self.assertEqual(colours, [FAIL_RED, PASS_GREEN, INFO_BLUE, UNIMPLEMENTED_GREY])
        self.assertEqual(hidden, [False, False])  # closed until clicked
        self.assertEqual(opened, [True, True])
        self.assertIn("check.echo", detail)
        self.assertIn("message 1 differs", detail)
        self.assertIn("> fin=1 rsv=000 text", detail)
        self.assertIn("< fin=1 rsv=000 text", detail)
        self.assertIn("Clients and servers MUST support receiving", detail)


if __name__ == "__main__":
    unittest.main()
