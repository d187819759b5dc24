"""A TCP forwarder on loopback that can be cut and restored: a real outage of a server (Redis,
PostgreSQL) without touching the server itself, which other work may share.

`TcpProxy(upstream_port)` forwards a free loopback port to `upstream_port`, one thread
serving every connection. `stop()` refuses new connections (the port is closed) and cuts the
open ones; `start()` serves the same port again. With `black_hole`, connections are accepted
and held but nothing is ever forwarded, like a server that hangs. The health and outage tests
run it in their own process.

`ProxyProcess` runs one in a child process (`python -m bench.tcp_proxy PORT`), driven over
its standard input, so that the forwarding never waits for the parent's threads (a load
generator's, a writer's) to give up Python's interpreter lock; it exits with its parent.

    .venv/bin/python -m bench.tcp_proxy 5432       # prints "listening <port>", then reads
                                                   # "cut" and "restore" lines from stdin
"""

import argparse
import selectors
import socket
import subprocess
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class TcpProxy:
    """A TCP forwarder from a loopback port to `upstream_port`, run by one thread.

    `stop()` refuses new connections and cuts the open ones; `start()` serves the same
    port again. With `black_hole`, connections are accepted and held but nothing is ever
    forwarded, like a server that hangs.
    """

    def __init__(self, upstream_port: int, upstream_host: str = "127.0.0.1"):
        self.upstream = (upstream_host, upstream_port)
        self.port = 0
        self.black_hole = False
        self.accepted = 0
        self._thread = None

    @property
    def running(self) -> bool:
        return self._thread is not None

    def start(self):
        assert self._thread is None, "already running"
        self._listener = socket.create_server(("127.0.0.1", self.port))  # SO_REUSEADDR
        self.port = self._listener.getsockname()[1]
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="tcp-proxy", daemon=True)
        self._thread.start()
        return self

    def stop(self):
        if self._thread is None:
            return
        self._stopping.set()
        self._thread.join(timeout=5)
        assert not self._thread.is_alive(), "the proxy thread did not stop"
        self._thread = None

    def _serve(self):
        selector = selectors.DefaultSelector()
        selector.register(self._listener, selectors.EVENT_READ)
        peers = {}
        try:
            while not self._stopping.is_set():
                for key, _ in selector.select(timeout=0.02):
                    sock = key.fileobj
                    if sock is self._listener:
                        self._accept(selector, peers)
                    else:
                        self._forward(sock, selector, peers)
        finally:
            for sock in peers:
                sock.close()
            selector.close()
            self._listener.close()

    def _accept(self, selector, peers):
        client, _ = self._listener.accept()
        self.accepted += 1
        if self.black_hole:
            peers[client] = None  # held open, never read
            return
        try:
            upstream = socket.create_connection(self.upstream, timeout=1)
        except OSError:
            client.close()
            return
        upstream.settimeout(None)
        for sock, other in ((client, upstream), (upstream, client)):
            peers[sock] = other
            selector.register(sock, selectors.EVENT_READ)

    def _forward(self, sock, selector, peers):
        other = peers.get(sock)
        try:
            data = sock.recv(65536)
            if data:
                other.sendall(data)
                return
        except OSError:
            pass
        for end in (sock, other):
            if end in peers:
                selector.unregister(end)
                peers.pop(end)
                end.close()


class ProxyFailed(Exception):
    """The proxy process exited or answered something unexpected."""


class ProxyProcess:
    """A TcpProxy in a child process: `port` once started, `cut()` and `restore()`."""

    def __init__(self, upstream_port: int, upstream_host: str = "127.0.0.1"):
        self.upstream_port, self.upstream_host = upstream_port, upstream_host
        self.port = 0
        self.process = None

    def __enter__(self) -> "ProxyProcess":
        self.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "bench.tcp_proxy",
                str(self.upstream_port),
                "--host",
                self.upstream_host,
            ],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            bufsize=1,
        )
        self.port = int(self._answer("listening"))

    def _answer(self, expected: str) -> str:
        line = self.process.stdout.readline().strip()
        word, _, rest = line.partition(" ")
        if word != expected:
            raise ProxyFailed(f"the proxy answered {line!r}, not {expected!r}")
        return rest

    def _command(self, command: str, expected: str) -> None:
        if self.process is None or self.process.poll() is not None:
            raise ProxyFailed("the proxy process is not running")
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        self._answer(expected)

    def cut(self) -> None:
        """New connections refused, open ones cut; returns once done."""
        self._command("cut", "cut")

    def restore(self) -> None:
        """The same port served again; returns once it listens."""
        self._command("restore", "restored")

    def stop(self) -> None:
        if self.process is None:
            return
        try:
            self.process.stdin.close()  # end of input: the proxy stops and exits
        except OSError:
            pass
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)
        self.process.stdout.close()
        self.process = None


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description="Forward a loopback port to a TCP server.")
    parser.add_argument("upstream_port", type=int)
    parser.add_argument("--host", default="127.0.0.1", help="the server's address")
    args = parser.parse_args(argv)
    proxy = TcpProxy(args.upstream_port, args.host).start()
    print(f"listening {proxy.port}", flush=True)
    try:
        for line in sys.stdin:
            command = line.strip()
            if command == "cut":
                proxy.stop()
                print("cut", flush=True)
            elif command == "restore":
                if not proxy.running:
                    proxy.start()
                print("restored", flush=True)
            else:
                print(f"unknown {command}", flush=True)
    except KeyboardInterrupt:
        pass
    finally:
        proxy.stop()


if __name__ == "__main__":
    main()
