"""guise --config on the command line: -t, start-up refused for a broken file, usage errors."""
import re
import socket
import subprocess

import pytest

from conftest import GUISE_BIN, HOST, config_xml, scaled, site_xml

ERROR_LINE = re.compile(r"guise: error: (.+?):(\d+): (.+)")


def good_config(root):
    return config_xml(site_xml("S", 1, root, ["127.0.0.1:0:"]))


def line_of(text, token):
    """The 1-based line of text that holds token (which must be there once)."""
    hits = [i for i, line in enumerate(text.splitlines(), 1) if token in line]
    assert len(hits) == 1, (token, hits)
    return hits[0]


def errors(stderr):
    """(file, line, message) of every "guise: error: FILE:LINE: message" line."""
    return [m.groups() for m in map(ERROR_LINE.fullmatch, stderr.splitlines()) if m]


def free_port():
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def refused(port):
    try:
        socket.create_connection((HOST, port), timeout=scaled(2)).close()
        return False
    except ConnectionRefusedError:
        return True


def test_t_says_configuration_ok(guise, tmp_path):
    path = guise.write_config(good_config(tmp_path))

    done = guise.run("-t", "--config", path)

    assert done.returncode == 0, done.stderr
    assert done.stdout == "configuration OK\n"
    assert "error" not in done.stderr and "listening" not in done.stderr


def test_t_does_not_start_a_server(guise, tmp_path):
    port = free_port()
    path = guise.write_config(config_xml(site_xml("S", 1, tmp_path, [f"127.0.0.1:{port}:"])))

    done = guise.run("-t", "--config", path)

    assert done.returncode == 0
    assert refused(port)


# What is wrong -> XML added to the root application of a good site; #### marks the line
# the error must name (and is taken out before the file is written).
BROKEN = {
    "unknown attribute": '<virtualDirectory path="/x" physicalPath="/tmp" bogus="1"/>####',
    "unknown element": "<virtualDirectorie/>####",
    "relative physicalPath": '<virtualDirectory path="/x" physicalPath="relative/dir"/>####',
    "vdir path without slash": '<virtualDirectory path="x" physicalPath="/tmp"/>####',
    "vdir path with dot segment": '<virtualDirectory path="/a/../b" physicalPath="/tmp"/>####',
    "missing physicalPath": '<virtualDirectory path="/x"/>####',
    "second vdir at one path": ('<virtualDirectory path="/x" physicalPath="/tmp"/>\n'
                                '<virtualDirectory path="/X" physicalPath="/tmp"/>####'),
}


@pytest.mark.parametrize("what", sorted(BROKEN))
def test_t_names_file_and_line_of_a_bad_virtual_directory(guise, tmp_path, what):
    text = config_xml(site_xml("S", 1, tmp_path, vdirs="\n" + BROKEN[what] + "\n"))
    line = line_of(text, "####")
    path = guise.write_config(text.replace("####", ""))

    done = guise.run("-t", "--config", path)

    assert done.returncode == 1
    assert done.stdout == ""
    assert (str(path), str(line)) in [(f, n) for f, n, _ in errors(done.stderr)], done.stderr


@pytest.mark.parametrize("bad, words", [
    ('bindingInformation="127.0.0.1:x:"####', ["bindingInformation"]),
    ('bindingInformation="127.0.0.1:70000:"####', ["bindingInformation"]),
    ('bindingInformation="localhost:80:"####', ["localhost"]),
    ('bindingInformation="127.0.0.1:80"####', ["bindingInformation"]),
])
def test_t_names_the_line_of_a_bad_binding(guise, tmp_path, bad, words):
    text = config_xml(site_xml("S", 1, tmp_path)).replace('bindingInformation="127.0.0.1:0:"/>',
                                                         f"\n{bad}/>\n")
    line = line_of(text, "####")
    path = guise.write_config(text.replace("####", ""))

    done = guise.run("-t", "--config", path)

    assert done.returncode == 1
    found = errors(done.stderr)
    assert any(f == str(path) and n == str(line) and all(w in m for w in words)
               for f, n, m in found), done.stderr


def test_t_reports_every_error_not_only_the_first(guise, tmp_path):
    text = config_xml(
        site_xml("A", 1, tmp_path, vdirs='\n<virtualDirectory path="/x" physicalPath="rel"/>\n'),
        "\n",
        site_xml("B", 2, tmp_path, ["127.0.0.1:0:b.example"],
                 extra='\n<logFile period="Weekly"/>\n'))
    path = guise.write_config(text)

    done = guise.run("-t", "--config", path)

    assert done.returncode == 1
    lines = {int(n) for _, n, _ in errors(done.stderr)}
    assert {line_of(text, 'physicalPath="rel"'), line_of(text, "Weekly")} <= lines, done.stderr


@pytest.mark.parametrize("case", ["duplicate id", "duplicate name", "same binding",
                                  "same binding, other case", "no root application",
                                  "unknown pool", "no site"])
def test_t_refuses_inconsistent_sites(guise, tmp_path, case):
    a = site_xml("A", 1, tmp_path, ["127.0.0.1:0:a.example"])
    b = {
        "duplicate id": site_xml("B", 1, tmp_path, ["127.0.0.1:0:b.example"]),
        "duplicate name": site_xml("a", 2, tmp_path, ["127.0.0.1:0:b.example"]),
        "same binding": site_xml("B", 2, tmp_path, ["127.0.0.1:0:a.example"]),
        "same binding, other case": site_xml("B", 2, tmp_path, ["127.0.0.1:0:A.Example"]),
        "no root application": site_xml("B", 2, tmp_path, ["127.0.0.1:0:b.example"]).replace(
            '<application path="/">', '<application path="/app">'),
        "unknown pool": site_xml("B", 2, tmp_path, ["127.0.0.1:0:b.example"]).replace(
            '<application path="/">', '<application path="/" applicationPool="NoSuchPool">'),
        "no site": "",
    }[case]
    sites = [] if case == "no site" else [a, "\n", b]
    path = guise.write_config(config_xml(*sites))

    done = guise.run("-t", "--config", path)

    assert done.returncode == 1, done.stderr
    assert done.stdout == ""
    assert f"guise: error: {path}" in done.stderr, done.stderr


@pytest.mark.parametrize("text, line", [
    # the first error libxml2 raises (the mismatch), not the last (the end of the data)
    ("<configuration>\n<system.webServer>\n</configuration>\n\n\n", 3),
    ("<configuration>\n  <a>\n", 3),
    ("", None),
    ("not xml at all", 1),
    ("<configuration>\n<system.webServer>\n<directoryBrowse enabled='maybe'/>\n"
     "</system.webServer>\n</configuration>\n", 3),
])
def test_t_refuses_malformed_xml(guise, tmp_path, text, line):
    path = guise.write_config(text)

    done = guise.run("-t", "--config", path)

    assert done.returncode == 1
    assert f"guise: error: {path}" in done.stderr, done.stderr
    if line is not None:
        assert f"{path}:{line}: " in done.stderr, done.stderr


def test_t_refuses_a_doctype_and_never_reads_an_external_entity(guise, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    text = ('<?xml version="1.0"?>\n'
            f'<!DOCTYPE configuration [<!ENTITY x SYSTEM "file://{secret}">]>\n'
            "<configuration><system.applicationHost><sites>"
            '<site name="&x;" id="1"/></sites></system.applicationHost></configuration>\n')
    path = guise.write_config(text)

    done = guise.run("-t", "--config", path)

    assert done.returncode == 1
    assert "TOP-SECRET" not in done.stderr + done.stdout
    assert "DOCTYPE" in done.stderr or "external entity" in done.stderr, done.stderr


def test_t_refuses_an_internal_entity_bomb(guise, tmp_path):
    lol = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    text = (f'<!DOCTYPE configuration [<!ENTITY l0 "lol">{lol}]>\n'
            '<configuration><system.applicationHost><sites>'
            '<site name="&l9;" id="1"/></sites></system.applicationHost></configuration>\n')
    path = guise.write_config(text)

    done = guise.run("-t", "--config", path)

    assert done.returncode == 1  # refused (libxml2 or guise), not expanded: run() has a timeout
    assert f"guise: error: {path}:" in done.stderr, done.stderr[:2000]
    assert len(done.stderr) < 10000


def test_t_warning_does_not_fail(guise, tmp_path):
    sections = '<configSections><section name="x"/></configSections>'
    text = good_config(tmp_path).replace("<configuration>\n", f"<configuration>\n{sections}\n")
    path = guise.write_config(text)

    done = guise.run("-t", "--config", path)

    assert done.returncode == 0, done.stderr
    assert done.stdout == "configuration OK\n"
    assert f"{path}:2: warning: " in done.stderr, done.stderr


def test_start_refused_with_a_broken_file(guise, tmp_path):
    port = free_port()
    text = config_xml(site_xml("S", 1, tmp_path, [f"127.0.0.1:{port}:"],
                               vdirs='\n<virtualDirectory path="/x" physicalPath="rel"/>\n'))
    path = guise.write_config(text)

    server = guise.start_config(path, wait=False)

    assert server.wait(scaled(10)) == 1
    err = server.stderr()
    line = line_of(text, 'physicalPath="rel"')
    assert "listening" not in err
    assert f"guise: error: {path}:{line}: " in err, err
    assert refused(port)


def test_start_refused_when_a_binding_cannot_listen(guise, tmp_path):
    with socket.socket() as holder:
        holder.bind((HOST, 0))
        holder.listen(1)
        port = holder.getsockname()[1]
        path = guise.write_config(config_xml(site_xml("S", 1, tmp_path, [f"127.0.0.1:{port}:"])))

        server = guise.start_config(path, wait=False)

        assert server.wait(scaled(10)) == 1
    assert f"127.0.0.1:{port}" in server.stderr()
    assert "listening on" not in server.stderr()


@pytest.mark.parametrize("test_flag", [True, False])
def test_missing_config_file_fails_naming_it(guise, tmp_path, test_flag):
    missing = tmp_path / "no-such.config"

    done = guise.run(*(["-t"] if test_flag else []), "--config", missing)

    assert done.returncode == 1
    assert f"guise: error: {missing}: " in done.stderr, done.stderr
    assert "listening" not in done.stderr


def test_config_that_is_a_directory_fails(guise, tmp_path):
    done = guise.run("-t", "--config", tmp_path)

    assert done.returncode == 1
    assert f"guise: error: {tmp_path}: " in done.stderr, done.stderr


def test_relative_config_path_is_named_as_given(guise, tmp_path):
    guise.write_config(good_config(tmp_path).replace("<sites>", "<sites bogus='1'>"), "rel.config")

    done = subprocess.run([GUISE_BIN, "-t", "--config", "rel.config"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=scaled(10))

    assert done.returncode == 1
    assert "guise: error: rel.config:" in done.stderr, done.stderr


@pytest.mark.parametrize("other", [["--root", "."], ["--listen", f"{HOST}:0"],
                                   ["--root", ".", "--listen", f"{HOST}:0"]])
def test_config_with_root_or_listen_is_a_usage_error(guise, tmp_path, other):
    path = guise.write_config(good_config(tmp_path))

    for argv in (["--config", path, *other], [*other, "--config", path],
                 ["-t", "--config", path, *other]):
        done = guise.run(*argv)

        assert done.returncode == 2, (argv, done.stderr)
        assert done.stderr.startswith("guise: ") and done.stderr.count("\n") == 1, done.stderr
        assert "--config" in done.stderr
        assert done.stdout == ""


def test_config_needs_a_value(guise):
    done = guise.run("--config")

    assert done.returncode == 2
    assert "--config" in done.stderr


def test_started_server_serves_what_t_accepted(guise, tmp_path):
    (tmp_path / "f.txt").write_text("served")
    path = guise.write_config(good_config(tmp_path))
    assert guise.run("-t", "--config", path).returncode == 0

    guise.start_config(path)

    assert guise.get("/f.txt").body == b"served"
