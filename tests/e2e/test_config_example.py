"""
The complete example of docs/configuration.md, served as it is written
(paths moved into the test's directory, port 80 made a free port), and every
behaviour its text describes checked against the running server.
"""
from __future__ import annotations

import os
import pwd
import re
import signal
import subprocess
import time
from pathlib import Path

import pytest

from conftest import GUISE_BIN, HOST, REPO, scaled, wait_until, parse_w3c

DOC = REPO / "docs" / "configuration.md"
MODULES = Path(GUISE_BIN).resolve().parent / "modules"
HEADERS_MODULE = MODULES / "headers.so"


def example_text() -> str:
    doc = DOC.read_text()
    block = doc.split("<!-- example:begin -->", 1)[1].split("<!-- example:end -->", 1)[0]
    return block.split("```xml\n", 1)[1].split("```", 1)[0]


@pytest.fixture
def example(guise, tmp_path):
    """The example's server, its directories under tmp_path/srv, its logs under tmp_path/logs."""
    if not HEADERS_MODULE.exists():
        pytest.skip(f"{HEADERS_MODULE} is not built")
    srv, logs = tmp_path / "srv", tmp_path / "logs"
    files = {
        "default/index.html": "default site\n",
        "default/app.webmanifest": "{}\n",
        "default/other/readme.txt": "no default document here\n",
        "downloads/guise.tar.gz": "tarball\n",
        "downloads/notes.log": "a log\n",
        "downloads/old/x.txt": "x\n",
        "intranet/home.html": "intranet home\n",
        "intranet/index.html": "intranet index\n",
        "wiki/index.html": "wiki\n",
        "wiki/page.html": "a wiki page\n",
    }
    for rel, content in files.items():
        path = srv / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content)
    logs.mkdir()
    if os.geteuid() == 0:
        # guise becomes www-data: the log directory is its to write, as /var/log/guise is.
        www = pwd.getpwnam("www-data")
        os.chown(logs, www.pw_uid, www.pw_gid)
    text = (example_text()
            .replace("/srv/guise", str(srv))
            .replace("/usr/local/lib/guise/modules", str(MODULES))
            .replace("/var/log/guise", str(logs))
            .replace(":80:", ":0:"))
    assert text.count(str(srv)) == 4 and str(MODULES) in text and str(logs) in text
    server = guise.start_config(text, wait=False)
    assert wait_until(server.addresses, scaled(10)), server.stderr()
    (address,) = server.addresses()
    assert address.startswith("0.0.0.0:"), address  # "*" is every address
    server.port = int(address.rsplit(":", 1)[1])
    server.logs = logs
    server.config_text = text
    return server


INTRANET = {"Host": "intranet.example.com"}


def test_example_is_valid_as_written(guise):
    # As published: -t reads it without the files it names having to exist.
    path = guise.write_config(example_text().replace(":80:", ":0:"))

    done = guise.run("-t", "--config", path)

    assert done.returncode == 0, done.stderr
    assert done.stdout == "configuration OK\n"


def test_default_site_serves_its_root_to_any_host(example):
    for host in ("localhost", "www.example.org", HOST):
        r = example.get("/", headers={"Host": host})
        assert (r.status, r.body) == (200, b"default site\n"), host


def test_downloads_is_a_listing_of_another_directory(example):
    r = example.get("/downloads/")

    assert r.status == 200
    html = r.body.decode()
    assert 'href="guise.tar.gz"' in html and 'href="notes.log"' in html
    # showFlags="Date, Time, Size": no Extension flag, so names are shown without one.
    assert ">notes<" in html


def test_downloads_files_come_from_their_directory(example):
    r = example.get("/downloads/guise.tar.gz")

    assert (r.status, r.body) == (200, b"tarball\n")


def test_a_directory_without_default_document_is_403_14(example):
    r = example.get("/other/")

    assert r.status == 403


def test_directory_without_slash_is_redirected(example):
    r = example.get("/downloads")

    assert r.status == 301
    assert r.headers["Location"] == "/downloads/"


@pytest.mark.parametrize("host", ["intranet.example.com", "INTRANET.Example.COM",
                                  "intranet.example.com:80"])
def test_intranet_start_page_is_home_html(example, host):
    r = example.get("/", headers={"Host": host})

    assert (r.status, r.body) == (200, b"intranet home\n")


def test_intranet_wiki_is_its_own_application_without_caching(example):
    r = example.get("/wiki/page.html", headers=INTRANET)

    assert (r.status, r.body) == (200, b"a wiki page\n")
    assert r.headers["Cache-Control"] == "no-cache"


def test_wiki_default_document_is_inherited(example):
    # The intranet's list (home.html, index.html) applies below it.
    r = example.get("/wiki/", headers=INTRANET)

    assert (r.status, r.body) == (200, b"wiki\n")


def test_files_may_be_cached_for_a_day(example):
    for headers in ({}, INTRANET):
        r = example.get("/", headers=headers)
        assert r.headers["Cache-Control"] == "max-age=86400", headers


def test_every_response_has_nosniff_from_the_module(example):
    for path, headers in (("/", {}), ("/missing", {}), ("/other/", {}), ("/wiki/", INTRANET)):
        r = example.get(path, headers=headers)
        assert r.headers["X-Content-Type-Options"] == "nosniff", (path, r.status)


def test_mime_map_adds_and_overrides_types(example):
    assert example.get("/app.webmanifest").headers["Content-Type"] == "application/manifest+json"
    assert example.get("/downloads/notes.log").headers["Content-Type"] == "text/plain"


def log_entries(directory: Path, pattern: str, count: int) -> list:
    entries = []

    def enough():
        nonlocal entries
        entries = []
        for f in sorted(directory.glob(pattern)):
            text = f.read_text()
            entries += parse_w3c(text[:text.rfind("\n") + 1])
        return len(entries) >= count

    wait_until(enough, scaled(3.5), 0.05)
    return entries


def test_each_site_logs_to_its_own_files(example):
    example.get("/")
    example.get("/", headers=INTRANET)
    example.get("/wiki/page.html", headers=INTRANET)  # dontLog

    default = log_entries(example.logs / "W3SVC1", "u_ex??????.log", 1)
    intranet = log_entries(example.logs / "W3SVC2", "u_ex????????.log", 1)

    assert [e["cs-uri-stem"] for e in default] == ["/"]
    assert list(default[0]) == ["date", "time", "s-ip", "cs-method", "cs-uri-stem",
                                "cs-uri-query", "s-port", "cs-username", "c-ip",
                                "cs(User-Agent)", "cs(Referer)", "sc-status", "sc-substatus",
                                "sc-win32-status", "time-taken"]
    # Hourly, seven fields, and nothing of the wiki.
    time.sleep(1.2)  # one flush interval: a wiki line, were it written, would be out by now
    intranet = log_entries(example.logs / "W3SVC2", "u_ex????????.log", 1)
    assert [e["cs-uri-stem"] for e in intranet] == ["/"]
    assert list(intranet[0]) == ["date", "time", "cs-method", "cs-uri-stem", "c-ip",
                                 "sc-status", "time-taken"]


def test_locked_section_cannot_be_set_deeper(guise, example):
    locked = example.config_text.replace(
        "</configuration>",
        '  <location path="Default Web Site/downloads/old">\n'
        "    <system.webServer><directoryBrowse enabled=\"false\" /></system.webServer>\n"
        "  </location>\n</configuration>")
    path = guise.write_config(locked, name="locked.config")

    done = guise.run("-t", "--config", path)

    assert done.returncode == 1
    line = locked[:locked.index('<location path="Default Web Site/downloads/old">')].count("\n") + 1
    assert re.search(rf"locked\.config:{line}: .*directoryBrowse", done.stderr) or \
        re.search(rf"locked\.config:{line + 1}: .*directoryBrowse", done.stderr), done.stderr


def test_the_process_runs_as_www_data_and_anonymous_requests_as_nobody(example, tmp_path):
    if os.geteuid() != 0:
        pytest.skip("not root: guise keeps its identity and cannot impersonate")
    status = Path(f"/proc/{example.pid}/status").read_text()
    uids = re.search(r"^Uid:\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)", status, re.M).groups()
    assert set(uids) == {str(pwd.getpwnam("www-data").pw_uid)}
    assert re.search(r"^CapEff:\s+00000000000000c0$", status, re.M), status  # SETUID, SETGID
    private = tmp_path / "srv" / "default" / "private.txt"
    private.write_text("root only\n")
    private.chmod(0o600)

    r = example.get("/private.txt")

    assert r.status == 401 and b"root only" not in r.body  # 401.3: nobody may not read it


def test_sighup_with_the_same_file_keeps_serving(example):
    example.signal(signal.SIGHUP)

    assert wait_until(lambda: "configuration reloaded" in example.stderr(), scaled(5))
    assert example.get("/").body == b"default site\n"
    assert example.get("/", headers=INTRANET).body == b"intranet home\n"
