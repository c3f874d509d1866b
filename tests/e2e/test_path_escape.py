"""
Attempts to reach files outside the site root.  Sent as raw bytes: HTTP
clients normalise paths before sending them.
"""
import pytest

from conftest import parse_response

SECRET = b"TOP-SECRET-OUTSIDE-THE-ROOT"
PASSWD = b"root:x:0:0"
INSIDE = b"inside the root"

ESCAPES = [
    "/../secret",
    "/..%2fsecret",
    "/..%2Fsecret",
    "/%2e%2e/secret",
    "/%2E%2E/secret",
    "/.%2e/secret",
    "/%2e%2e%2fsecret",
    "/..%5csecret",
    "/..\\secret",
    "/sub/../../secret",
    "/sub/..%2f..%2fsecret",
    "/sub/%2e%2e/%2e%2e/secret",
    "/./../secret",
    "/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "/%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "/" + "%2e%2e/" * 20 + "etc/passwd",
    "/%252e%252e/secret",
    "/%252e%252e%252fsecret",
    "/%c0%ae%c0%ae/secret",
    "/%e0%80%ae%e0%80%ae/secret",
    "/..%c0%afsecret",
    "/%c0%ae%c0%ae%c0%afsecret",
    "/..%00/secret",
    "/page%00.html",
    "/secret%00.html",
    "/%00",
    "/%01",
    "/sub%01/../../secret",
    "http://x/../secret",
    "http://x/%2e%2e/%2e%2e/etc/passwd",
    "/....//secret",
    "/.../secret",
    "/..;/secret",
    "/link-secret",
    "/link-secret-relative",
    "/link-passwd",
    "/link-outdir/secret2",
    "/link-up/secret",
    "/link-proc-root/etc/passwd",
    "/link-proc-root/" + "../" * 3 + "etc/passwd",
    "/sub/link-loop",
    "/" + "../" * 50 + "etc/passwd",
    "//etc/passwd",
    "///etc/passwd",
    "/\\etc\\passwd",
    "/%5c..%5c..%5cetc%5cpasswd",
    "/%5cetc%5cpasswd",
    "/sub/%2e%2e%5c%2e%2e%5csecret",
]


@pytest.fixture
def escape_site(site):
    site.outside("secret", SECRET)
    site.outside("secret.html", SECRET)
    (site.base / "outdir").mkdir()
    (site.base / "outdir" / "secret2").write_bytes(SECRET)
    site.file("page", INSIDE)
    site.file("sub/inside.txt", INSIDE)
    site.symlink("link-secret", site.base / "secret")
    site.symlink("link-secret-relative", "../secret")
    site.symlink("link-passwd", "/etc/passwd")
    site.symlink("link-outdir", site.base / "outdir")
    site.symlink("link-up", "..")
    site.symlink("link-proc-root", "/proc/self/root")
    site.symlink("sub/link-loop", "link-loop")
    return site


def get_raw(guise, target: str):
    req = f"GET {target} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n".encode("latin-1")
    data = guise.raw(req)
    assert SECRET not in data, f"{target!r} leaked the secret: {data[:300]!r}"
    assert PASSWD not in data, f"{target!r} leaked /etc/passwd: {data[:300]!r}"
    return parse_response(data)


@pytest.mark.parametrize("target", ESCAPES)
def test_no_escape_from_the_root(guise, escape_site, target):
    guise.start()

    r = get_raw(guise, target)

    assert r.status in (400, 403, 404), f"{target!r}: {r!r}"
    assert INSIDE not in r.body


def test_there_are_enough_attempts():
    assert len(set(ESCAPES)) >= 25


def test_escapes_leave_the_server_healthy(guise, escape_site):
    guise.start()

    for target in ESCAPES:
        get_raw(guise, target)

    assert guise.get("/sub/inside.txt").body == INSIDE


def test_double_encoding_decodes_once(guise, site):
    # "%252e" is "%2e" on disk, not "."
    site.file("%2e%2e/x.txt", "literal percent name")
    guise.start()

    r = get_raw(guise, "/%252e%252e/x.txt")

    assert (r.status, r.body) == (200, b"literal percent name")


def test_symlink_to_a_file_inside_the_root_works(guise, site):
    site.file("real/target.txt", INSIDE)
    site.symlink("alias.txt", "real/target.txt")
    site.symlink("sub/up-alias.txt", "../real/target.txt")
    site.symlink("realdir", "real")
    guise.start()

    assert get_raw(guise, "/alias.txt").body == INSIDE
    assert get_raw(guise, "/sub/up-alias.txt").body == INSIDE
    assert get_raw(guise, "/realdir/target.txt").body == INSIDE


def test_dot_segments_inside_the_root_are_resolved(guise, site):
    site.file("a/b.txt", INSIDE)
    guise.start()

    for target in ("/a/./b.txt", "/a/../a/b.txt", "/x/../a/b.txt", "/a//b.txt",
                   "/%61/%62.txt"):
        r = get_raw(guise, target)
        assert (r.status, r.body) == (200, INSIDE), target
