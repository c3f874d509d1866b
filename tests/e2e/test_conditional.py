"""Conditional requests: If-None-Match, If-Modified-Since, If-Match, If-Unmodified-Since."""
import email.utils

import pytest

from conftest import parse_response

MTIME = 1_600_000_000
BODY = b"conditional body\n"


def http_date(t):
    return email.utils.formatdate(t, usegmt=True)


@pytest.fixture
def etag(guise):
    guise.site.file("f.txt", BODY, mtime=MTIME)
    guise.start()
    r = guise.get("/f.txt")
    assert r.status == 200
    return r.headers["ETag"]


def assert_not_modified(r, etag):
    assert r.status == 304, r
    assert r.body == b""
    assert r.headers["ETag"] == etag
    assert "Content-Length" not in r.headers or r.headers["Content-Length"] == "0"


def test_if_none_match_with_the_etag_is_304(guise, etag):
    assert_not_modified(guise.get("/f.txt", headers={"If-None-Match": etag}), etag)


def test_if_none_match_304_has_no_body_on_the_wire(guise, etag):
    # http.client would not read a 304's body: check the bytes themselves.
    req = (f"GET /f.txt HTTP/1.1\r\nHost: t\r\nIf-None-Match: {etag}\r\n"
           "Connection: close\r\n\r\n").encode()
    data = guise.raw(req)

    assert data.endswith(b"\r\n\r\n")
    assert_not_modified(parse_response(data), etag)


def test_if_none_match_weak_is_304(guise, etag):
    assert_not_modified(guise.get("/f.txt", headers={"If-None-Match": "W/" + etag}), etag)


def test_if_none_match_in_a_list_is_304(guise, etag):
    r = guise.get("/f.txt", headers={"If-None-Match": f'"other", {etag}'})
    assert_not_modified(r, etag)


def test_if_none_match_star_is_304(guise, etag):
    assert_not_modified(guise.get("/f.txt", headers={"If-None-Match": "*"}), etag)


def test_if_none_match_another_tag_is_200(guise, etag):
    r = guise.get("/f.txt", headers={"If-None-Match": '"not-the-tag"'})

    assert (r.status, r.body) == (200, BODY)


def test_head_if_none_match_is_304(guise, etag):
    r = guise.head("/f.txt", headers={"If-None-Match": etag})

    assert r.status == 304


@pytest.mark.parametrize("delta", [0, 1, 86400])
def test_if_modified_since_not_before_last_modified_is_304(guise, etag, delta):
    r = guise.get("/f.txt", headers={"If-Modified-Since": http_date(MTIME + delta)})

    assert_not_modified(r, etag)


def test_if_modified_since_before_last_modified_is_200(guise, etag):
    r = guise.get("/f.txt", headers={"If-Modified-Since": http_date(MTIME - 1)})

    assert (r.status, r.body) == (200, BODY)


@pytest.mark.parametrize("value", [
    "yesterday",
    "Sun, 13 Sep 2020 12:26:40",      # no zone
    "Sun, 32 Sep 2020 12:26:40 GMT",  # no such day
    "",
])
def test_if_modified_since_invalid_is_200(guise, etag, value):
    r = guise.get("/f.txt", headers={"If-Modified-Since": value})

    assert (r.status, r.body) == (200, BODY)


@pytest.mark.parametrize("value", [
    "Sunday, 13-Sep-20 12:26:40 GMT",  # RFC 850
    "Sun Sep 13 12:26:40 2020",        # asctime
])
def test_if_modified_since_obsolete_date_formats(guise, etag, value):
    assert_not_modified(guise.get("/f.txt", headers={"If-Modified-Since": value}), etag)


def test_if_none_match_takes_precedence_over_if_modified_since(guise, etag):
    # A tag that does not match: the date, which would say "not modified", is ignored.
    r = guise.get("/f.txt", headers={"If-None-Match": '"other"',
                                     "If-Modified-Since": http_date(MTIME + 10)})
    assert (r.status, r.body) == (200, BODY)

    # A tag that matches: 304 although the date alone would give 200.
    r = guise.get("/f.txt", headers={"If-None-Match": etag,
                                     "If-Modified-Since": http_date(MTIME - 10)})
    assert_not_modified(r, etag)


def test_if_match_mismatch_is_412(guise, etag):
    r = guise.get("/f.txt", headers={"If-Match": '"other"'})

    assert r.status == 412
    assert BODY not in r.body


def test_if_match_with_the_etag_is_200(guise, etag):
    assert guise.get("/f.txt", headers={"If-Match": etag}).status == 200
    assert guise.get("/f.txt", headers={"If-Match": "*"}).status == 200


def test_if_match_weak_is_412(guise, etag):
    # If-Match uses the strong comparison: a weak tag never matches.
    assert guise.get("/f.txt", headers={"If-Match": "W/" + etag}).status == 412


def test_if_unmodified_since_in_the_past_is_412(guise, etag):
    r = guise.get("/f.txt", headers={"If-Unmodified-Since": http_date(MTIME - 3600)})

    assert r.status == 412


def test_if_unmodified_since_not_before_last_modified_is_200(guise, etag):
    r = guise.get("/f.txt", headers={"If-Unmodified-Since": http_date(MTIME)})

    assert (r.status, r.body) == (200, BODY)
