"""Request limits: head size, header count, body size; the server stays healthy after each."""
import pytest

from conftest import parse_responses, scaled

BODY = b"limits file\n"


@pytest.fixture
def limits_site(site):
    site.file("f.txt", BODY)
    return site


def request_with(extra_headers="", target="/f.txt"):
    return f"GET {target} HTTP/1.1\r\nHost: t\r\n{extra_headers}\r\n".encode()


def one_answer_then_close(guise, data: bytes):
    """Sends data; expects exactly one response and then the end of the connection."""
    with guise.connect(timeout=scaled(10)) as c:
        c.send(data)
        r = c.response()
        rest = c.read_until_close()
    assert rest == b"", f"more after the {r.status}: {rest[:200]!r}"
    return r


def assert_healthy(guise):
    r = guise.get("/f.txt")
    assert (r.status, r.body) == (200, BODY)


def test_header_over_16k_is_431(guise, limits_site):
    guise.start()

    r = one_answer_then_close(guise, request_with(f"X-Big: {'a' * 17000}\r\n"))

    assert r.status == 431
    assert_healthy(guise)


def test_many_headers_over_16k_in_total_are_431(guise, limits_site):
    guise.start()
    headers = "".join(f"X-H{i}: {'b' * 400}\r\n" for i in range(45))  # ~18.5 KiB

    assert one_answer_then_close(guise, request_with(headers)).status == 431
    assert_healthy(guise)


def test_url_over_16k_is_414(guise, limits_site):
    guise.start()

    r = one_answer_then_close(guise, request_with(target="/" + "u" * 17000))

    assert r.status == 414
    assert_healthy(guise)


def test_head_under_16k_is_fine(guise, limits_site):
    guise.start()

    with guise.connect() as c:
        c.send(request_with(f"X-Big: {'a' * 15000}\r\n"))
        r = c.response()

    assert (r.status, r.body) == (200, BODY)


def test_max_header_bytes_option_raised(guise, limits_site):
    guise.start("--max-header-bytes", "32768")

    with guise.connect() as c:
        c.send(request_with(f"X-Big: {'a' * 20000}\r\n"))
        assert c.response().status == 200
    assert one_answer_then_close(guise, request_with(f"X-Big: {'a' * 33000}\r\n")).status == 431
    assert one_answer_then_close(guise, request_with(target="/" + "u" * 33000)).status == 414
    assert_healthy(guise)


def test_max_header_bytes_option_lowered_to_8k(guise, limits_site):
    guise.start("--max-header-bytes", "8192")

    with guise.connect() as c:
        c.send(request_with(f"X-Mid: {'m' * 6000}\r\n"))
        assert c.response().status == 200
    assert one_answer_then_close(guise, request_with(f"X-Big: {'a' * 9000}\r\n")).status == 431
    assert one_answer_then_close(guise, request_with(target="/" + "u" * 9000)).status == 414
    assert_healthy(guise)


def test_max_header_bytes_option_lowered_to_2k(guise, limits_site):
    guise.start("--max-header-bytes", "2048")

    with guise.connect() as c:
        c.send(request_with(f"X-Mid: {'m' * 1500}\r\n"))
        assert c.response().status == 200
    with guise.connect() as c:
        c.send(request_with(f"X-Big: {'a' * 3000}\r\n"))
        assert c.response().status == 431
    with guise.connect() as c:
        c.send(request_with(target="/" + "u" * 3000))
        assert c.response().status == 414


def test_100_headers_are_fine_101_are_431(guise, limits_site):
    guise.start()
    # Host is one of them.
    ninety_nine = "".join(f"X-H{i}: v\r\n" for i in range(99))

    with guise.connect() as c:
        c.send(request_with(ninety_nine))
        r = c.response()
        assert (r.status, r.body) == (200, BODY)
    r = one_answer_then_close(guise, request_with(ninety_nine + "X-One-Too-Many: v\r\n"))
    assert r.status == 431
    assert_healthy(guise)


def test_max_headers_option(guise, limits_site):
    guise.start("--max-headers", "5")

    with guise.connect() as c:
        c.send(request_with("A: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n"))
        assert c.response().status == 200
    r = one_answer_then_close(guise, request_with("A: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\nE: 5\r\n"))
    assert r.status == 431
    assert_healthy(guise)


@pytest.mark.parametrize("method", ["POST", "GET"])
def test_content_length_over_max_body_bytes_is_413(guise, limits_site, method):
    guise.start("--max-body-bytes", "100")

    req = f"{method} /f.txt HTTP/1.1\r\nHost: t\r\nContent-Length: 101\r\n\r\n".encode()
    r = one_answer_then_close(guise, req + b"x" * 101)

    assert r.status == 413
    assert_healthy(guise)


def test_content_length_at_max_body_bytes_is_accepted(guise, limits_site):
    guise.start("--max-body-bytes", "100")

    with guise.connect() as c:
        c.send(b"POST /f.txt HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\n" + b"x" * 100
               + request_with())
        assert c.response().status == 405
        r = c.response()
    assert (r.status, r.body) == (200, BODY)


def test_default_max_body_bytes(guise, limits_site):
    guise.start()

    # The body is never sent: the length alone is refused.
    r = one_answer_then_close(
        guise, b"POST /f.txt HTTP/1.1\r\nHost: t\r\nContent-Length: 30000001\r\n\r\n")

    assert r.status == 413
    assert_healthy(guise)


def test_chunked_body_over_the_limit_closes_the_connection(guise, limits_site):
    guise.start("--max-body-bytes", "100")
    body = b"C8\r\n" + b"z" * 200 + b"\r\n0\r\n\r\n"

    with guise.connect(timeout=scaled(10)) as c:
        c.send(b"GET /f.txt HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n" + body
               + request_with())
        data = c.read_until_close()

    # At most the first request is answered; the one after the body never is.
    responses = parse_responses(data)
    assert len(responses) <= 1, responses
    assert_healthy(guise)


def test_chunked_body_under_the_limit_is_fine(guise, limits_site):
    guise.start("--max-body-bytes", "100")

    with guise.connect() as c:
        c.send(b"GET /f.txt HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
               b"32\r\n" + b"z" * 50 + b"\r\n32\r\n" + b"z" * 50 + b"\r\n0\r\n\r\n"
               + request_with())
        r1, r2 = c.response(), c.response()

    assert (r1.status, r1.body) == (200, BODY)
    assert (r2.status, r2.body) == (200, BODY)


def test_trailer_fields_count_against_the_body_limit(guise, limits_site):
    guise.start("--max-body-bytes", "100")

    with guise.connect(timeout=scaled(10)) as c:
        c.send(b"GET /f.txt HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n"
               + b"".join(b"X-T%d: %s\r\n" % (i, b"t" * 50) for i in range(10)) + b"\r\n"
               + request_with())
        data = c.read_until_close()

    assert len(parse_responses(data)) <= 1
    assert_healthy(guise)
