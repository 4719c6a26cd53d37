"""Command-line contract tests: exit codes, --version, --help, and the README's table.

Run by ctest with WSPROBE set to the binary under test.
"""
import os
import re
import shutil
import subprocess
import tempfile
import unittest
from pathlib import Path

WSPROBE = os.environ["WSPROBE"]
README = Path(__file__).resolve().parents[2] / "README.md"
MAN = Path(__file__).resolve().parents[2] / "man" / "wsprobe.1"


def run(*args):
    return subprocess.run([WSPROBE, *args], capture_output=True, text=True, timeout=30)


class Cli(unittest.TestCase):
    def test_version(self):
        result = run("--version")
        self.assertEqual(result.returncode, 0)
        self.assertRegex(result.stdout, r"^wsprobe \d+\.\d+\.\d+\n$")

    def test_help_lists_subcommands_and_exit_codes(self):
        result = run("--help")
        self.assertEqual(result.returncode, 0)
        self.assertIn("Subcommands:", result.stdout)
        self.assertIn("serve", result.stdout)
        self.assertIn("Exit status:", result.stdout)

    def test_unknown_option_is_a_usage_error_on_one_line(self):
        result = run("--no-such-option")
        self.assertEqual(result.returncode, 2)
        self.assertEqual(result.stdout, "")
        first, *rest = result.stderr.splitlines()
        self.assertTrue(first.startswith("wsprobe: error: "), first)
        self.assertIn("--no-such-option", first)
        self.assertLessEqual(len(rest), 1)

    def test_no_subcommand_is_a_usage_error_on_stderr(self):
        result = run()
        self.assertEqual(result.returncode, 2)
        self.assertEqual(result.stdout, "")
        self.assertEqual(result.stderr.splitlines()[0], "wsprobe: error: a subcommand is required")

    def test_a_bad_deflate_offer_names_the_option(self):
        result = run("handshake", "--deflate=foo", "ws://127.0.0.1:9/")
        self.assertEqual(result.returncode, 2)
        self.assertTrue(result.stderr.startswith("wsprobe: error: --deflate: "), result.stderr)

    def test_usage_errors_speak_plainly_and_point_to_the_commands_help(self):
        cases = {
            ("handshak", "ws://127.0.0.1:9/"): ("'handshak' is not a subcommand; did you mean handshake?", ""),
            ("conect", "ws://127.0.0.1:9/"): ("'conect' is not a subcommand; did you mean connect?", ""),
            ("heartbeat", "ws://127.0.0.1:9/", "--pings", "abc"): ("--pings: 'abc' is not a whole number", "heartbeat"),
            ("connect", "ws://127.0.0.1:9/", "--binary-as", "foo"):
                ("--binary-as: 'foo' is not one of base64, hex, raw, text", "connect"),
            # CLI11 would read -1 into an unsigned count as 18446744073709551615.
            ("connect", "ws://127.0.0.1:9/", "--count", "-1"): ("--count: '-1' is not a whole number of 0 or more", "connect"),
            ("reconnect", "ws://127.0.0.1:9/", "--max-retries=-2"):
                ("--max-retries: '-2' is not a whole number of 0 or more", "reconnect"),
            ("check", "--list", "--profile", "sometimes"): ("--profile: 'sometimes' is not one of auto, echo, no-echo", "check"),
            ("check", "--list", "--jobs", "0"): ("--jobs: '0' is not a whole number from 1 to 256", "check"),
            ("connect", "ws://127.0.0.1:9/", "--max-mesage-size", "1"):
                ("unknown option --max-mesage-size; did you mean --max-message-size?", "connect"),
            ("connect", "ws://127.0.0.1:9/", "-H"): ("--header needs a value", "connect"),
            ("connect",): ("a URL is required", "connect"),
            ("connect", "ws://127.0.0.1:9/", "extra"): ("unexpected argument 'extra'", "connect"),
            ("connect", "ws://127.0.0.1:9/", "--count", "1", "--count", "2"): ("--count is given more than once", "connect"),
            ("connect", "ws://127.0.0.1:9/", "--send-file", "/no/such/file"):
                ("--send-file: no such file: /no/such/file", "connect"),
            ("--json", "handshake", "ws://127.0.0.1:9/"):
                ("--json goes after the subcommand: wsprobe handshake --json ...", "handshake"),
            ("-v", "handshake", "ws://127.0.0.1:9/"): ("-v goes after the subcommand: wsprobe handshake -v ...", "handshake"),
        }
        for args, (message, command) in cases.items():
            with self.subTest(args=args):
                result = run(*args)
                self.assertEqual(result.returncode, 2)
                error, hint = result.stderr.splitlines()
                self.assertEqual(error, "wsprobe: error: " + message)
                self.assertTrue(hint.endswith(f"see 'wsprobe {command + ' ' if command else ''}--help'"), hint)
                # No CLI11 internals.
                self.assertNotRegex(result.stderr, r"Could not convert|FAILED|->|not in \{|required TEXT")

    def test_an_option_means_one_thing_and_earlier_names_still_work_unlisted(self):
        # heartbeat --count became --pings (connect's --count counts messages received),
        # heartbeat --max became --duration, sse --reconnect-time became --retry-interval.
        for command, new, old in (("heartbeat", "--pings", "--count"), ("heartbeat", "--duration", "--max"),
                                  ("sse", "--retry-interval", "--reconnect-time")):
            with self.subTest(old=old):
                shown = run(command, "--help").stdout
                self.assertIn(new, shown)
                self.assertNotRegex(shown, re.escape(old) + r"\b(?!-)")
                url = "http://127.0.0.1:9/" if command == "sse" else "ws://127.0.0.1:9/"
                # A bad value is reported under the current name...
                result = run(command, url, old, "bad")
                self.assertEqual(result.returncode, 2, result.stderr)
                self.assertIn(new, result.stderr.splitlines()[0])
                # ...and a good one is taken, in both spellings: the run gets as far as connecting.
                for spelling in ((old, "2"), (old + "=2",)) if old == "--count" else ((old, "1s"), (old + "=1s",)):
                    result = run(command, url, *spelling)
                    self.assertEqual(result.returncode, 3, result.stderr)

    def test_help_shows_one_placeholder_per_option_and_no_cli11_bookkeeping(self):
        for command in ("handshake", "connect", "send", "heartbeat", "reconnect", "sse", "check", "serve"):
            with self.subTest(command=command):
                options = "\n".join(line for line in run(command, "--help").stdout.splitlines()
                                     if re.match(r"\s+-", line))
                self.assertNotRegex(options, r"TEXT:|:FILE|\bx \d|Excludes:|Needs:|->|\{|ENUM|\bINT\b|UINT")
        connect = run("connect", "--help").stdout
        self.assertRegex(connect, r"--send TEXT ")
        self.assertRegex(connect, r"--send-file FILE ")
        self.assertRegex(connect, r"--binary-as base64\|hex\|raw\|text ")
        self.assertRegex(run("serve", "--help").stdout, r"--close-after DURATION CODE ")
        self.assertIn("what the parser discarded", run("sse", "--help").stdout)
        self.assertNotIn("one line per frame", run("sse", "--help").stdout)
        self.assertEqual(run("-V").stdout, run("--version").stdout)
        self.assertRegex(run("-V").stdout, r"^wsprobe \d+\.\d+")

    def test_readme_table_and_man_page_match_help(self):
        table = run("--help").stdout.split("Subcommands:\n", 1)[1].split("\n\n", 1)[0]
        help_rows = re.findall(r"^  (\w+) +(.+?)( \(planned\))?$", table, re.M)
        from_help = {name: (summary, "planned" if planned else "available") for name, summary, planned in help_rows}
        readme_rows = re.findall(r"^\| `(\w+)` \| (.+?) \| (\w+) \|$", README.read_text(), re.M)
        from_readme = {name: (summary, status) for name, summary, status in readme_rows}
        self.assertEqual(len(from_help), 8)
        self.assertEqual(from_readme, from_help)
        # The man page's SUBCOMMANDS section: ".B name" then the summary, as --help has it.
        section = MAN.read_text().split(".SH SUBCOMMANDS", 1)[1].split(".SH ", 1)[0]
        man_rows = dict(re.findall(r"^\.B (\w+)\n(.+)$", section, re.M))
        self.assertEqual(man_rows, {name: summary for name, (summary, _) in from_help.items()})


class Install(unittest.TestCase):
    """cmake --install and the shell completions it installs, written by the binary."""

    def test_completions_load_and_complete_in_bash_zsh_and_fish(self):
        with tempfile.TemporaryDirectory() as directory:
            scripts = {}
            for shell in ("bash", "zsh", "fish"):
                result = run("--completions", shell)
                self.assertEqual(result.returncode, 0, result.stderr)
                scripts[shell] = Path(directory) / shell
                scripts[shell].write_text(result.stdout)
            bash = subprocess.run(["bash", "-c", f"""source {scripts['bash']}
                COMP_WORDS=(wsprobe hands); COMP_CWORD=1; _wsprobe; echo "${{COMPREPLY[@]}}"
                COMP_WORDS=(wsprobe reconnect --backoff ''); COMP_CWORD=3; _wsprobe; echo "${{COMPREPLY[@]}}"
                COMP_WORDS=(wsprobe connect --data); COMP_CWORD=2; _wsprobe; echo "${{COMPREPLY[@]}}" """],
                                  capture_output=True, text=True, timeout=30)
            self.assertEqual(bash.stdout.splitlines(), ["handshake", "fixed exponential", "--data-only"], bash.stderr)
            self.assertTrue(shutil.which("zsh") and shutil.which("fish"), "zsh and fish come with bootstrap.sh")
            zsh = subprocess.run(["zsh", "-f", "-c", f"autoload -U compinit; compinit -u -D; source {scripts['zsh']}; "
                                                     "print -r -- $_comps[wsprobe]"],
                                 capture_output=True, text=True, timeout=30)
            self.assertEqual((zsh.stdout, zsh.stderr), ("_wsprobe\n", ""))
            fish = subprocess.run(["fish", "-c", f"source {scripts['fish']}; complete -C 'wsprobe hand'; "
                                                 "complete -C 'wsprobe reconnect --backoff '"],
                                  capture_output=True, text=True, timeout=30)
            self.assertEqual([line.split("\t")[0] for line in fish.stdout.splitlines()],
                             ["handshake", "exponential", "fixed"], fish.stderr)
        self.assertEqual(run("--completions", "tcsh").returncode, 2)

    def test_cmake_install_puts_the_binary_man_page_and_completions_in_place(self):
        build = Path(WSPROBE).parent
        with tempfile.TemporaryDirectory() as prefix:
            result = subprocess.run(["cmake", "--install", str(build), "--prefix", prefix], capture_output=True,
                                    text=True, timeout=120)
            self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
            root = Path(prefix)
            installed = subprocess.run([str(root / "bin" / "wsprobe"), "-V"], capture_output=True, text=True)
            self.assertEqual(installed.stdout, run("-V").stdout)
            self.assertEqual((root / "share/man/man1/wsprobe.1").read_text(), MAN.read_text())
            for path in ("share/bash-completion/completions/wsprobe", "share/zsh/vendor-completions/_wsprobe",
                         "share/fish/vendor_completions.d/wsprobe.fish"):
                self.assertIn("wsprobe", (root / path).read_text(), path)


if __name__ == "__main__":
    unittest.main()
