"""Real servers as subprocesses, to break on purpose.

A paused process (SIGSTOP) is what a frozen or black-holed host looks like to a
client: the kernel still accepts connections, and nothing ever answers.
"""

import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass

import pytest
import redis

import resilient_cache


@dataclass
class RedisServer:
    process: subprocess.Popen
    url: str

    def pause(self) -> None:
        self.process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        self.process.send_signal(signal.SIGCONT)

    def kill(self) -> None:
        self.process.kill()
        self.process.wait(timeout=5)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_redis() -> RedisServer:
    # Breakers are per process and server: a port an earlier test's server used (and
    # perhaps tripped) must not hand its state to this one.
    resilient_cache._breakers.clear()
    executable = shutil.which("redis-server")
    if executable is None:
        pytest.fail("These tests need a real Redis: apt-get install redis-server")
    port = free_port()
    command = [executable, "--port", str(port), "--bind", "127.0.0.1"]
    command += ["--save", "", "--appendonly", "no"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    server = RedisServer(process, f"redis://127.0.0.1:{port}/0")
    probe = redis.Redis.from_url(server.url, socket_timeout=0.5, socket_connect_timeout=0.5)
    deadline = time.monotonic() + 10
    try:
        while True:
            try:
                probe.ping()
                return server
            except (redis.ConnectionError, redis.TimeoutError):
                if process.poll() is not None or time.monotonic() > deadline:
                    process.kill()
                    pytest.fail(f"redis-server did not start on port {port}")
                time.sleep(0.02)
    finally:
        probe.close()


@pytest.fixture
def redis_server():
    server = start_redis()
    yield server
    server.resume()  # a stopped process ignores SIGTERM until it runs again
    server.process.kill()
    server.process.wait(timeout=5)
