"""Static files: bodies, headers, media types, default documents, errors."""
import email.utils
import os
import time
from pathlib import Path

import pytest

from conftest import parse_response, scaled

MTIME = 1_600_000_000  # 2020-09-13 12:26:40 UTC


def close_request(method, path, version="HTTP/1.1", extra=b""):
    return (f"{method} {path} {version}\r\nHost: t\r\nConnection: close\r\n".encode() + extra
            + b"\r\n")


def test_get_file_returns_body_length_and_type(guise):
    guise.site.file("hello.html", "<p>hello</p>\n")
    guise.start()

    r = guise.get("/hello.html")

    assert r.status == 200
    assert r.body == b"<p>hello</p>\n"
    assert r.headers["Content-Length"] == "13"
    assert r.headers["Content-Type"] == "text/html"


def test_css_is_text_css_with_curl(guise):
    guise.site.file("style/site.css", "body { color: red }\n")
    guise.start()

    r = guise.curl("/style/site.css")

    assert r.status == 200
    assert r.headers["Content-Type"] == "text/css"
    assert r.body == b"body { color: red }\n"


def test_unknown_or_missing_extension_is_octet_stream(guise):
    guise.site.file("data.qqzz", b"\x00\x01")
    guise.site.file("README", "plain")
    guise.site.file("dots.in.dir/noext", "x")
    guise.start()

    assert guise.get("/data.qqzz").headers["Content-Type"] == "application/octet-stream"
    assert guise.get("/README").headers["Content-Type"] == "application/octet-stream"
    assert guise.get("/dots.in.dir/noext").headers["Content-Type"] == "application/octet-stream"


def mime_types_entry(ext):
    """The type /etc/mime.types gives ext, or None."""
    try:
        text = Path("/etc/mime.types").read_text()
    except OSError:
        return None
    for line in text.splitlines():
        words = line.split("#")[0].split()
        if len(words) > 1 and ext in words[1:]:
            return words[0]
    return None


@pytest.mark.parametrize("ext", ["csv", "rtf"])
def test_type_comes_from_etc_mime_types(guise, ext):
    # Extensions guise has no built-in type for: only /etc/mime.types knows them.
    expected = mime_types_entry(ext)
    if expected is None:
        pytest.skip(f"/etc/mime.types has no entry for .{ext}")
    guise.site.file(f"file.{ext}", "a,b\n")
    guise.start()

    assert guise.get(f"/file.{ext}").headers["Content-Type"] == expected


def test_custom_mime_types_file(guise, tmp_path):
    types = tmp_path / "types"
    types.write_text("# comment\napplication/x-guise-test  gse gse2\n"
                     "text/x-special-css\tcss  # overrides a built-in\n")
    guise.site.file("a.gse", "1")
    guise.site.file("b.GSE2", "2")
    guise.site.file("c.css", "3")
    guise.start("--mime-types", types)

    assert guise.get("/a.gse").headers["Content-Type"] == "application/x-guise-test"
    assert guise.get("/b.GSE2").headers["Content-Type"] == "application/x-guise-test"
    assert guise.get("/c.css").headers["Content-Type"] == "text/x-special-css"


def test_head_has_the_headers_of_get_and_no_body(guise):
    guise.site.file("page.html", "x" * 1000)
    guise.start()

    data = guise.raw(close_request("HEAD", "/page.html"))

    assert data.endswith(b"\r\n\r\n"), "bytes after the head of a HEAD response"
    r = parse_response(data, head=True)
    assert r.status == 200
    assert r.headers["Content-Length"] == "1000"
    assert r.headers["Content-Type"] == "text/html"
    assert "ETag" in r.headers and "Last-Modified" in r.headers


def test_head_with_curl(guise):
    guise.site.file("f.txt", "12345")
    guise.start()

    r = guise.curl("/f.txt", head=True)

    assert r.status == 200
    assert r.headers["Content-Length"] == "5"
    assert r.body == b""


def test_date_and_server_headers_on_every_response(guise):
    guise.site.file("f.txt", "file", mtime=MTIME)
    guise.site.dir("empty")
    guise.start()
    responses = [
        guise.get("/f.txt"),                                          # 200
        guise.get("/missing"),                                        # 404
        guise.get("/empty"),                                          # 301
        guise.get("/empty/"),                                         # 403
        guise.request("POST", "/f.txt", body=b"x"),                   # 405
        guise.get("/f.txt", headers={"If-None-Match": "*"}),          # 304
        guise.get("/f.txt", headers={"Range": "bytes=9-"}),           # 416
        parse_response(guise.raw(b"FOO / HTTP/1.1\r\nHost: t\r\n\r\n")),       # 501
        parse_response(guise.raw(b"GET / HTTP/1.1\r\n\r\n")),         # 400
    ]

    assert [r.status for r in responses] == [200, 404, 301, 403, 405, 304, 416, 501, 400]
    for r in responses:
        assert r.headers.get("Server", "").startswith("guise/"), r
        date = email.utils.parsedate_to_datetime(r.headers["Date"])
        assert r.headers["Date"].endswith(" GMT"), r
        assert abs(date.timestamp() - time.time()) < 60, r


def test_etag_and_last_modified(guise):
    f = guise.site.file("f.txt", "version 1", mtime=MTIME)
    guise.start()

    r1 = guise.get("/f.txt")
    assert r1.headers["Last-Modified"] == "Sun, 13 Sep 2020 12:26:40 GMT"
    etag = r1.headers["ETag"]
    assert etag.startswith('"') and etag.endswith('"') and len(etag) > 2  # strong
    assert guise.get("/f.txt").headers["ETag"] == etag  # stable

    f.write_text("version 2!")
    os.utime(f, (MTIME + 60, MTIME + 60))
    r2 = guise.get("/f.txt")
    assert r2.body == b"version 2!"
    assert r2.headers["ETag"] != etag
    assert r2.headers["Last-Modified"] == "Sun, 13 Sep 2020 12:27:40 GMT"


def test_default_document_index_html(guise):
    guise.site.file("docs/index.html", "index")
    guise.site.file("docs/default.htm", "default")
    guise.site.file("index.html", "root index")
    guise.start()

    r = guise.get("/docs/")
    assert (r.status, r.body) == (200, b"index")
    assert r.headers["Content-Type"] == "text/html"
    assert guise.get("/").body == b"root index"


def test_default_document_default_htm(guise):
    guise.site.file("docs/default.htm", "default")
    guise.start()

    r = guise.get("/docs/")

    assert (r.status, r.body) == (200, b"default")
    assert r.headers["Content-Type"] == "text/html"


def test_directory_without_slash_redirects(guise):
    guise.site.file("docs/index.html", "index")
    guise.start()

    r = guise.get("/docs")
    assert r.status == 301
    assert r.headers["Location"] == "/docs/"

    r = guise.get("/docs?a=1&b=two")
    assert r.status == 301
    assert r.headers["Location"] == "/docs/?a=1&b=two"


def test_directory_without_default_document_is_403(guise):
    guise.site.file("docs/other.html", "other")
    guise.site.dir("docs/index.html/")  # a directory named like a default document
    guise.start()

    assert guise.get("/docs/").status == 403
    assert guise.get("/").status == 403


def test_missing_is_404(guise):
    guise.site.file("there.txt", "x")
    guise.start()

    assert guise.get("/missing.txt").status == 404
    assert guise.get("/nodir/file.txt").status == 404
    assert guise.get("/there.txt/below").status == 404


def test_fifo_does_not_hang(guise):
    guise.site.fifo("pipe")
    guise.site.file("ok.txt", "ok")
    guise.start()

    start = time.monotonic()
    r = guise.get("/pipe", timeout=scaled(5))

    assert r.status in (403, 404)
    assert time.monotonic() - start < scaled(3)
    assert guise.get("/ok.txt").body == b"ok"


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file: no EACCES to test")
def test_unreadable_file_is_403(guise):
    guise.site.file("private.txt", "secret", mode=0o000)
    guise.start()

    assert guise.get("/private.txt").status == 403


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH"])
def test_other_methods_on_a_file_are_405(guise, method):
    guise.site.file("f.txt", "data")
    guise.start()

    r = guise.request(method, "/f.txt", body=b"body" if method != "DELETE" else None)

    assert r.status == 405
    assert r.headers["Allow"] == "GET, HEAD"
    assert guise.get("/f.txt").body == b"data"


def test_unknown_method_is_501(guise):
    guise.site.file("index.html", "i")
    guise.start()

    r = parse_response(guise.raw(b"FOO / HTTP/1.1\r\nHost: t\r\n\r\n"))

    assert r.status == 501


@pytest.mark.parametrize("version", ["HTTP/1.2", "HTTP/2.0", "HTTP/3.0"])
def test_unsupported_version_is_505(guise, version):
    guise.site.file("index.html", "i")
    guise.start()

    r = parse_response(guise.raw(f"GET / {version}\r\nHost: t\r\n\r\n".encode()))

    assert r.status == 505


def test_http11_without_host_is_400_but_http10_is_fine(guise):
    guise.site.file("index.html", "i")
    guise.start()

    assert parse_response(guise.raw(b"GET / HTTP/1.1\r\n\r\n")).status == 400
    r = parse_response(guise.raw(b"GET / HTTP/1.0\r\n\r\n"))
    assert (r.status, r.body) == (200, b"i")


def test_two_host_headers_are_400(guise):
    guise.site.file("index.html", "i")
    guise.start()

    r = parse_response(guise.raw(b"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"))

    assert r.status == 400


@pytest.mark.parametrize("garbage", [
    b"\x00\x01\x02\x03garbage\r\n\r\n",
    b"GET\r\n\r\n",
    b"GET / HTTP/1.1\r\nno colon here\r\n\r\n",
    b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + bytes(range(32)),  # a TLS ClientHello
])
def test_garbage_gets_400_and_the_connection_closes(guise, garbage):
    guise.site.file("index.html", "i")
    guise.start()

    with guise.connect() as c:
        c.send(garbage + b"GET / HTTP/1.1\r\nHost: t\r\n\r\n")
        r = c.response()
        assert r.status == 400
        assert c.read_until_close(scaled(5)) == b"", "something after the 400"
    assert guise.get("/").status == 200


def test_connect_is_501(guise):
    guise.start()

    r = parse_response(guise.raw(b"CONNECT example.com:443 HTTP/1.1\r\n"
                                 b"Host: example.com:443\r\n\r\n"))

    assert r.status == 501


def test_absolute_form_target_is_served(guise):
    guise.site.file("f.txt", "absolute")
    guise.start()

    r = parse_response(guise.raw(close_request("GET", "http://example.com/f.txt")))

    assert (r.status, r.body) == (200, b"absolute")


def test_percent_encoded_names(guise):
    guise.site.file("with space.txt", "space")
    guise.site.file("caf\u00e9.txt", "utf-8")
    guise.start()

    assert guise.get("/with%20space.txt").body == b"space"
    assert guise.get("/caf%C3%A9.txt").body == b"utf-8"
    assert guise.curl("/with%20space.txt").body == b"space"


def test_query_string_does_not_change_the_file(guise):
    guise.site.file("f.txt", "q")
    guise.start()

    r = guise.get("/f.txt?a=1&b=%zz&c")

    assert (r.status, r.body) == (200, b"q")
