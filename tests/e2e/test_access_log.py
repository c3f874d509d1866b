"""The W3C extended access log: directives, fields, standard output, reopening on SIGUSR1."""
import re
import signal
import socket
import struct
import time

from conftest import parse_w3c, scaled, wait_until

FIELDS = ("#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip "
          "cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken")


def by_stem(entries):
    return {e["cs-uri-stem"]: e for e in entries}


def close_get(guise, target, extra=""):
    """A raw GET with Connection: close; its end means guise logged it."""
    return guise.raw(f"GET {target} HTTP/1.1\r\nHost: t\r\n{extra}Connection: close\r\n\r\n"
                     .encode())


def assert_directives(text, version=None):
    lines = text.splitlines()
    assert re.fullmatch(r"#Software: guise \S+", lines[0]), lines[0]
    if version:
        assert lines[0] == f"#Software: guise {version}"
    assert lines[1] == "#Version: 1.0"
    assert re.fullmatch(r"#Date: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d", lines[2]), lines[2]
    assert lines[3] == FIELDS


def test_directives_at_the_top(guise):
    guise.start()
    version = guise.run("--version").stdout.split()[-1]
    guise.stop()

    assert_directives(guise.log_path.read_text(), version)


def test_one_line_per_request_with_the_right_fields(guise):
    guise.site.file("page.html", "page")
    guise.site.dir("nodefault")
    guise.start()
    ua = "Mozilla/5.0 (X11; Linux x86_64) guise-e2e"
    guise.get("/page.html?x=1&y=two", headers={"User-Agent": ua,
                                               "Referer": "http://ref.example/from?q=1"})
    guise.get("/missing.txt", headers={"User-Agent": "curl/8"})
    guise.get("/nodefault/")
    guise.request("HEAD", "/page.html")

    entries = guise.log_lines(count=4)

    assert len(entries) == 4, entries
    for e in entries:
        assert re.fullmatch(r"\d{4}-\d\d-\d\d", e["date"]), e
        assert re.fullmatch(r"\d\d:\d\d:\d\d", e["time"]), e
        assert e["s-ip"] == "127.0.0.1"
        assert e["s-port"] == str(guise.port)
        assert e["c-ip"] == "127.0.0.1"
        assert e["cs-username"] == "-"
        assert e["time-taken"].isdigit()
    log = {(e["cs-method"], e["cs-uri-stem"]): e for e in entries}
    page = log["GET", "/page.html"]
    assert page["cs-uri-query"] == "x=1&y=two"
    assert page["cs(User-Agent)"] == "Mozilla/5.0+(X11;+Linux+x86_64)+guise-e2e"
    assert page["cs(Referer)"] == "http://ref.example/from?q=1"
    assert (page["sc-status"], page["sc-substatus"], page["sc-win32-status"]) == ("200", "0", "0")

    missing = log["GET", "/missing.txt"]
    assert missing["cs-uri-query"] == "-"
    assert missing["cs(User-Agent)"] == "curl/8"
    assert missing["cs(Referer)"] == "-"
    assert (missing["sc-status"], missing["sc-win32-status"]) == ("404", "2")

    nodefault = log["GET", "/nodefault/"]
    assert (nodefault["sc-status"], nodefault["sc-substatus"]) == ("403", "14")

    assert log["HEAD", "/page.html"]["sc-status"] == "200"


def test_curl_request_is_logged(guise):
    guise.site.file("c.txt", "c")
    guise.start()

    guise.curl("/c.txt?from=curl", "-A", "my agent 1.0", "-e", "http://referer/")
    entries = guise.log_lines(count=1)

    assert len(entries) == 1
    e = entries[0]
    assert (e["cs-uri-stem"], e["cs-uri-query"]) == ("/c.txt", "from=curl")
    assert e["cs(User-Agent)"] == "my+agent+1.0"
    assert e["cs(Referer)"] == "http://referer/"


def test_range_and_not_modified_statuses_are_logged(guise):
    guise.site.file("r.txt", "0123456789")
    guise.start()
    guise.get("/r.txt", headers={"Range": "bytes=0-1"})
    guise.get("/r.txt", headers={"If-None-Match": "*"})
    guise.request("POST", "/r.txt", body=b"x")

    statuses = sorted(e["sc-status"] for e in guise.log_lines(count=3))

    assert statuses == ["206", "304", "405"]


def test_lines_are_flushed_within_seconds(guise):
    guise.site.file("f.txt", "f")
    guise.start()

    close_get(guise, "/f.txt")
    start = time.monotonic()
    entries = guise.log_lines(count=1, timeout=scaled(3))

    assert [e["cs-uri-stem"] for e in entries] == ["/f.txt"]
    assert time.monotonic() - start < scaled(3)


def test_lines_are_flushed_at_shutdown(guise):
    guise.site.file("f.txt", "f")
    guise.start()
    for i in range(5):
        close_get(guise, f"/f.txt?n={i}")

    assert guise.stop() == 0
    entries = parse_w3c(guise.log_path.read_text())  # no waiting: all of it is there

    assert sorted(e["cs-uri-query"] for e in entries) == [f"n={i}" for i in range(5)]


def test_log_to_standard_output(guise):
    guise.site.file("f.txt", "f")
    guise.start(log="-")
    close_get(guise, "/f.txt", "User-Agent: stdout test\r\n")

    entries = guise.log_lines(count=1)
    guise.stop()

    assert_directives(guise.stdout())
    assert [(e["cs-uri-stem"], e["cs(User-Agent)"]) for e in entries] == [("/f.txt",
                                                                            "stdout+test")]


def test_sigusr1_reopens_after_rotation(guise):
    guise.site.file("f.txt", "f")
    guise.start()
    log = guise.log_path
    close_get(guise, "/before.txt")
    rotated = log.with_name(log.name + ".1")

    log.rename(rotated)
    guise.signal(signal.SIGUSR1)
    assert wait_until(lambda: log.exists(), scaled(3)), "no new file at the old path"
    close_get(guise, "/after.txt")
    new_entries = guise.log_lines(count=1)
    assert guise.stop() == 0

    old_text, new_text = rotated.read_text(), log.read_text()
    assert [e["cs-uri-stem"] for e in parse_w3c(old_text)] == ["/before.txt"]
    assert [e["cs-uri-stem"] for e in new_entries] == ["/after.txt"]
    assert [e["cs-uri-stem"] for e in parse_w3c(new_text)] == ["/after.txt"]
    assert_directives(new_text)
    assert new_text.count("#Fields:") == 1


def test_sigusr1_without_rotation_keeps_logging(guise):
    guise.site.file("f.txt", "f")
    guise.start()
    close_get(guise, "/one.txt")

    guise.signal(signal.SIGUSR1)
    time.sleep(0.2)
    close_get(guise, "/two.txt")
    assert guise.stop() == 0

    stems = sorted(e["cs-uri-stem"] for e in parse_w3c(guise.log_path.read_text()))
    assert stems == ["/one.txt", "/two.txt"]


def test_no_log_option_means_no_log(guise, tmp_path):
    guise.site.file("f.txt", "f")
    guise.start(log=None)
    close_get(guise, "/f.txt")
    assert guise.stop() == 0

    assert guise.stdout() == ""
    assert not list(tmp_path.glob("*.log"))


def test_refused_requests_are_logged(guise):
    guise.site.file("f.txt", "f")
    guise.start("--header-timeout", "1")
    guise.raw(b"\x00\x01garbage\r\n\r\n")                                       # 400
    guise.raw(b"GET /f.txt HT", timeout=scaled(5))                              # 408
    guise.raw(b"GET /" + b"u" * 17000 + b" HTTP/1.1\r\nHost: t\r\n\r\n")       # 414

    entries = guise.log_lines(count=3)

    assert sorted(e["sc-status"] for e in entries) == ["400", "408", "414"]
    for e in entries:
        assert (e["s-port"], e["c-ip"]) == (str(guise.port), "127.0.0.1")
        if e["sc-status"] == "408":
            assert (e["cs-method"], e["cs-uri-stem"]) == ("GET", "/f.txt")
            assert int(e["time-taken"]) >= 900
        else:
            assert (e["cs-method"], e["cs-uri-stem"]) == ("-", "-")


def test_long_user_agent_keeps_the_line_well_formed(guise):
    guise.site.file("f.txt", "f")
    guise.start()

    close_get(guise, "/f.txt", f"User-Agent: {'a' * 3000} b\tc\r\nReferer: {'r' * 5000}\r\n")
    entries = guise.log_lines(count=1)  # parse_w3c checks the number of fields

    assert len(entries) == 1
    assert entries[0]["cs(User-Agent)"].startswith("a" * 1000)
    assert entries[0]["cs(Referer)"].startswith("r" * 1000)
    assert entries[0]["sc-status"] == "200"


def test_aborted_download_is_logged_as_aborted(guise):
    guise.site.file("big.bin", b"\x00" * (20 * 1024 * 1024))
    guise.start()

    with guise.connect() as c:
        c.send(b"GET /big.bin HTTP/1.1\r\nHost: t\r\nUser-Agent: quitter\r\n\r\n")
        c.sock.recv(65536)
        c.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    entries = guise.log_lines(count=1)

    assert [(e["cs(User-Agent)"], e["sc-status"], e["sc-win32-status"]) for e in entries] == [
        ("quitter", "200", "1236")]  # ERROR_CONNECTION_ABORTED, as IIS logs it
