"""Pipelined requests: answered in order, bodies of requests skipped correctly."""
import hashlib
import socket

import pytest

from conftest import parse_responses, scaled


def files(site, n=10):
    out = {}
    for i in range(n):
        content = f"pipelined file {i}\n".encode() * (i + 1)
        site.file(f"p{i}.txt", content)
        out[i] = content
    site.file("dir/index.html", "dir index")
    return out


def get(path, extra=""):
    return f"GET {path} HTTP/1.1\r\nHost: t\r\n{extra}\r\n".encode()


# (request bytes, is HEAD, expected status, expected body: bytes, or None to skip)
def twenty_requests(c):
    return [
        (get("/p0.txt"), False, 200, c[0]),
        (b"HEAD /p1.txt HTTP/1.1\r\nHost: t\r\n\r\n", True, 200, b""),
        (get("/missing.txt"), False, 404, None),
        (get("/p3.txt", "Range: bytes=0-3\r\n"), False, 206, c[3][:4]),
        (b"POST /p4.txt HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello", False, 405, None),
        (get("/p5.txt"), False, 200, c[5]),
        (b"POST /p6.txt HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
         b"5\r\nhello\r\n3\r\nabc\r\n0\r\n\r\n", False, 405, None),
        (get("/p7.txt"), False, 200, c[7]),
        (get("/dir"), False, 301, None),
        (get("/dir/"), False, 200, b"dir index"),
        (get("/p0.txt", "If-None-Match: *\r\n"), False, 304, b""),
        (b"HEAD /missing.txt HTTP/1.1\r\nHost: t\r\n\r\n", True, 404, b""),
        (get("/p2.txt", "Range: bytes=-2\r\n"), False, 206, c[2][-2:]),
        (get("/p8.txt?query=1"), False, 200, c[8]),
        (b"PUT /p9.txt HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nxyz", False, 405, None),
        (get("/p9.txt"), False, 200, c[9]),
        (get("/%70%31.txt"), False, 200, c[1]),
        (b"GET /p6.txt HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\n\r\nGET ", False, 200, c[6]),
        (get("/p4.txt", "Range: bytes=10000-\r\n"), False, 416, None),
        (get("/p5.txt", "Connection: close\r\n"), False, 200, c[5]),
    ]


def check(responses, requests):
    assert len(responses) == len(requests), [r.status for r in responses]
    for i, (r, (_, _, status, body)) in enumerate(zip(responses, requests)):
        assert r.status == status, f"response {i}: {r!r}"
        if body is not None:
            assert r.body == body, f"response {i}: {r!r}"


def test_twenty_requests_in_one_send(guise):
    requests = twenty_requests(files(guise.site))
    guise.start()

    with guise.connect(timeout=scaled(10)) as c:
        c.send(b"".join(req for req, _, _, _ in requests))
        data = c.read_until_close()

    heads = [i for i, (_, head, _, _) in enumerate(requests) if head]
    responses = parse_responses(data, heads=heads)
    check(responses, requests)
    assert responses[1].headers["Content-Length"] == str(len(b"pipelined file 1\n" * 2))


@pytest.mark.parametrize("piece", [1, 7, 100])
def test_pipeline_split_at_odd_places(guise, piece):
    requests = twenty_requests(files(guise.site))
    guise.start()
    stream = b"".join(req for req, _, _, _ in requests)

    with guise.connect(timeout=scaled(10)) as c:
        # small pieces, sent without waiting: the server sees requests cut anywhere
        c.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        for i in range(0, len(stream), piece):
            c.send(stream[i:i + piece])
        data = c.read_until_close()

    heads = [i for i, (_, head, _, _) in enumerate(requests) if head]
    check(parse_responses(data, heads=heads), requests)


def test_body_of_a_refused_post_is_skipped(guise):
    guise.site.file("a.txt", "A")
    guise.site.file("b.txt", "B")
    guise.start()

    with guise.connect() as c:
        # The body "GET /" looks like a request: it must be skipped, not parsed.
        c.send(b"POST /a.txt HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nGET /"
               b"GET /b.txt HTTP/1.1\r\nHost: t\r\n\r\n")
        r1, r2 = c.response(), c.response()

    assert r1.status == 405
    assert (r2.status, r2.body) == (200, b"B")


def test_chunked_body_then_another_request(guise):
    guise.site.file("a.txt", "A")
    guise.site.file("b.txt", "B")
    guise.start()

    with guise.connect() as c:
        # The body's chunks spell a request: they must be skipped, not parsed.
        c.send(b"POST /a.txt HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
               b"4;ext=1\r\nGET \r\n"
               b"B\r\n/b.txt HTTP\r\n"
               b"0\r\n\r\n"
               b"GET /b.txt HTTP/1.1\r\nHost: t\r\n\r\n")
        r1, r2 = c.response(), c.response()
        c.send(b"GET /a.txt HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
        r3 = c.response()
        assert c.read_until_close() == b""

    assert r1.status == 405
    assert (r2.status, r2.body) == (200, b"B")
    assert (r3.status, r3.body) == (200, b"A")


def test_chunked_body_with_trailer_fields(guise):
    # Trailers arrive after the response is sent; they once crashed guise (SIGSEGV).
    guise.site.file("a.txt", "A")
    guise.site.file("b.txt", "B")
    guise.start()

    with guise.connect() as c:
        c.send(b"GET /a.txt HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
               b"0\r\nX-Trailer: y\r\n\r\n"
               b"GET /b.txt HTTP/1.1\r\nHost: t\r\n\r\n")
        r1 = c.response()
        assert (r1.status, r1.body) == (200, b"A")
        r2 = c.response()
        assert (r2.status, r2.body) == (200, b"B")
    assert guise.wait(0.2) is None, "guise exited"
    assert guise.get("/b.txt").status == 200


def test_pipelined_large_responses_stay_in_order(guise):
    # Responses much larger than the socket buffers: the server must block
    # on one and finish it before it starts the next.
    blobs = []
    for i in range(6):
        blob = bytes([65 + i]) * (700_000 + i)
        guise.site.file(f"big{i}.bin", blob)
        blobs.append(blob)
    guise.start()

    stream = b"".join(get(f"/big{i}.bin") for i in range(6)) + get("/big0.bin",
                                                                   "Connection: close\r\n")
    with guise.connect(timeout=scaled(20)) as c:
        c.send(stream)
        data = c.read_until_close()

    responses = parse_responses(data)
    assert [r.status for r in responses] == [200] * 7
    got = [hashlib.sha256(r.body).hexdigest() for r in responses]
    want = [hashlib.sha256(b).hexdigest() for b in blobs + [blobs[0]]]
    assert got == want


def test_five_hundred_pipelined_requests(guise):
    guise.site.file("a.txt", "A")
    guise.start()

    with guise.connect(timeout=scaled(10)) as c:
        c.send(get("/a.txt") * 500 + get("/a.txt", "Connection: close\r\n"))
        data = c.read_until_close()

    responses = parse_responses(data)
    assert len(responses) == 501
    assert all((r.status, r.body) == (200, b"A") for r in responses)


def test_large_request_body_is_skipped_and_the_next_request_answered(guise):
    guise.site.file("a.txt", "A")
    guise.start()

    # A body made of requests, larger than any buffer: none of them may be answered.
    body = (get("/a.txt") * 10000)[:300000]
    with guise.connect(timeout=scaled(10)) as c:
        c.send(b"POST /a.txt HTTP/1.1\r\nHost: t\r\nContent-Length: 300000\r\n\r\n" + body
               + get("/a.txt", "Connection: close\r\n"))
        data = c.read_until_close()

    responses = parse_responses(data)
    assert [r.status for r in responses] == [405, 200]


@pytest.mark.parametrize("framing", [
    b"Content-Length: 5\r\nTransfer-Encoding: chunked\r\n",
    b"Transfer-Encoding: chunked\r\nContent-Length: 5\r\n",
    b"Content-Length: 5\r\nContent-Length: 6\r\n",
    b"Content-Length: 5, 6\r\n",
    b"Content-Length: -5\r\n",
    b"Transfer-Encoding: gzip\r\n",
    b"Transfer-Encoding: chunked, gzip\r\n",
])
def test_ambiguous_body_framing_is_400_and_nothing_is_smuggled(guise, framing):
    guise.site.file("a.txt", "A")
    guise.site.file("smuggled.txt", "SMUGGLED")
    guise.start()

    with guise.connect(timeout=scaled(10)) as c:
        c.send(b"POST /a.txt HTTP/1.1\r\nHost: t\r\n" + framing + b"\r\n"
               b"0\r\n\r\nGET /smuggled.txt HTTP/1.1\r\nHost: t\r\n\r\n")
        data = c.read_until_close()

    responses = parse_responses(data)
    assert [r.status for r in responses] == [400]
    assert b"SMUGGLED" not in data
