"""A real SMTP server (aiosmtpd) in a subprocess, to refuse, hang and recover on purpose.

Stopped, its port refuses connections. Paused (SIGSTOP), the kernel still accepts
connections and nothing ever answers, like a mail server that hangs. Every message it
accepts lands in a Maildir that the test reads.
"""

import mailbox
import signal
import smtplib
import socket
import subprocess
import sys
import time
from email.header import decode_header, make_header
from pathlib import Path


class FakeSmtpServer:
    def __init__(self, maildir: Path):
        self.maildir = maildir
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.process: subprocess.Popen | None = None

    def mailer(self, timeout: float) -> dict:
        """A MAILERS entry that sends here, with a short timeout."""
        options = {"host": "127.0.0.1", "port": self.port, "timeout": timeout}
        return {"BACKEND": "django.core.mail.backends.smtp.EmailBackend", "OPTIONS": options}

    def start(self) -> None:
        command = [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{self.port}"]
        command += ["-c", "aiosmtpd.handlers.Mailbox", str(self.maildir)]
        self.process = subprocess.Popen(command, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                smtplib.SMTP("127.0.0.1", self.port, timeout=1).quit()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("the fake SMTP server did not start")

    def pause(self) -> None:
        self.process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        self.process.send_signal(signal.SIGCONT)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)
            self.process.kill()
            self.process.wait(timeout=10)

    def received(self) -> list[tuple[str, str]]:
        """(recipient, subject) of every message delivered so far."""
        if not self.maildir.exists():
            return []
        return sorted(
            (message["To"], str(make_header(decode_header(message["Subject"]))))
            for message in mailbox.Maildir(self.maildir, create=False)
        )
