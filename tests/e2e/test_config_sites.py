"""
guise --config: the sites of an applicationHost.config.  Virtual hosting by
Host and address, virtual directories and applications, <location> overrides
and locks, default documents, directory browsing, staticContent (mimeMap,
clientCache), httpLogging and the sites' own log files.
"""
import glob
import html
import os
import socket
import subprocess
from pathlib import Path

import pytest

from conftest import (HOST, config_xml, parse_response, parse_w3c, scaled, site_xml,
                      wait_until)



def get(server, path, host):
    """GET path with the Host header given (None: an HTTP/1.0 request without one)."""
    if host is None:
        return parse_response(server.raw(f"GET {path} HTTP/1.0\r\n\r\n".encode()))
    return server.get(path, headers={"Host": host})


def roots(tmp_path, **bodies):
    """A directory per name, each with f.txt holding its body; returns {name: path}."""
    out = {}
    for name, body in bodies.items():
        d = tmp_path / name
        d.mkdir(parents=True, exist_ok=True)
        (d / "f.txt").write_text(body)
        out[name] = d
    return out


def tree(base: Path, files: dict) -> Path:
    """Creates files (relative name -> text; a name ending in '/' is a directory) under base."""
    for rel, text in files.items():
        p = base / rel
        if rel.endswith("/"):
            p.mkdir(parents=True, exist_ok=True)
        else:
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_text(text)
    return base


def free_port(*ips):
    """A port free on every address of ips now (a test that needs one fixed port)."""
    for _ in range(50):
        with socket.socket() as s:
            s.bind((ips[0], 0))
            port = s.getsockname()[1]
            try:
                for ip in ips[1:]:
                    with socket.socket() as t:
                        t.bind((ip, port))
            except OSError:
                continue
        return port
    pytest.fail(f"no port free on all of {ips}")


def can_bind(ip):
    try:
        with socket.socket() as s:
            s.bind((ip, 0))
        return True
    except OSError:
        return False


def fetch(ip, port, path="/f.txt", host="t"):
    """GET on a new connection to ip:port; the response."""
    with socket.create_connection((ip, port), timeout=scaled(5)) as s:
        s.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    return parse_response(data)


# ---- virtual hosting -------------------------------------------------------------------


def test_two_sites_on_one_port_by_host(guise, tmp_path):
    r = roots(tmp_path, a="site a", b="site b")
    guise.start_config(config_xml(site_xml("A", 1, r["a"], ["127.0.0.1:0:a.example"]),
                                  site_xml("B", 2, r["b"], ["127.0.0.1:0:b.example"])))

    assert len(guise.addresses()) == 1, "both bindings share the one port 0 gave"
    assert get(guise, "/f.txt", "a.example").body == b"site a"
    assert get(guise, "/f.txt", "b.example").body == b"site b"


def test_host_matches_without_case(guise, tmp_path):
    r = roots(tmp_path, a="site a", b="site b")
    guise.start_config(config_xml(site_xml("A", 1, r["a"], ["127.0.0.1:0:a.example"]),
                                  site_xml("B", 2, r["b"], ["127.0.0.1:0:WWW.B.Example"])))

    assert get(guise, "/f.txt", "A.EXAMPLE").body == b"site a"
    assert get(guise, "/f.txt", "a.Example").body == b"site a"
    assert get(guise, "/f.txt", "www.b.example").body == b"site b"
    assert guise.curl("/f.txt", "-H", "Host: Www.B.EXAMPLE").body == b"site b"


def test_host_with_a_port_matches_the_host(guise, tmp_path):
    r = roots(tmp_path, a="site a", b="site b")
    guise.start_config(config_xml(site_xml("A", 1, r["a"], ["127.0.0.1:0:a.example"]),
                                  site_xml("B", 2, r["b"], ["127.0.0.1:0:b.example"])))

    assert get(guise, "/f.txt", f"a.example:{guise.port}").body == b"site a"
    assert get(guise, "/f.txt", f"B.example:{guise.port}").body == b"site b"
    # curl sends "Host: a.example:PORT" by itself, for a name resolved to us
    url = f"http://a.example:{guise.port}/f.txt"
    done = subprocess.run(["curl", "-s", "-S", "--max-time", str(scaled(10)), "--resolve",
                           f"a.example:{guise.port}:{HOST}", url],
                          capture_output=True, timeout=scaled(20))
    assert (done.returncode, done.stdout) == (0, b"site a"), done.stderr


@pytest.mark.parametrize("host", ["c.example", "xa.example", "example", "127.0.0.1",
                                  None])
def test_unknown_host_is_400_invalid_hostname(guise, tmp_path, host):
    r = roots(tmp_path, a="site a")
    guise.start_config(config_xml(site_xml("A", 1, r["a"], ["127.0.0.1:0:a.example"])))

    rsp = get(guise, "/f.txt", host)

    assert rsp.status == 400
    assert rsp.reason == "Bad Request - Invalid Hostname"
    assert b"site a" not in rsp.body
    assert get(guise, "/f.txt", "a.example").status == 200, "the right host still works"


@pytest.mark.parametrize("catch_all_first", [True, False])
def test_host_binding_wins_over_a_catch_all(guise, tmp_path, catch_all_first):
    r = roots(tmp_path, a="site a", any="catch-all")
    a = site_xml("A", 1, r["a"], ["127.0.0.1:0:a.example"])
    catch_all = site_xml("Any", 2, r["any"], ["127.0.0.1:0:"])
    guise.start_config(config_xml(*([catch_all, a] if catch_all_first else [a, catch_all])))

    assert get(guise, "/f.txt", "a.example").body == b"site a"
    assert get(guise, "/f.txt", "A.Example").body == b"site a"
    assert get(guise, "/f.txt", "other.example").body == b"catch-all"
    assert get(guise, "/f.txt", f"127.0.0.1:{guise.port}").body == b"catch-all"
    assert get(guise, "/f.txt", None).body == b"catch-all", "HTTP/1.0 without Host"


def test_a_site_with_several_bindings(guise, tmp_path):
    r = roots(tmp_path, a="site a", b="site b")
    guise.start_config(config_xml(
        site_xml("A", 1, r["a"], ["127.0.0.1:0:a.example", "127.0.0.1:0:www.a.example"]),
        site_xml("B", 2, r["b"], ["127.0.0.1:0:b.example"])))

    assert get(guise, "/f.txt", "a.example").body == b"site a"
    assert get(guise, "/f.txt", "www.a.example").body == b"site a"
    assert get(guise, "/f.txt", "b.example").body == b"site b"


def test_a_stopped_site_answers_nothing(guise, tmp_path):
    r = roots(tmp_path, a="site a", b="site b")
    stopped = site_xml("B", 2, r["b"], ["127.0.0.1:0:b.example"]).replace(
        'id="2"', 'id="2" serverAutoStart="false"')
    guise.start_config(config_xml(site_xml("A", 1, r["a"], ["127.0.0.1:0:a.example"]), stopped))

    assert get(guise, "/f.txt", "a.example").body == b"site a"
    assert get(guise, "/f.txt", "b.example").status == 400


@pytest.mark.skipif(not can_bind("127.0.0.2"), reason="127.0.0.2 is not a local address here")
def test_two_addresses_on_one_port_are_two_sites(guise, tmp_path):
    r = roots(tmp_path, one="on .1", two="on .2")
    port = free_port("127.0.0.1", "127.0.0.2")
    guise.start_config(config_xml(site_xml("One", 1, r["one"], [f"127.0.0.1:{port}:"]),
                                  site_xml("Two", 2, r["two"], [f"127.0.0.2:{port}:"])))

    assert fetch("127.0.0.1", port).body == b"on .1"
    assert fetch("127.0.0.2", port).body == b"on .2"
    assert sorted(guise.addresses()) == [f"127.0.0.1:{port}", f"127.0.0.2:{port}"]


@pytest.mark.skipif(not can_bind("127.0.0.2"), reason="127.0.0.2 is not a local address here")
def test_port_zero_gives_each_address_its_own_port(guise, tmp_path):
    r = roots(tmp_path, one="on .1", two="on .2")
    guise.start_config(config_xml(site_xml("One", 1, r["one"], ["127.0.0.1:0:"]),
                                  site_xml("Two", 2, r["two"], ["127.0.0.2:0:"])))

    ports = dict(a.rsplit(":", 1) for a in guise.addresses())
    assert set(ports) == {"127.0.0.1", "127.0.0.2"}, guise.addresses()
    assert fetch("127.0.0.1", int(ports["127.0.0.1"])).body == b"on .1"
    assert fetch("127.0.0.2", int(ports["127.0.0.2"])).body == b"on .2"


def ipv6_loopback():
    try:
        with socket.socket(socket.AF_INET6) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


@pytest.mark.skipif(not ipv6_loopback(), reason="no IPv6 loopback here")
def test_ipv6_binding_with_and_without_host(guise, tmp_path):
    r = roots(tmp_path, named="v6 named", any="v6 any")
    guise.start_config(config_xml(site_xml("Named", 1, r["named"], ["[::1]:0:v6.example"]),
                                  site_xml("Any", 2, r["any"], ["[::1]:0:"])), wait=False)
    assert wait_until(guise.addresses, scaled(10)), guise.stderr()
    [address] = guise.addresses()
    assert address.startswith("[::1]:")
    port = int(address.rsplit(":", 1)[1])

    assert fetch("::1", port, host="v6.example").body == b"v6 named"
    assert fetch("::1", port, host=f"V6.example:{port}").body == b"v6 named"
    assert fetch("::1", port, host=f"[::1]:{port}").body == b"v6 any"
    assert fetch("::1", port, host="[::1]").body == b"v6 any"


@pytest.mark.parametrize("target, body", [("http://b.example/f.txt", b"site b"),
                                          ("http://B.EXAMPLE:80/f.txt", b"site b"),
                                          ("http://unknown.example/f.txt", b"catch-all")])
def test_absolute_form_target_chooses_the_site(guise, tmp_path, target, body):
    r = roots(tmp_path, a="site a", b="site b", any="catch-all")
    guise.start_config(config_xml(site_xml("A", 1, r["a"], ["127.0.0.1:0:a.example"]),
                                  site_xml("B", 2, r["b"], ["127.0.0.1:0:b.example"]),
                                  site_xml("Any", 3, r["any"], ["127.0.0.1:0:"])))

    data = guise.raw(f"GET {target} HTTP/1.1\r\nHost: a.example\r\nConnection: close\r\n\r\n"
                     .encode())

    assert parse_response(data).body == body


@pytest.mark.parametrize("host", ["a.example:xyz", "a.example:-1", "x@a.example", "a.example/x",
                                  "a.example:80:80", "[::1"])
def test_invalid_host_value_is_400(guise, tmp_path, host):
    r = roots(tmp_path, a="site a", any="catch-all")
    guise.start_config(config_xml(site_xml("A", 1, r["a"], ["127.0.0.1:0:a.example"]),
                                  site_xml("Any", 2, r["any"], ["127.0.0.1:0:"])))

    data = guise.raw(f"GET /f.txt HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
                     .encode())

    assert parse_response(data).status == 400


def test_iis_precedence_between_wildcard_and_address_bindings(guise, tmp_path):
    # IIS: IP:port:host, then *:port:host, then IP:port:, then *:port:
    r = roots(tmp_path, ip_host="ip+host", any_host="any+host", ip="ip only", any="any")
    port = free_port("127.0.0.1")
    server = guise.start_config(config_xml(
        site_xml("Any", 1, r["any"], [f"*:{port}:"]),
        site_xml("Ip", 2, r["ip"], [f"127.0.0.1:{port}:"]),
        site_xml("AnyHost", 3, r["any_host"], [f"*:{port}:w.example"]),
        site_xml("IpHost", 4, r["ip_host"], [f"127.0.0.1:{port}:x.example",
                                             f"127.0.0.1:{port}:w.example"])), wait=False)
    # One socket on the any address takes the port; sites still go by the address reached.
    assert wait_until(server.addresses, scaled(10)) == [f"0.0.0.0:{port}"], server.stderr()

    assert fetch(HOST, port, host="x.example").body == b"ip+host"
    assert fetch(HOST, port, host="w.example").body == b"ip+host"
    assert fetch(HOST, port, host="other").body == b"ip only"
    if can_bind("127.0.0.2"):
        assert fetch("127.0.0.2", port, host="w.example").body == b"any+host"
        assert fetch("127.0.0.2", port, host="other").body == b"any"


# ---- virtual directories and applications ------------------------------------------------------


def vdir_config(tmp_path):
    root = tree(tmp_path / "root", {"f.txt": "root file", "shared/x.txt": "root's shadowed x",
                                    "sharedx/x.txt": "root's sharedx", "app/f.txt": "shadowed",
                                    "img/i.txt": "root's img"})
    shared = tree(tmp_path / "shared", {"x.txt": "shared x", "deep/y.txt": "shared deep y"})
    app = tree(tmp_path / "app", {"a.txt": "app a"})
    appimg = tree(tmp_path / "appimg", {"i.txt": "app image"})
    return config_xml(site_xml(
        "S", 1, root,
        vdirs=f'<virtualDirectory path="/shared" physicalPath="{shared}"/>',
        apps=(f'<application path="/app"><virtualDirectory path="/" physicalPath="{app}"/>'
              f'<virtualDirectory path="/img" physicalPath="{appimg}"/></application>')))


def test_virtual_directory_maps_a_url_to_another_directory(guise, tmp_path):
    guise.start_config(vdir_config(tmp_path))

    assert guise.get("/f.txt").body == b"root file"
    assert guise.get("/shared/x.txt").body == b"shared x"
    assert guise.get("/shared/deep/y.txt").body == b"shared deep y"
    assert guise.get("/Shared/x.txt").body == b"shared x", "IIS URLs match without case"
    assert guise.get("/shared/f.txt").status == 404, "the root's files are not in the vdir"


def test_virtual_directory_without_slash_redirects(guise, tmp_path):
    guise.start_config(vdir_config(tmp_path))

    r = guise.get("/shared?q=1")

    assert r.status == 301
    assert r.headers["Location"] == "/shared/?q=1"


def test_virtual_directory_prefix_stops_at_a_segment(guise, tmp_path):
    guise.start_config(vdir_config(tmp_path))

    assert guise.get("/sharedx/x.txt").body == b"root's sharedx"
    assert guise.get("/sharedx.txt").status == 404


def test_dot_segments_do_not_leave_a_virtual_directory_for_its_parent_dir(guise, tmp_path):
    (tmp_path / "secret.txt").write_text("next to the shared directory")
    guise.start_config(vdir_config(tmp_path))

    data = guise.raw(b"GET /shared/../secret.txt HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
    r = parse_response(data)

    assert r.status == 404, "/shared/../secret.txt is /secret.txt, in the root"
    assert b"next to" not in data
    assert guise.get("/shared/%2e%2e/f.txt").body == b"root file"


def test_nested_application_with_its_own_virtual_directory(guise, tmp_path):
    guise.start_config(vdir_config(tmp_path))

    assert guise.get("/app/a.txt").body == b"app a"
    assert guise.get("/app/img/i.txt").body == b"app image"
    assert guise.get("/app/f.txt").status == 404, "the application's root replaces the site's"
    assert guise.get("/img/i.txt").body == b"root's img", "/img belongs to /app only"
    assert guise.get("/APP/IMG/i.txt").body == b"app image"


# ---- <location> ----------------------------------------------------------------------------


def test_directory_browse_enabled_only_below_a_location(guise, tmp_path):
    root = tree(tmp_path / "root", {"pub/p.txt": "p", "pub/sub/q.txt": "q", "priv/s.txt": "s",
                                    "public/t.txt": "t"})
    guise.start_config(config_xml(
        site_xml("S", 1, root),
        locations='<location path="S/pub"><system.webServer>'
                  '<directoryBrowse enabled="true"/></system.webServer></location>\n'))

    pub, sub = guise.get("/pub/"), guise.get("/pub/sub/")
    assert pub.status == 200 and b'href="p.txt"' in pub.body
    assert sub.status == 200 and b'href="q.txt"' in sub.body, "a location covers what is below"
    assert guise.get("/priv/").status == 403
    assert guise.get("/public/").status == 403, "S/pub is not a prefix of /public"
    assert guise.get("/").status == 403


def test_location_of_one_site_leaves_the_other_alone(guise, tmp_path):
    a = tree(tmp_path / "a", {"pub/p.txt": "p"})
    b = tree(tmp_path / "b", {"pub/p.txt": "p"})
    guise.start_config(config_xml(
        site_xml("A", 1, a, ["127.0.0.1:0:a.example"]),
        site_xml("B", 2, b, ["127.0.0.1:0:b.example"]),
        locations='<location path="A"><system.webServer>'
                  '<directoryBrowse enabled="true"/></system.webServer></location>\n'))

    assert get(guise, "/pub/", "a.example").status == 200
    assert get(guise, "/", "a.example").status == 200
    assert get(guise, "/pub/", "b.example").status == 403


def test_default_documents_differ_per_location(guise, tmp_path):
    both = {"index.html": "index", "home.htm": "home", "extra.htm": "extra"}
    root = tree(tmp_path / "root", {**both, **{f"docs/{k}": v for k, v in both.items()},
                                    **{f"more/{k}": v for k, v in both.items()},
                                    "more/only/extra.htm": "only extra"})
    guise.start_config(config_xml(
        site_xml("S", 1, root),
        web_server='<defaultDocument><files><add value="index.html"/></files></defaultDocument>',
        locations=(
            '<location path="S/docs"><system.webServer><defaultDocument><files><clear/>'
            '<add value="home.htm"/></files></defaultDocument></system.webServer></location>\n'
            '<location path="S/more"><system.webServer><defaultDocument><files>'
            '<add value="extra.htm"/></files></defaultDocument></system.webServer></location>\n')))

    assert guise.get("/").body == b"index"
    assert guise.get("/docs/").body == b"home", "<clear/> dropped the inherited index.html"
    assert guise.get("/more/").body == b"index", "inherited entries come first"
    assert guise.get("/more/only/").body == b"only extra", "<add> in a location adds to the list"


def test_locked_section_cannot_be_set_below(guise, tmp_path):
    root = tree(tmp_path / "root", {"pub/p.txt": "p"})
    text = config_xml(
        site_xml("S", 1, root),
        locations=('<location path="S" overrideMode="Deny"><system.webServer>'
                   '<directoryBrowse enabled="false"/></system.webServer></location>\n'
                   '<location path="S/pub"><system.webServer>'
                   '<directoryBrowse enabled="true"/></system.webServer></location>\n'))
    path = guise.write_config(text)
    line = text.splitlines().index(next(ln for ln in text.splitlines() if 'path="S/pub"' in ln)) + 1

    done = guise.run("-t", "--config", path)

    assert done.returncode == 1
    assert f"guise: error: {path}:{line}: " in done.stderr, done.stderr
    assert "locked" in done.stderr and "directoryBrowse" in done.stderr
    assert "configuration OK" not in done.stdout


def test_section_locked_at_the_server_level_cannot_be_set_in_a_location(guise, tmp_path):
    root = tree(tmp_path / "root", {"pub/p.txt": "p"})
    text = config_xml(
        site_xml("S", 1, root),
        locations=('<location path="" overrideMode="Deny"><system.webServer>'
                   '<directoryBrowse enabled="false"/></system.webServer></location>\n'
                   '<location path="S/pub"><system.webServer>'
                   '<directoryBrowse enabled="true"/></system.webServer></location>\n'))
    path = guise.write_config(text)
    line = next(i for i, ln in enumerate(text.splitlines(), 1) if 'path="S/pub"' in ln)

    done = guise.run("-t", "--config", path)

    assert done.returncode == 1
    assert f"guise: error: {path}:{line}: " in done.stderr, done.stderr


def test_locked_section_applies_where_nothing_overrides_it(guise, tmp_path):
    root = tree(tmp_path / "root", {"pub/p.txt": "p", "other/o.txt": "o"})
    guise.start_config(config_xml(
        site_xml("S", 1, root),
        locations=('<location path="S/pub" overrideMode="Deny"><system.webServer>'
                   '<directoryBrowse enabled="true"/></system.webServer></location>\n')))

    assert guise.get("/pub/").status == 200
    assert guise.get("/other/").status == 403


def test_deeper_location_wins_and_site_names_match_without_case(guise, tmp_path):
    root = tree(tmp_path / "root", {"pub/p.txt": "p", "pub/private/x.txt": "x",
                                    "pub/private/open/o.txt": "o"})
    guise.start_config(config_xml(
        site_xml("Default Web Site", 1, root),
        locations=('<location path="default web site/Pub/"><system.webServer>'
                   '<directoryBrowse enabled="true"/></system.webServer></location>\n'
                   '<location path="Default Web Site/pub/private"><system.webServer>'
                   '<directoryBrowse enabled="false"/></system.webServer></location>\n'
                   '<location path="Default Web Site/pub/private/open"><system.webServer>'
                   '<defaultDocument enabled="true"/></system.webServer></location>\n')))

    assert guise.get("/pub/").status == 200
    assert guise.get("/pub/private/").status == 403
    assert guise.get("/pub/private/open/").status == 403, "inherits private's browse=false"


def test_location_for_an_unknown_site_is_an_error(guise, tmp_path):
    text = config_xml(site_xml("S", 1, tmp_path),
                      locations='<location path="Nope/x"><system.webServer>'
                                '<directoryBrowse enabled="true"/></system.webServer></location>\n')
    path = guise.write_config(text)
    line = next(i for i, ln in enumerate(text.splitlines(), 1) if "Nope" in ln)

    done = guise.run("-t", "--config", path)

    assert done.returncode == 1
    assert f"{path}:{line}: " in done.stderr and "Nope" in done.stderr, done.stderr


# ---- default documents ------------------------------------------------------------------


def default_documents(*names, enabled=None):
    attr = f' enabled="{enabled}"' if enabled is not None else ""
    adds = "".join(f'<add value="{n}"/>' for n in names)
    return f"<defaultDocument{attr}><files>{adds}</files></defaultDocument>"


def test_default_documents_in_the_order_listed(guise, tmp_path):
    root = tree(tmp_path / "root", {"both/b.htm": "b", "both/a.html": "a", "a/a.html": "only a",
                                    "none/c.txt": "c"})
    guise.start_config(config_xml(site_xml("S", 1, root),
                                  web_server=default_documents("b.htm", "a.html")))

    both = guise.get("/both/")
    assert (both.status, both.body) == (200, b"b")
    assert both.headers["Content-Type"] == "text/html"
    assert guise.get("/a/").body == b"only a"
    assert guise.get("/none/").status == 403


def test_no_default_document_unless_configured(guise, tmp_path):
    root = tree(tmp_path / "root", {"index.html": "index", "default.htm": "default"})
    guise.start_config(config_xml(site_xml("S", 1, root)))

    assert guise.get("/").status == 403


def test_disabled_default_document_is_403(guise, tmp_path):
    root = tree(tmp_path / "root", {"index.html": "index", "d/index.html": "d index"})
    guise.start_config(config_xml(site_xml("S", 1, root),
                                  web_server=default_documents("index.html", enabled="false")))

    assert guise.get("/").status == 403
    assert guise.get("/d/").status == 403
    assert guise.get("/d/index.html").body == b"d index", "the file itself is still served"


def test_default_document_enabled_again_in_a_location(guise, tmp_path):
    root = tree(tmp_path / "root", {"index.html": "index", "on/index.html": "on index"})
    guise.start_config(config_xml(
        site_xml("S", 1, root), web_server=default_documents("index.html", enabled="false"),
        locations='<location path="S/on"><system.webServer><defaultDocument enabled="true"/>'
                  '</system.webServer></location>\n'))

    assert guise.get("/").status == 403
    assert guise.get("/on/").body == b"on index", "enabled below, the inherited list applies"


# ---- directory browsing -----------------------------------------------------------------


def browse(enabled=True, flags=None):
    f = f' showFlags="{flags}"' if flags is not None else ""
    return f'<directoryBrowse enabled="{"true" if enabled else "false"}"{f}/>'


def test_listing_shows_files_and_directories(guise, tmp_path):
    root = tree(tmp_path / "root", {"d/one.txt": "1", "d/two.html": "22", "d/sub/": ""})
    guise.start_config(config_xml(site_xml("S", 1, root), web_server=browse()))

    r = guise.get("/d/")

    assert r.status == 200
    assert r.headers["Content-Type"].startswith("text/html")
    text = r.body.decode()
    for link in ('href="one.txt"', 'href="two.html"', 'href="sub/"', 'href="../"'):
        assert link in text, (link, text)
    assert text.index("one.txt") < text.index("two.html"), "sorted by name"
    assert guise.get("/d/sub/").status == 200


def test_listing_escapes_names(guise, tmp_path):
    name = 'a<b&c">\'d.txt'
    root = tree(tmp_path / "root", {f"d/{name}": "x", "d/<script>/": ""})
    guise.start_config(config_xml(site_xml("S", 1, root), web_server=browse()))

    text = guise.get("/d/").body.decode()

    assert name not in text and "<script>" not in text, text
    assert html.escape(name, quote=True).replace("&#x27;", "&#39;") in text, text
    assert "&lt;script&gt;" in text
    assert 'href="a%3Cb%26c%22%3E%27d.txt"' in text, text
    link = "/d/a%3Cb%26c%22%3E%27d.txt"
    assert guise.get(link).body == b"x", "the link leads to the file"


def test_listing_hides_dot_files(guise, tmp_path):
    root = tree(tmp_path / "root", {"d/.hidden": "h", "d/.git/config": "c", "d/shown.txt": "s"})
    guise.start_config(config_xml(site_xml("S", 1, root), web_server=browse()))

    text = guise.get("/d/").body.decode()

    assert "shown.txt" in text
    assert ".hidden" not in text and ".git" not in text, text


def test_listing_head_and_redirect_to_the_slash(guise, tmp_path):
    root = tree(tmp_path / "root", {"my dir/f.txt": "f"})
    guise.start_config(config_xml(site_xml("S", 1, root), web_server=browse()))

    full = guise.get("/my%20dir/")
    head = parse_response(guise.raw(b"HEAD /my%20dir/ HTTP/1.1\r\nHost: t\r\n"
                                    b"Connection: close\r\n\r\n"), head=True)
    redirect = guise.get("/my%20dir")

    assert full.status == 200 and b"<title>/my dir/</title>" in full.body
    assert head.status == 200 and head.headers["Content-Length"] == str(len(full.body))
    assert redirect.status == 301 and redirect.headers["Location"] == "/my%20dir/"


def test_listing_of_the_root_has_no_parent_link(guise, tmp_path):
    root = tree(tmp_path / "root", {"f.txt": "f"})
    guise.start_config(config_xml(site_xml("S", 1, root), web_server=browse()))

    text = guise.get("/").body.decode()

    assert 'href="f.txt"' in text and 'href="../"' not in text


def test_browsing_off_is_403(guise, tmp_path):
    root = tree(tmp_path / "root", {"d/f.txt": "f"})
    guise.start_config(config_xml(site_xml("S", 1, root), web_server=browse(enabled=False)))

    r = guise.get("/d/")

    assert r.status == 403
    assert b"f.txt" not in r.body


def test_default_document_wins_over_a_listing(guise, tmp_path):
    root = tree(tmp_path / "root", {"d/index.html": "index", "e/f.txt": "f"})
    guise.start_config(config_xml(site_xml("S", 1, root),
                                  web_server=browse() + default_documents("index.html")))

    assert guise.get("/d/").body == b"index"
    assert b'href="f.txt"' in guise.get("/e/").body


def test_listing_of_a_virtual_directory(guise, tmp_path):
    root = tree(tmp_path / "root", {"f.txt": "f"})
    shared = tree(tmp_path / "shared", {"in-shared.txt": "s"})
    guise.start_config(config_xml(
        site_xml("S", 1, root, vdirs=f'<virtualDirectory path="/shared" physicalPath="{shared}"/>'),
        web_server=browse()))

    text = guise.get("/shared/").body.decode()

    assert 'href="in-shared.txt"' in text and "f.txt" not in text


def test_show_flags_without_size_and_extension(guise, tmp_path):
    root = tree(tmp_path / "root", {"d/file.txt": "x" * 12345})
    guise.start_config(config_xml(site_xml("S", 1, root), web_server=browse(flags="Date, Time")))

    text = guise.get("/d/").body.decode()

    assert "12345" not in text
    assert 'href="file.txt">file</a>' in text, text


# ---- staticContent ----------------------------------------------------------------------


def static_content(*maps, client_cache=""):
    adds = "".join(f'<mimeMap fileExtension="{e}" mimeType="{t}"/>' for e, t in maps)
    return f"<staticContent>{adds}{client_cache}</staticContent>"


def test_mime_map_adds_a_type(guise, tmp_path):
    root = tree(tmp_path / "root", {"f.gsx": "g", "f.txt": "t"})
    guise.start_config(config_xml(site_xml("S", 1, root),
                                  web_server=static_content((".gsx", "application/x-guise"))))

    assert guise.get("/f.gsx").headers["Content-Type"] == "application/x-guise"
    assert guise.get("/F.GSX").status == 404  # the file name is case-sensitive here
    assert guise.get("/f.txt").headers["Content-Type"] == "text/plain", "the others stay"


def test_mime_map_extension_without_case(guise, tmp_path):
    root = tree(tmp_path / "root", {"upper.GSX": "g"})
    guise.start_config(config_xml(site_xml("S", 1, root),
                                  web_server=static_content((".gsx", "application/x-guise"))))

    assert guise.get("/upper.GSX").headers["Content-Type"] == "application/x-guise"


def test_mime_map_overrides_a_system_type(guise, tmp_path):
    root = tree(tmp_path / "root", {"c.css": "c", "h.html": "h"})
    guise.start_config(config_xml(site_xml("S", 1, root), web_server=static_content(
        (".css", "text/x-guise-css"), (".gsx", "application/x-guise"))))

    assert guise.get("/c.css").headers["Content-Type"] == "text/x-guise-css"
    assert guise.get("/h.html").headers["Content-Type"] == "text/html"


def test_mime_map_star_is_the_type_of_the_rest(guise, tmp_path):
    root = tree(tmp_path / "root", {"x.unknownext": "u", "noext": "n", "h.html": "h"})
    guise.start_config(config_xml(site_xml("S", 1, root), web_server=static_content(
        ("*", "application/x-anything"), (".gsx", "application/x-guise"))))

    assert guise.get("/x.unknownext").headers["Content-Type"] == "application/x-anything"
    assert guise.get("/noext").headers["Content-Type"] == "application/x-anything"
    assert guise.get("/h.html").headers["Content-Type"] == "text/html"


def test_mime_map_in_a_location_applies_there_only(guise, tmp_path):
    root = tree(tmp_path / "root", {"f.gsx": "g", "special/f.gsx": "g"})
    guise.start_config(config_xml(
        site_xml("S", 1, root),
        locations='<location path="S/special"><system.webServer>'
                  + static_content((".gsx", "application/x-special"))
                  + '</system.webServer></location>\n'))

    assert guise.get("/special/f.gsx").headers["Content-Type"] == "application/x-special"
    assert guise.get("/f.gsx").headers["Content-Type"] == "application/octet-stream"


@pytest.mark.parametrize("age, seconds", [("01:00:00", 3600), ("00:01:30", 90),
                                          ("2.00:00:00", 172800), ("00:00:00", 0)])
def test_client_cache_use_max_age(guise, tmp_path, age, seconds):
    root = tree(tmp_path / "root", {"f.txt": "f", "d/index.html": "i"})
    cc = f'<clientCache cacheControlMode="UseMaxAge" cacheControlMaxAge="{age}"/>'
    guise.start_config(config_xml(site_xml("S", 1, root),
                                  web_server=static_content(client_cache=cc)
                                  + default_documents("index.html")))

    assert guise.get("/f.txt").headers["Cache-Control"] == f"max-age={seconds}"
    assert guise.get("/d/").headers["Cache-Control"] == f"max-age={seconds}", "a default document"


def test_client_cache_max_age_default_is_one_day(guise, tmp_path):
    root = tree(tmp_path / "root", {"f.txt": "f"})
    guise.start_config(config_xml(site_xml("S", 1, root), web_server=static_content(
        client_cache='<clientCache cacheControlMode="UseMaxAge"/>')))

    assert guise.get("/f.txt").headers["Cache-Control"] == "max-age=86400"


def test_client_cache_disable_cache(guise, tmp_path):
    root = tree(tmp_path / "root", {"f.txt": "f"})
    guise.start_config(config_xml(site_xml("S", 1, root), web_server=static_content(
        client_cache='<clientCache cacheControlMode="DisableCache"/>')))

    r = guise.get("/f.txt")

    assert r.headers["Cache-Control"] == "no-cache"
    assert r.body == b"f"


def test_no_cache_control_by_default(guise, tmp_path):
    root = tree(tmp_path / "root", {"f.txt": "f"})
    guise.start_config(config_xml(site_xml("S", 1, root)))

    r = guise.get("/f.txt")

    assert "Cache-Control" not in r.headers and "Expires" not in r.headers


def test_client_cache_per_location(guise, tmp_path):
    root = tree(tmp_path / "root", {"f.txt": "f", "static/s.txt": "s", "live/l.txt": "l"})
    guise.start_config(config_xml(
        site_xml("S", 1, root),
        web_server=static_content(client_cache='<clientCache cacheControlMode="DisableCache"/>'),
        locations=('<location path="S/static"><system.webServer>'
                   + static_content(client_cache='<clientCache cacheControlMode="UseMaxAge" '
                                                 'cacheControlMaxAge="00:10:00"/>')
                   + '</system.webServer></location>\n')))

    assert guise.get("/static/s.txt").headers["Cache-Control"] == "max-age=600"
    assert guise.get("/live/l.txt").headers["Cache-Control"] == "no-cache"
    assert guise.get("/f.txt").headers["Cache-Control"] == "no-cache"


def test_client_cache_use_expires(guise, tmp_path):
    root = tree(tmp_path / "root", {"f.txt": "f"})
    when = "Thu, 01 Jan 2037 00:00:00 GMT"
    guise.start_config(config_xml(site_xml("S", 1, root), web_server=static_content(
        client_cache=f'<clientCache cacheControlMode="UseExpires" httpExpires="{when}"/>')))

    assert guise.get("/f.txt").headers["Expires"] == when


# ---- logging ------------------------------------------------------------------------------


def site_log(log_dir: Path, site_id) -> list:
    """The entries of a site's log files (W3SVC<id>/u_ex*.log), oldest file first."""
    entries = []
    for f in sorted(glob.glob(str(log_dir / f"W3SVC{site_id}" / "u_ex*.log"))):
        entries += parse_w3c(Path(f).read_text())
    return entries


def close_get(server, path, host="t"):
    """A GET with Connection: close; the connection's end means guise has logged it."""
    return parse_response(server.raw(
        f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode()))


def test_each_site_writes_its_own_log(guise, tmp_path):
    r = roots(tmp_path, a="site a", b="site b", c="site c")
    logs = tmp_path / "logs"
    guise.start_config(config_xml(
        site_xml("A", 1, r["a"], ["127.0.0.1:0:a.example"]),
        site_xml("B", 22, r["b"], ["127.0.0.1:0:b.example"]),
        site_xml("C", 3, r["c"], ["127.0.0.1:0:c.example"], extra='<logFile enabled="false"/>'),
        site_defaults=f'<logFile directory="{logs}"/>'))

    close_get(guise, "/f.txt?from=a", "a.example")
    close_get(guise, "/missing-a", "a.example")
    close_get(guise, "/f.txt?from=b", "b.example")
    close_get(guise, "/f.txt?from=c", "c.example")

    assert wait_until(lambda: len(site_log(logs, 1)) == 2 and len(site_log(logs, 22)) == 1,
                      scaled(5)), (site_log(logs, 1), site_log(logs, 22))
    a, b = site_log(logs, 1), site_log(logs, 22)
    # lines from different loops may come in either order
    assert sorted((e["cs-uri-stem"], e["sc-status"]) for e in a) == [("/f.txt", "200"),
                                                                     ("/missing-a", "404")]
    assert [(e["cs-uri-query"], e["sc-status"]) for e in b] == [("from=b", "200")]
    assert sorted(os.listdir(logs)) == ["W3SVC1", "W3SVC22"], "site C logs nothing"
    name = os.listdir(logs / "W3SVC1")[0]
    assert len(name) == len("u_exYYMMDD.log") and name.startswith("u_ex") and name.endswith(".log")


def test_site_log_file_settings_override_site_defaults(guise, tmp_path):
    r = roots(tmp_path, a="site a")
    default_dir, own_dir = tmp_path / "default-logs", tmp_path / "own-logs"
    guise.start_config(config_xml(
        site_xml("A", 1, r["a"], extra=f'<logFile directory="{own_dir}" '
                                       'logExtFileFlags="Date, Time, UriStem, HttpStatus, Host"/>'),
        site_defaults=f'<logFile directory="{default_dir}" period="Hourly"/>'))

    close_get(guise, "/f.txt", host="h.example")

    assert wait_until(lambda: site_log(own_dir, 1), scaled(5))
    [e] = site_log(own_dir, 1)
    assert set(e) == {"date", "time", "cs-uri-stem", "sc-status", "cs-host"}
    assert e["cs-host"] == "h.example"
    name = os.listdir(own_dir / "W3SVC1")[0]
    assert len(name) == len("u_exYYMMDDHH.log"), "period Hourly comes from siteDefaults"
    assert not default_dir.exists()


def test_log_option_puts_every_site_in_one_file(guise, tmp_path):
    r = roots(tmp_path, a="site a", b="site b")
    logs = tmp_path / "logs"
    guise.start_config(config_xml(site_xml("A", 1, r["a"], ["127.0.0.1:0:a.example"]),
                                  site_xml("B", 2, r["b"], ["127.0.0.1:0:b.example"]),
                                  site_defaults=f'<logFile directory="{logs}"/>'), log=True)

    close_get(guise, "/f.txt?a", "a.example")
    close_get(guise, "/f.txt?b", "b.example")

    entries = guise.log_lines(count=2)
    assert sorted(e["cs-uri-query"] for e in entries) == ["a", "b"]
    assert not logs.exists(), "--log replaces the sites' own files"


def test_dont_log_below_a_location(guise, tmp_path):
    root = tree(tmp_path / "root", {"f.txt": "f", "quiet/q.txt": "q", "quieter/x.txt": "x"})
    guise.start_config(config_xml(
        site_xml("S", 1, root),
        locations='<location path="S/quiet"><system.webServer><httpLogging dontLog="true"/>'
                  '</system.webServer></location>\n'), log=True)

    close_get(guise, "/quiet/q.txt")
    close_get(guise, "/quiet/missing")
    close_get(guise, "/quieter/x.txt")
    close_get(guise, "/f.txt")
    assert guise.stop() == 0  # every buffered line is written by now

    stems = sorted(e["cs-uri-stem"] for e in guise.log_lines(count=2))
    assert stems == ["/f.txt", "/quieter/x.txt"]


def test_dont_log_for_the_whole_server(guise, tmp_path):
    r = roots(tmp_path, a="site a")
    logs = tmp_path / "logs"
    guise.start_config(config_xml(site_xml("A", 1, r["a"]),
                                  web_server='<httpLogging dontLog="true"/>',
                                  site_defaults=f'<logFile directory="{logs}"/>'))

    assert close_get(guise, "/f.txt").status == 200
    assert guise.stop() == 0

    assert site_log(logs, 1) == []


def test_selective_logging_log_error(guise, tmp_path):
    root = tree(tmp_path / "root", {"f.txt": "f"})
    guise.start_config(config_xml(site_xml("S", 1, root),
                                  web_server='<httpLogging selectiveLogging="LogError"/>'),
                       log=True)

    close_get(guise, "/f.txt")
    close_get(guise, "/missing")
    assert guise.stop() == 0

    assert [e["cs-uri-stem"] for e in guise.log_lines(count=1)] == ["/missing"]
