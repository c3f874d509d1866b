"""Hostile inputs found in review: each of these once crashed, leaked or misled guise."""
import os
import socket
import tempfile
from pathlib import Path

import pytest

from conftest import HOST, parse_responses, scaled


def test_file_with_an_absurd_mtime_is_served_without_last_modified(guise):
    # A file's owner sets its mtime; years past 9999 once crashed the server.
    shm = Path("/dev/shm")
    if not shm.is_dir():
        pytest.skip("needs /dev/shm (tmpfs) for a 64-bit mtime")
    root = Path(tempfile.mkdtemp(dir=shm))
    try:
        f = root / "huge.txt"
        f.write_text("huge")
        try:
            os.utime(f, (2**62, 2**62))
        except OSError:
            pytest.skip("this file system refuses a 64-bit mtime")
        guise.start(root=root)

        r = guise.get("/huge.txt")

        assert r.status == 200 and r.body == b"huge"
        assert "Last-Modified" not in r.headers
        assert r.headers.get("ETag")
        assert guise.get("/huge.txt").status == 200  # still alive
    finally:
        for p in root.iterdir():
            p.unlink()
        root.rmdir()


@pytest.mark.parametrize("target", [
    b"//evil.example/%2e%2e/sub",
    b"/\\evil.example/..%5csub",
    b"http://x//evil.example/%2e%2e/sub?q=1",
    b"///evil.example/../sub",
])
def test_directory_redirect_never_leaves_the_host(guise, target):
    guise.site.file("sub/inner.txt", "x")
    guise.start()

    with guise.connect() as c:
        c.send(b"GET " + target + b" HTTP/1.1\r\nHost: a\r\n\r\n")
        r = c.response()

    assert r.status == 301
    location = r.headers["Location"]
    assert location.startswith("/sub/"), location
    assert not location.startswith("//") and "\\" not in location


def test_redirect_keeps_the_query_and_encodes_the_path(guise):
    guise.site.file("a b/x.txt", "x")
    guise.start()

    r = guise.get("/a%20b?k=v")

    assert r.status == 301
    assert r.headers["Location"] == "/a%20b/?k=v"


@pytest.mark.parametrize("head", [
    b"User-Agent: x\r\n y\r\n",
    b"Host:\r\n a\r\n",
    b"Transfer-Encoding:\r\n chunked\r\n",
    b"Content-Length:\r\n 5\r\n",
])
def test_folded_header_lines_are_400(guise, head):
    guise.site.file("index.html", "i")
    guise.site.file("smuggled.txt", "SMUGGLED")
    guise.start()

    with guise.connect(timeout=scaled(5)) as c:
        c.send(b"POST /index.html HTTP/1.1\r\nHost: a\r\n" + head + b"\r\n"
               b"5\r\nabcde\r\n0\r\n\r\nGET /smuggled.txt HTTP/1.1\r\nHost: a\r\n\r\n")
        data = c.read_until_close()

    responses = parse_responses(data)
    assert [r.status for r in responses] == [400]
    assert b"SMUGGLED" not in data


def test_http10_request_with_transfer_encoding_closes_the_connection(guise):
    guise.site.file("index.html", "i")
    guise.site.file("second.txt", "SECOND")
    guise.start()

    with guise.connect(timeout=scaled(5)) as c:
        c.send(b"GET /index.html HTTP/1.0\r\nConnection: keep-alive\r\n"
               b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /second.txt HTTP/1.0\r\n\r\n")
        data = c.read_until_close()

    responses = parse_responses(data)
    assert len(responses) == 1
    assert responses[0].headers.get("Connection", "").lower() == "close"
    assert b"SECOND" not in data


def test_range_of_a_huge_sparse_file(guise):
    # 19-digit offsets once overflowed the Content-Range buffer.
    p = guise.site.file("sparse.bin", b"")
    for size in (2**63 - 1, 2**44 - 2**12, 2**40):
        try:
            os.truncate(p, size)
            break
        except OSError:
            continue
    else:
        pytest.skip("this file system refuses large sparse files")
    size = p.stat().st_size
    guise.start()
    first = size - 2

    r = guise.get("/sparse.bin", headers={"Range": f"bytes={first}-{first + 1}"})

    assert r.status == 206
    assert r.headers["Content-Range"] == f"bytes {first}-{first + 1}/{size}"
    assert r.body == b"\0\0"


def test_unsatisfiable_range_has_no_content_type(guise):
    guise.site.file("f.txt", "0123456789")
    guise.start()

    r = guise.get("/f.txt", headers={"Range": "bytes=100-"})

    assert r.status == 416
    assert r.headers["Content-Range"] == "bytes */10"
    assert "Content-Type" not in r.headers


def test_default_document_is_resolved_beneath_the_root(guise):
    # A default document that is a symlink within the root is served the same
    # whether the client names it or asks for its directory.
    guise.site.file("target.html", "TARGET")
    guise.site.dir("sub")
    guise.site.symlink("sub/index.html", "../target.html")
    guise.start()

    assert guise.get("/sub/index.html").body == b"TARGET"
    assert guise.get("/sub/").body == b"TARGET"
