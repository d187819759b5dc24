"""A real HTTP server on 127.0.0.1, in a thread, serving what each test tells it to: feeds
(RSS and Atom written here), conditional answers, redirects, slow and endless bodies."""

import threading
import time
from dataclasses import dataclass, field
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.sax.saxutils import escape


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    headers: dict = field(default_factory=dict)
    etag: str = ""  # answer 304 to a matching If-None-Match
    delay: float = 0.0  # seconds before answering
    stream: int = 0  # then send this many more bytes, without a Content-Length


@dataclass
class Seen:
    path: str
    headers: dict


class FeedServer:
    def __init__(self):
        self.routes: dict[str, Route] = {}
        self.requests: list[Seen] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                server.requests.append(Seen(self.path, dict(self.headers.items())))
                route = server.routes.get(self.path)
                if route is None:
                    self.send_error(404)
                    return
                if route.delay:
                    time.sleep(route.delay)
                if route.etag and self.headers.get("If-None-Match") == route.etag:
                    self.send_response(304)
                    self.send_header("ETag", route.etag)
                    self.end_headers()
                    return
                self.send_response(route.status)
                for name, value in route.headers.items():
                    self.send_header(name, value)
                if route.etag:
                    self.send_header("ETag", route.etag)
                if not route.stream:
                    self.send_header("Content-Length", str(len(route.body)))
                self.end_headers()
                try:
                    self.wfile.write(route.body)
                    chunk = b"<!-- padding -->" * 4096
                    sent = 0
                    while sent < route.stream:
                        self.wfile.write(chunk)
                        sent += len(chunk)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()

    @property
    def base(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str) -> str:
        return self.base + path

    def serve(self, path: str, body=b"", **options) -> str:
        if isinstance(body, str):
            body = body.encode()
        self.routes[path] = Route(body=body, **options)
        return self.url(path)

    def redirect(self, path: str, to: str, status: int = 301) -> str:
        return self.serve(path, status=status, headers={"Location": to})

    def seen(self, path: str) -> list[Seen]:
        return [request for request in self.requests if request.path == path]


RSS_TYPE = {"Content-Type": "application/rss+xml; charset=utf-8"}
ATOM_TYPE = {"Content-Type": "application/atom+xml; charset=utf-8"}


def rss(items, title="The Daily Courier", encoding="utf-8") -> str:
    """An RSS 2.0 document; each item a dict of title, link, guid, description, author,
    date (a datetime)."""
    parts = [
        f'<?xml version="1.0" encoding="{encoding}"?>',
        '<rss version="2.0"><channel>',
        f"<title>{escape(title)}</title><link>https://courier.example/</link>",
        "<description>News</description>",
    ]
    for item in items:
        parts.append("<item>")
        for name in ("title", "link", "description", "author"):
            if name in item:
                parts.append(f"<{name}>{escape(item[name])}</{name}>")
        if "guid" in item:
            permalink = "true" if item["guid"].startswith("http") else "false"
            parts.append(f'<guid isPermaLink="{permalink}">{escape(item["guid"])}</guid>')
        if "date" in item:
            parts.append(f"<pubDate>{format_datetime(item['date'])}</pubDate>")
        parts.append("</item>")
    parts.append("</channel></rss>")
    return "\n".join(parts)


def atom(entries, title="Le Quotidien") -> str:
    """An Atom 1.0 document; each entry a dict of title, link, id, summary, author, date."""
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom">',
        f"<title>{escape(title)}</title><id>urn:example:feed</id>",
        "<updated>2026-12-01T10:00:00Z</updated>",
    ]
    for entry in entries:
        parts.append("<entry>")
        parts.append(f"<title>{escape(entry['title'])}</title>")
        parts.append(f'<link rel="alternate" href="{escape(entry["link"])}"/>')
        parts.append(f"<id>{escape(entry['id'])}</id>")
        parts.append(f"<updated>{entry['date'].isoformat()}</updated>")
        if "summary" in entry:
            parts.append(f'<summary type="html">{escape(entry["summary"])}</summary>')
        if "author" in entry:
            parts.append(f"<author><name>{escape(entry['author'])}</name></author>")
        parts.append("</entry>")
    parts.append("</feed>")
    return "\n".join(parts)
