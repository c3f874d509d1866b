"""Persistent connections: HTTP/1.1 default, HTTP/1.0 opt-in, Connection: close, idle timeout."""
import http.client
import socket
import time

from conftest import HOST, scaled


def test_http11_connection_is_reused(guise):
    for i in range(5):
        guise.site.file(f"f{i}.txt", f"file {i}")
    guise.start()

    conn = http.client.HTTPConnection(HOST, guise.port, timeout=scaled(5))
    try:
        conn.request("GET", "/f0.txt")
        r = conn.getresponse()
        assert r.read() == b"file 0"
        sock = conn.sock
        assert sock is not None, "http.client closed the connection: the server asked it to"
        local = sock.getsockname()
        for i in range(1, 5):
            conn.request("HEAD" if i == 3 else "GET", f"/f{i}.txt")
            r = conn.getresponse()
            assert r.status == 200
            assert r.read() == (b"" if i == 3 else f"file {i}".encode())
            assert r.getheader("Connection") is None
            assert conn.sock is sock, f"request {i} went on a new connection"
        assert sock.getsockname() == local
    finally:
        conn.close()


def test_http11_errors_that_leave_the_stream_intact_keep_the_connection(guise):
    guise.site.file("f.txt", "f")
    guise.start()

    with guise.connect() as c:
        for path in ("/missing", "/f.txt", "/", "/f.txt"):
            c.send(f"GET {path} HTTP/1.1\r\nHost: t\r\n\r\n".encode())
            r = c.response()
            assert r.status in (200, 403, 404)
            assert r.headers.get("Connection") is None
        assert r.body == b"f"


def test_http10_closes_by_default(guise):
    guise.site.file("f.txt", "ten")
    guise.start()

    with guise.connect() as c:
        c.send(b"GET /f.txt HTTP/1.0\r\n\r\n")
        r = c.response()
        assert (r.status, r.body) == (200, b"ten")
        assert r.headers.get("Connection", "close").lower() == "close"
        assert c.read_until_close(scaled(5)) == b""


def test_http10_keep_alive_is_honoured(guise):
    guise.site.file("f.txt", "ten")
    guise.start()

    with guise.connect() as c:
        for _ in range(3):
            c.send(b"GET /f.txt HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            r = c.response()
            assert (r.status, r.body) == (200, b"ten")
            assert r.headers["Connection"].lower() == "keep-alive"
        # without the header, the last one closes
        c.send(b"GET /f.txt HTTP/1.0\r\n\r\n")
        assert c.response().body == b"ten"
        assert c.read_until_close(scaled(5)) == b""


def test_connection_close_closes_after_the_response(guise):
    guise.site.file("f.txt", "bye")
    guise.start()

    with guise.connect() as c:
        c.send(b"GET /f.txt HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
        r = c.response()
        assert (r.status, r.body) == (200, b"bye")
        assert r.headers["Connection"].lower() == "close"
        assert c.read_until_close(scaled(5)) == b""


def test_connection_close_with_curl(guise):
    guise.site.file("f.txt", "bye")
    guise.start()

    r = guise.curl("/f.txt", "-H", "Connection: close")

    assert (r.status, r.body) == (200, b"bye")
    assert r.headers["Connection"].lower() == "close"


def test_idle_connection_closed_after_keepalive_timeout(guise):
    guise.site.file("f.txt", "f")
    guise.start("--keepalive-timeout", "1")

    with guise.connect(timeout=scaled(10)) as c:
        c.send(b"GET /f.txt HTTP/1.1\r\nHost: t\r\n\r\n")
        assert c.response().status == 200
        start = time.monotonic()
        data = c.read_until_close(scaled(10))
        elapsed = time.monotonic() - start

    assert data == b""
    assert 0.5 < elapsed < scaled(4), f"closed after {elapsed:.2f} s"


def test_idle_connection_closed_without_any_request(guise):
    guise.start("--keepalive-timeout", "1")

    with guise.connect(timeout=scaled(10)) as c:
        start = time.monotonic()
        assert c.read_until_close(scaled(10)) == b""
        elapsed = time.monotonic() - start

    assert elapsed < scaled(4), f"closed after {elapsed:.2f} s"


def test_keepalive_timeout_in_milliseconds(guise):
    guise.site.file("f.txt", "f")
    guise.start("--keepalive-timeout", "300ms")

    with guise.connect(timeout=scaled(10)) as c:
        c.send(b"GET /f.txt HTTP/1.1\r\nHost: t\r\n\r\n")
        assert c.response().status == 200
        start = time.monotonic()
        assert c.read_until_close(scaled(10)) == b""
        elapsed = time.monotonic() - start

    assert elapsed < scaled(2), f"closed after {elapsed:.2f} s"


def test_active_connection_outlives_the_keepalive_timeout(guise):
    # The timeout is for idleness: requests every 0.4 s keep a 1 s connection open.
    guise.site.file("f.txt", "f")
    guise.start("--keepalive-timeout", "1")

    with guise.connect() as c:
        for _ in range(6):
            c.send(b"GET /f.txt HTTP/1.1\r\nHost: t\r\n\r\n")
            assert c.response().status == 200
            time.sleep(0.4)
        c.send(b"GET /f.txt HTTP/1.1\r\nHost: t\r\n\r\n")
        try:
            assert c.response().status == 200
        except (socket.timeout, ConnectionError) as e:
            raise AssertionError(f"connection lost while in use: {e!r}")
