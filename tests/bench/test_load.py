"""The benchmark's load generator (bench.load) against a small local server: answers counted
by class, every body read, connections the server closes reopened, and a server that is not
there or too slow reported as requests without an answer, never raised."""

import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bench.load import run_load
from bench.serve import free_port

BODY = b"x" * 50_000


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive unless the answer says otherwise

    def setup(self):
        super().setup()
        with self.server.lock:
            self.server.connections += 1

    def do_GET(self):
        with self.server.lock:
            self.server.requests += 1
        if self.path == "/slow":
            time.sleep(1)
        status = {"/moved": 302, "/missing": 404, "/broken": 500}.get(self.path, 200)
        self.send_response(status)
        if status == 302:
            self.send_header("Location", "/ok")
        self.send_header("Content-Length", str(len(BODY)))
        if self.path == "/close":  # as gunicorn's sync workers answer
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        self.wfile.write(BODY)

    def log_message(self, *args):
        pass


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # a client that gave up (timed out) closed its end: nothing to report


@pytest.fixture
def server():
    httpd = Server(("127.0.0.1", 0), Handler)
    httpd.lock = threading.Lock()
    httpd.connections = httpd.requests = 0
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    httpd.url = lambda path: f"http://127.0.0.1:{httpd.server_address[1]}{path}"
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def test_successful_answers_are_counted_with_a_latency_each_over_kept_alive_connections(server):
    result = run_load(server.url("/ok?page=2"), seconds=0.3, clients=2)

    assert result.ok > 2
    assert (result.redirects, result.other, result.errors) == (0, 0, 0)
    assert result.answered == result.ok == server.requests == len(result.latencies)
    assert server.connections == 2  # one each: the connections were kept alive
    assert result.median is not None and result.p95 is not None
    assert result.per_second == result.answered / result.seconds


@pytest.mark.parametrize(
    ("path", "counted"), [("/moved", "redirects"), ("/missing", "other"), ("/broken", "other")]
)
def test_redirects_and_other_statuses_are_counted_apart_and_not_followed(server, path, counted):
    result = run_load(server.url(path), seconds=0.2, clients=1)

    assert getattr(result, counted) == result.answered == server.requests > 0
    assert result.ok == result.errors == 0


def test_a_connection_the_server_closes_after_each_answer_is_reopened(server):
    result = run_load(server.url("/close"), seconds=0.3, clients=2)

    assert result.ok > 2
    assert result.errors == 0
    assert server.connections == server.requests == result.ok


def test_nothing_listening_is_reported_as_requests_without_an_answer():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # bound, not listening: connections are refused

        result = run_load(f"http://127.0.0.1:{port}/health/", seconds=0.2, clients=2)

    assert result.errors > 0
    assert result.answered == 0
    assert result.median is None and result.p95 is None and result.per_second == 0
    assert "ConnectionRefused" in result.first_error


def test_a_request_past_its_timeout_counts_as_no_answer(server):
    result = run_load(server.url("/slow"), seconds=0.2, clients=1, timeout=0.2)

    assert result.errors >= 1
    assert result.ok == 0
    assert "timed out" in result.first_error


def test_only_plain_http_addresses_are_taken():
    with pytest.raises(ValueError, match="http://"):
        run_load(f"https://127.0.0.1:{free_port()}/", seconds=0.1)
