"""Byte ranges: one range, suffix and open ranges, 416, ignored ranges, If-Range."""
import email.utils

import pytest

from conftest import parse_response

MTIME = 1_600_000_000
BODY = b"0123456789abcdefghij"  # 20 bytes
SIZE = len(BODY)


@pytest.fixture
def etag(guise):
    guise.site.file("f.bin", BODY, mtime=MTIME)
    guise.start()
    return guise.get("/f.bin").headers["ETag"]


def assert_partial(r, first, last):
    assert r.status == 206, r
    assert r.headers["Content-Range"] == f"bytes {first}-{last}/{SIZE}"
    assert r.headers["Content-Length"] == str(last - first + 1)
    assert r.body == BODY[first:last + 1]


def assert_full(r):
    assert r.status == 200, r
    assert "Content-Range" not in r.headers
    assert r.body == BODY


def test_first_bytes(guise, etag):
    r = guise.get("/f.bin", headers={"Range": "bytes=0-4"})

    assert_partial(r, 0, 4)
    assert r.headers["ETag"] == etag


def test_first_bytes_with_curl(guise, etag):
    assert_partial(guise.curl("/f.bin", "-r", "5-9"), 5, 9)


def test_middle_and_single_byte(guise, etag):
    assert_partial(guise.get("/f.bin", headers={"Range": "bytes=7-12"}), 7, 12)
    assert_partial(guise.get("/f.bin", headers={"Range": "bytes=19-19"}), 19, 19)


def test_suffix_range(guise, etag):
    assert_partial(guise.get("/f.bin", headers={"Range": "bytes=-3"}), SIZE - 3, SIZE - 1)


def test_suffix_longer_than_the_file_is_the_whole_file(guise, etag):
    assert_partial(guise.get("/f.bin", headers={"Range": "bytes=-500"}), 0, SIZE - 1)


def test_open_range(guise, etag):
    assert_partial(guise.get("/f.bin", headers={"Range": "bytes=5-"}), 5, SIZE - 1)


def test_end_past_the_size_is_clamped(guise, etag):
    assert_partial(guise.get("/f.bin", headers={"Range": "bytes=10-1000"}), 10, SIZE - 1)


@pytest.mark.parametrize("spec", [f"bytes={SIZE}-", f"bytes={SIZE + 5}-{SIZE + 9}", "bytes=-0"])
def test_unsatisfiable_is_416(guise, etag, spec):
    r = guise.get("/f.bin", headers={"Range": spec})

    assert r.status == 416
    assert r.headers["Content-Range"] == f"bytes */{SIZE}"
    assert BODY not in r.body


def test_multiple_ranges_give_the_full_body(guise, etag):
    assert_full(guise.get("/f.bin", headers={"Range": "bytes=0-1,3-4"}))


@pytest.mark.parametrize("spec", ["bytes=abc", "items=0-1", "bytes=", "bytes=5-2", "bytes 0-1",
                                  "bytes=--1", "bytes=1-2x"])
def test_malformed_range_is_ignored(guise, etag, spec):
    assert_full(guise.get("/f.bin", headers={"Range": spec}))


def test_if_range_with_the_current_etag_is_206(guise, etag):
    r = guise.get("/f.bin", headers={"Range": "bytes=0-4", "If-Range": etag})

    assert_partial(r, 0, 4)


def test_if_range_with_the_current_date_is_206(guise, etag):
    date = email.utils.formatdate(MTIME, usegmt=True)

    assert_partial(guise.get("/f.bin", headers={"Range": "bytes=0-4", "If-Range": date}), 0, 4)


def test_if_range_with_an_old_etag_is_200(guise, etag):
    assert_full(guise.get("/f.bin", headers={"Range": "bytes=0-4", "If-Range": '"old-tag"'}))


def test_if_range_with_a_weak_etag_is_200(guise, etag):
    # If-Range needs a strong match.
    assert_full(guise.get("/f.bin", headers={"Range": "bytes=0-4", "If-Range": "W/" + etag}))


def test_if_range_with_an_old_date_is_200(guise, etag):
    old = email.utils.formatdate(MTIME - 86400, usegmt=True)

    assert_full(guise.get("/f.bin", headers={"Range": "bytes=0-4", "If-Range": old}))


def test_head_with_range_is_200_headers_only(guise, etag):
    req = b"HEAD /f.bin HTTP/1.1\r\nHost: t\r\nRange: bytes=0-4\r\nConnection: close\r\n\r\n"
    data = guise.raw(req)

    assert data.endswith(b"\r\n\r\n")
    r = parse_response(data, head=True)
    assert r.status == 200
    assert r.headers["Content-Length"] == str(SIZE)
    assert "Content-Range" not in r.headers


def test_range_on_an_empty_file_is_416(guise):
    guise.site.file("empty", b"")
    guise.start()

    r = guise.get("/empty", headers={"Range": "bytes=0-"})

    assert r.status == 416
    assert r.headers["Content-Range"] == "bytes */0"


def test_range_of_a_large_file(guise):
    data = bytes(range(256)) * 8192  # 2 MiB
    guise.site.file("big.bin", data)
    guise.start()

    r = guise.get("/big.bin", headers={"Range": "bytes=1000000-1999999"})

    assert r.status == 206
    assert r.headers["Content-Range"] == f"bytes 1000000-1999999/{len(data)}"
    assert r.body == data[1000000:2000000]
