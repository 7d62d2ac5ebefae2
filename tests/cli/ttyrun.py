"""Runs a command on a pseudo-terminal, as a user at a terminal would (tests/cli/t_readme.sh).
Usage: python3 ttyrun.py ANSWER TRANSCRIPT CMD...
Whenever the program asks for a pass-phrase ("Pass-phrase for '...': " on /dev/tty) or a
token's PIN ("PIN for '...': "), types ANSWER and Enter. Everything written to the terminal goes to TRANSCRIPT; exits with the
command's status. A run that asks nothing never gets ANSWER, so a test can check the order
of the prompt and the other output, or that no prompt came at all."""
import os
import pty
import select
import sys
import termios
import time


def answer_when_quiet(fd, answer):
    """Types answer once the terminal stops echoing: the program turns echo off with
    TCSAFLUSH, which would discard anything typed before."""
    for _ in range(500):
        if not termios.tcgetattr(fd)[3] & termios.ECHO:
            break
        time.sleep(0.01)
    os.write(fd, answer.encode() + b"\n")


def main():
    answer, transcript, cmd = sys.argv[1], sys.argv[2], sys.argv[3:]
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(cmd[0], cmd)
    seen = b""
    asked = 0
    while True:
        r, _, _ = select.select([fd], [], [], 600)
        if not r:
            os.kill(pid, 9)
            break
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
        if seen.count(b"Pass-phrase for ") + seen.count(b"PIN for ") > asked:
            asked += 1
            answer_when_quiet(fd, answer)
    _, status = os.waitpid(pid, 0)
    with open(transcript, "wb") as f:
        f.write(seen)
    sys.exit(os.waitstatus_to_exitcode(status))


main()
