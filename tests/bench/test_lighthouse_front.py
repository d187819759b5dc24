"""The front server `make lighthouse` puts before gunicorn (bench.lighthouse.front_server), with
no browser: /media/ answered from the media root (bytes, type, a long cache), nothing outside
it or missing, and every other request passed to the upstream server with its status,
headers and body. Then the verdict on a few made-up reports: medians, failing audits, and
what fails the run."""

import http.client
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bench.lighthouse import CATEGORIES, MEDIA_CACHE_CONTROL, Case, front_server, verdict

IMAGE = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40


class Upstream(BaseHTTPRequestHandler):
    """Answers 201 with the path it was asked for, a header of its own and a hop-by-hop one."""

    def do_GET(self):
        body = f"upstream {self.path} host={self.headers['Host']}".encode()
        self.send_response(201)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Upstream", "yes")
        self.send_header("Keep-Alive", "timeout=5")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def front(tmp_path):
    media_root = tmp_path / "media"
    (media_root / "topics").mkdir(parents=True)
    (media_root / "topics" / "lead.png").write_bytes(IMAGE)
    (tmp_path / "secret.txt").write_text("not media")
    upstream = ThreadingHTTPServer(("127.0.0.1", 0), Upstream)
    upstream.daemon_threads = True
    thread = threading.Thread(target=upstream.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        with front_server(upstream.server_address[1], media_root) as port:
            yield port
    finally:
        upstream.shutdown()
        upstream.server_close()


def get(port: int, path: str, method: str = "GET") -> tuple[http.client.HTTPResponse, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request(method, path)
        answer = connection.getresponse()
        return answer, answer.read()
    finally:
        connection.close()


def test_a_media_file_is_served_with_its_bytes_type_and_a_long_cache(front):
    answer, body = get(front, "/media/topics/lead.png")
    assert answer.status == 200
    assert body == IMAGE
    assert answer.getheader("Content-Type") == "image/png"
    assert answer.getheader("Content-Length") == str(len(IMAGE))
    assert answer.getheader("Cache-Control") == MEDIA_CACHE_CONTROL


def test_head_on_a_media_file_gives_its_length_and_no_body(front):
    answer, body = get(front, "/media/topics/lead.png", method="HEAD")
    assert answer.status == 200
    assert answer.getheader("Content-Length") == str(len(IMAGE))
    assert body == b""


@pytest.mark.parametrize(
    "path",
    [
        "/media/../secret.txt",
        "/media/%2e%2e/secret.txt",
        "/media/topics/../../secret.txt",
        "/media/topics/missing.png",
        "/media/topics/",
        "/media/",
    ],
)
def test_a_path_outside_the_media_root_or_missing_answers_404(front, path):
    answer, body = get(front, path)
    assert answer.status == 404
    assert b"not media" not in body


def test_any_other_path_is_passed_to_the_upstream_server(front):
    answer, body = get(front, "/en/topics/digital-freedom/?page=2")
    assert answer.status == 201
    assert body == f"upstream /en/topics/digital-freedom/?page=2 host=127.0.0.1:{front}".encode()
    assert answer.getheader("X-Upstream") == "yes"
    assert answer.getheader("Content-Type") == "text/plain; charset=utf-8"
    assert answer.getheader("Content-Length") == str(len(body))
    assert answer.getheader("Keep-Alive") is None  # hop-by-hop: not passed on


def report(performance: float, tbt_score: float = 1.0) -> dict:
    """A Lighthouse report cut down to what the verdict reads."""
    audits = {
        "first-contentful-paint": {"score": 1.0, "displayValue": "1.1 s"},
        "largest-contentful-paint": {"score": 1.0, "displayValue": "1.2 s"},
        "total-blocking-time": {"score": tbt_score, "displayValue": "150 ms"},
        "cumulative-layout-shift": {"score": 1.0, "displayValue": "0"},
        "uses-long-cache-ttl": {"score": 0.5},  # not weighted: never shown
    }
    refs = [{"id": audit, "weight": 10} for audit in audits if audit != "uses-long-cache-ttl"]
    categories = {category: {"score": 1.0, "auditRefs": []} for category in CATEGORIES}
    categories["performance"] = {
        "score": performance,
        "auditRefs": [*refs, {"id": "uses-long-cache-ttl", "weight": 0}],
    }
    return {"categories": categories, "audits": audits}


def test_the_median_run_decides_and_failing_weighted_audits_are_listed():
    case = Case("/en/topics/digital-freedom/", "mobile")
    case.reports = [report(0.97, tbt_score=0.9), report(0.99), report(1.0, tbt_score=0.94)]
    assert case.score("performance") == 99
    assert case.score("seo") == 100
    assert case.failing_audits() == ["total-blocking-time (0.90, 2/3 runs)"]
    assert verdict([case], 98) == []
    assert verdict([case], 100) == ["/en/topics/digital-freedom/ mobile: performance below 100"]


def test_a_run_that_failed_twice_fails_the_verdict():
    case = Case("/ar/topics/digital-freedom/", "desktop", [report(1.0)], ["NO_NAVSTART: ..."])
    assert verdict([case], 98) == ["/ar/topics/digital-freedom/ desktop: 1 run(s) failed"]
