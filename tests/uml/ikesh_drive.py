#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""Drive an interactive ikesh on a pty from a step file, as an operator would.

usage: ikesh_drive.py STEPS -- IKESH [ARGS...]

Each line of STEPS is one step:
  TEXT                      typed at the prompt; waits for the next prompt
  @until SECS REGEX :: CMD  types CMD every half second until its output
                            matches REGEX (Python re, MULTILINE); fails after SECS
  @expect REGEX             the output of the last command must match
  @reject REGEX             the output of the last command must not match
  @save NAME REGEX          remembers group 1 of REGEX in the last output as {NAME}
  @sh CMD                   runs CMD with /bin/sh ({NAME} substituted); must exit 0
  @sleep SECS
  # ...                     a comment
Everything ikesh prints is copied to standard output.  Exit status 0 when
every step passed, 1 with the failing step named otherwise.
"""
import os
import pty
import re
import select
import signal
import subprocess
import sys
import time

PROMPT = re.compile(r"(?:^|\n)([A-Za-z0-9._-]+(?:\([a-z0-9-]+\))?[#>]) ?$")
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Z0-9]|\r")


class Fail(Exception):
    pass


class Shell:
    def __init__(self, argv):
        env = dict(os.environ, TERM="dumb", COLUMNS="200", LINES="50")
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.execvpe(argv[0], argv, env)
        self.buf = ""

    def read_until_prompt(self, timeout, echo=None):
        """Output up to the next prompt; with ECHO, the prompt that follows
        the echo of the typed line: a prompt redrawn below a log line that
        came before it is not the answer to that line."""
        end = time.monotonic() + timeout
        while True:
            m = PROMPT.search(self.buf)
            if m:
                out, self.buf = self.buf[: m.start(1)], ""
                if echo is None:
                    return out
                i = out.find(echo)
                if i >= 0:
                    return out[i + len(echo):]
            left = end - time.monotonic()
            if left <= 0:
                raise Fail("no prompt after %.0f s; screen so far:\n%s" % (timeout, self.buf))
            r, _, _ = select.select([self.fd], [], [], left)
            if not r:
                continue
            try:
                data = os.read(self.fd, 65536)
            except OSError:
                data = b""
            if not data:
                raise Fail("ikesh exited; screen so far:\n%s" % self.buf)
            text = ANSI.sub("", data.decode("utf-8", "replace"))
            sys.stdout.write(text)
            sys.stdout.flush()
            self.buf += text

    def run(self, line, timeout=30):
        os.write(self.fd, line.encode() + b"\n")
        out = self.read_until_prompt(timeout, line.strip() or None)
        # what follows the echo of the typed line
        return out[1:] if out.startswith("\n") else out

    def close(self):
        try:
            os.write(self.fd, b"end\nexit\n")
            time.sleep(0.5)
        except OSError:
            pass
        try:
            os.kill(self.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        for _ in range(50):
            if os.waitpid(self.pid, os.WNOHANG)[0]:
                return
            time.sleep(0.1)
        os.kill(self.pid, signal.SIGKILL)
        os.waitpid(self.pid, 0)


def main():
    if "--" not in sys.argv or sys.argv.index("--") != 2:
        sys.exit(__doc__)
    steps = open(sys.argv[1]).read().splitlines()
    sh = Shell(sys.argv[3:])
    saved = {}
    last = ""
    n = 0
    try:
        sh.read_until_prompt(30)
        sh.run("terminal length 0")
        for n, step in enumerate(steps, 1):
            step = step.strip()
            if not step or step.startswith("#"):
                continue
            for k, v in saved.items():
                step = step.replace("{%s}" % k, v)
            if step.startswith("@until "):
                head, _, cmd = step[7:].partition(" :: ")
                secs, _, regex = head.partition(" ")
                end = time.monotonic() + float(secs)
                while True:
                    last = sh.run(cmd)
                    if re.search(regex, last, re.M):
                        break
                    if time.monotonic() > end:
                        raise Fail("'%s' never matched /%s/ in %s s" % (cmd, regex, secs))
                    time.sleep(0.5)
            elif step.startswith("@expect "):
                if not re.search(step[8:], last, re.M):
                    raise Fail("output does not match /%s/:\n%s" % (step[8:], last))
            elif step.startswith("@reject "):
                if re.search(step[8:], last, re.M):
                    raise Fail("output matches /%s/:\n%s" % (step[8:], last))
            elif step.startswith("@save "):
                name, _, regex = step[6:].partition(" ")
                m = re.search(regex, last, re.M)
                if not m:
                    raise Fail("nothing to save for /%s/ in:\n%s" % (regex, last))
                saved[name] = m.group(1)
            elif step.startswith("@sh "):
                r = subprocess.run(step[4:], shell=True, stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, text=True)
                sys.stdout.write(r.stdout)
                if r.returncode:
                    raise Fail("'%s' exited %d" % (step[4:], r.returncode))
            elif step.startswith("@sleep "):
                time.sleep(float(step[7:]))
            else:
                last = sh.run(step)
    except Fail as e:
        print("\nikesh_drive: step %d (%s): %s" % (n, steps[n - 1] if n else "start", e))
        sh.close()
        return 1
    sh.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
