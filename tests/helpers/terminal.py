"""Running the installed ``maestrale`` in a terminal of its own (a pty)."""

from __future__ import annotations

import os
import pty
import time

from tests.helpers.cli import Cli, installed_command


class Terminal:
    """``maestrale`` run in a terminal of its own (a pty), as typed in a real one."""

    def __init__(self, cli: Cli, *args: str) -> None:
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: nothing but exec, the parent has threads
            os.execve(installed_command(), [installed_command(), *args], cli.env)
        self.output = ""

    def read_until(self, text: str) -> None:
        deadline = time.monotonic() + 20
        while text not in self.output:
            assert time.monotonic() < deadline, f"never shown: {text!r} in {self.output!r}"
            self.output += os.read(self.fd, 1024).decode(errors="replace")

    def type(self, keys: bytes) -> None:
        os.write(self.fd, keys)

    def finish(self) -> int:
        """The exit status (or minus the signal that killed it); all it printed is read."""
        while True:
            try:
                chunk = os.read(self.fd, 1024)
            except OSError:  # the terminal closed with the child
                break
            if not chunk:
                break
            self.output += chunk.decode(errors="replace")
        _, status = os.waitpid(self.pid, 0)
        os.close(self.fd)
        return os.waitstatus_to_exitcode(status)


def screen(written: str) -> list[str]:
    """The lines a terminal shows of ``written``: each character over the one at the
    cursor, a carriage return back to the line's start, a line feed to the next."""
    lines: list[list[str]] = [[]]
    cursor = 0
    for char in written:
        if char == "\r":
            cursor = 0
        elif char == "\n":
            lines.append([])
            cursor = 0
        else:
            line = lines[-1]
            if cursor < len(line):
                line[cursor] = char
            else:
                line.append(char)
            cursor += 1
    return ["".join(line).rstrip() for line in lines]
