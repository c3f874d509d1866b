"""
Native modules loaded with --module: the sample modules (hello, headers), what start-up does
with a module that cannot be loaded, and a module built outside the tree against an installed
guise (make install / cmake --install, then pkg-config guise-module).

The modules come from the build directory of the binary under test ($GUISE_BIN/../modules):
modules/<name>/<name>.c is built as <name>.so, tests/e2e/modules/<x>.c as test_<x>.so.
"""
import os
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

import conftest
from conftest import GUISE_BIN, HOST, SANITIZED, scaled

BUILD = Path(GUISE_BIN).resolve().parent
MODULES = BUILD / "modules"
HELLO = MODULES / "hello.so"
HEADERS = MODULES / "headers.so"
FAILING = MODULES / "test_failing_register.so"

ADDED = ("X-Content-Type-Options", "nosniff")  # what the headers module adds

CC = os.environ.get("CC") or shutil.which("cc") or shutil.which("gcc") or shutil.which("clang")
needs_cc = pytest.mark.skipif(CC is None or shutil.which(CC) is None,
                              reason="no C compiler (cc, gcc or clang) to build a module with")
needs_pkg_config = pytest.mark.skipif(shutil.which("pkg-config") is None,
                                      reason="pkg-config is not installed")
needs_cmake_build = pytest.mark.skipif(
    shutil.which("cmake") is None or not (BUILD / "cmake_install.cmake").exists(),
    reason=f"{BUILD} is not a CMake build directory (or cmake is missing): nothing to install")


def module_arg(name, path):
    return ("--module", f"{name}={path}")


def start_with(guise, *modules):
    """Starts guise with --module NAME=PATH for each (name, path), in that order."""
    args = []
    for name, path in modules:
        assert Path(path).exists(), f"{path} not built: run 'make build'"
        args += module_arg(name, path)
    return guise.start(*args)


def run_with(guise, *modules):
    """Runs guise to completion with the given modules (start-up is expected to fail)."""
    args = ["--root", guise.site.root, "--listen", f"{HOST}:0"]
    for name, path in modules:
        args += module_arg(name, path)
    return guise.run(*args)


def assert_refused(done, *words):
    """Exit status 1, and exactly one line on stderr, a guise one, with every word in it."""
    assert done.returncode == 1, (done.returncode, done.stderr)
    err = done.stderr
    assert err.startswith("guise: "), err
    assert err.endswith("\n") and err.count("\n") == 1, f"not one line: {err!r}"
    for w in words:
        assert str(w) in err, f"{w!r} not in {err!r}"
    assert "listening" not in err


def compile_module(source: Path, out: Path, cflags, extra=()):
    cmd = [CC, "-shared", "-fPIC", *cflags, *extra, "-o", str(out), str(source)]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=scaled(60))
    assert done.returncode == 0, f"{shlex.join(cmd)}:\n{done.stderr}"
    return out


# ---- hello ------------------------------------------------------------------------------


def test_hello_answers_get_hello(guise):
    start_with(guise, ("hello", HELLO))

    r = guise.get("/hello")

    assert r.status == 200
    assert r.body == b"Hello World"
    assert r.headers.get_all("Content-Type") == ["text/plain"]
    assert r.headers["Content-Length"] == "11"


def test_hello_answers_head_like_get(guise):
    start_with(guise, ("hello", HELLO))

    r = guise.head("/hello")

    assert r.status == 200
    assert r.body == b""
    assert r.headers["Content-Type"] == "text/plain"
    assert r.headers["Content-Length"] == "11"


@pytest.mark.parametrize("path", ["/hello?name=x", "/%68ello", "/./hello"])
def test_hello_matches_the_decoded_path_without_query(guise, path):
    start_with(guise, ("hello", HELLO))

    r = guise.get(path)

    assert (r.status, r.body) == (200, b"Hello World")


def test_hello_replaces_a_file_of_that_name(guise):
    guise.site.file("hello", "the file")
    start_with(guise, ("hello", HELLO))

    assert guise.get("/hello").body == b"Hello World"


def test_other_urls_are_still_served_from_the_site(guise):
    guise.site.file("a.txt", "file a")
    guise.site.file("dir/index.html", "<p>index</p>")
    start_with(guise, ("hello", HELLO))

    r = guise.get("/a.txt")
    assert (r.status, r.body) == (200, b"file a")
    assert r.headers["Content-Type"].startswith("text/plain")

    assert guise.get("/dir/").body == b"<p>index</p>"
    assert guise.get("/missing").status == 404
    assert guise.get("/hello/").status == 404
    assert guise.get("/hello.txt").status == 404


def test_other_methods_on_hello_go_to_the_site(guise):
    start_with(guise, ("hello", HELLO))

    r = guise.request("POST", "/hello", body=b"x")

    assert r.status == 405  # the static file handler's answer, not hello's
    assert r.body != b"Hello World"


def test_finished_request_is_still_logged(guise):
    start_with(guise, ("hello", HELLO))

    guise.get("/hello")

    (entry,) = guise.log_lines(1)
    assert (entry["cs-method"], entry["cs-uri-stem"], entry["sc-status"]) == ("GET", "/hello",
                                                                             "200")


# ---- headers ----------------------------------------------------------------------------


def assert_added_once(r):
    assert r.headers.get_all(ADDED[0]) == [ADDED[1]], r


def test_without_the_headers_module_there_is_no_header(guise):
    guise.site.file("a.txt", "a")
    guise.start()

    assert ADDED[0] not in guise.get("/a.txt").headers


@pytest.mark.parametrize("order", ["hello first", "headers first"])
def test_headers_are_added_to_every_response(guise, order):
    guise.site.file("a.txt", "file a")
    guise.site.dir("dir")
    modules = [("hello", HELLO), ("headers", HEADERS)]
    if order == "headers first":
        modules.reverse()
    start_with(guise, *modules)

    ok = guise.get("/a.txt")
    assert ok.status == 200
    assert_added_once(ok)

    not_modified = guise.get("/a.txt", headers={"If-None-Match": ok.headers["ETag"]})
    assert not_modified.status == 304
    assert_added_once(not_modified)

    partial = guise.get("/a.txt", headers={"Range": "bytes=0-3"})
    assert (partial.status, partial.body) == (206, b"file")
    assert_added_once(partial)

    missing = guise.get("/missing")
    assert missing.status == 404
    assert_added_once(missing)

    not_allowed = guise.request("DELETE", "/a.txt")
    assert not_allowed.status == 405
    assert_added_once(not_allowed)

    moved = guise.get("/dir")
    assert moved.status == 301
    assert_added_once(moved)

    head = guise.head("/a.txt")
    assert head.status == 200
    assert_added_once(head)

    hello = guise.get("/hello")
    assert (hello.status, hello.body) == (200, b"Hello World")
    assert hello.headers["Content-Type"] == "text/plain"
    assert_added_once(hello)


def test_headers_module_loaded_twice_adds_one_field(guise):
    """The same module under two names: the second SetHeader (fReplace TRUE) replaces the first."""
    guise.site.file("a.txt", "a")
    start_with(guise, ("headers", HEADERS), ("headers2", HEADERS))

    assert_added_once(guise.get("/a.txt"))


def test_headers_on_keepalive_responses(guise):
    """Every response on one connection gets the header, not only the first."""
    guise.site.file("a.txt", "a")
    start_with(guise, ("headers", HEADERS))

    with guise.connect() as c:
        c.send(b"GET /a.txt HTTP/1.1\r\nHost: x\r\n\r\n" * 2
               + b"GET /missing HTTP/1.1\r\nHost: x\r\n\r\n")
        for status in (200, 200, 404):
            r = c.response()
            assert r.status == status
            assert_added_once(r)


# ---- modules that cannot be loaded ------------------------------------------------------


def test_module_path_that_does_not_exist(guise, tmp_path):
    path = tmp_path / "no-such-module.so"

    assert_refused(run_with(guise, ("ghost", path)), "ghost", path)


def test_module_that_is_not_a_shared_object(guise, tmp_path):
    path = tmp_path / "text.so"
    path.write_text("not an ELF file\n")

    assert_refused(run_with(guise, ("text", path)), "text", path)


@needs_cc
def test_shared_object_without_registermodule(guise, tmp_path):
    src = tmp_path / "plain.c"
    src.write_text("int guise_test_plain(void);\nint guise_test_plain(void) { return 42; }\n")
    path = compile_module(src, tmp_path / "plain.so", [])

    done = run_with(guise, ("plain", path))

    assert_refused(done, "plain", path, "RegisterModule")


def test_registermodule_that_fails(guise):
    done = run_with(guise, ("failing", FAILING))

    assert_refused(done, "failing", FAILING, "0x80004005")


def test_failing_module_after_a_good_one_still_stops_startup(guise):
    done = run_with(guise, ("hello", HELLO), ("failing", FAILING))

    assert_refused(done, "failing", "0x80004005")
    assert "hello" not in done.stderr


def test_same_module_name_twice(guise):
    done = run_with(guise, ("hello", HELLO), ("hello", HEADERS))

    assert_refused(done, "hello", HEADERS)


def test_module_named_like_a_builtin(guise):
    done = run_with(guise, ("StaticFileModule", HELLO))

    assert_refused(done, "StaticFileModule")


def test_same_module_name_twice_is_reported_as_such(guise):
    done = run_with(guise, ("hello", HELLO), ("HELLO", HEADERS))

    assert_refused(done, "HELLO")
    assert "loaded already" in done.stderr
    assert "RegisterModule failed" not in done.stderr


# ---- a module built outside the tree -----------------------------------------------------

OUT_OF_TREE = r"""
/* Written from the public names only: answers GET /oot with "out of tree". */
#include <guise/httpserv.h>

#include <string.h>
#include <wchar.h>

struct oot {
    CHttpModule CHttpModule_iface;
    int handled;
};

static REQUEST_NOTIFICATION_STATUS
oot_OnExecuteRequestHandler(CHttpModule *This, IHttpContext *pHttpContext,
                            IHttpEventProvider *pProvider)
{
    static const char body[] = "out of tree";
    struct oot *m = (struct oot *) This;
    IHttpResponse *rsp = IHttpContext_GetResponse(pHttpContext);
    PCSTR method = IHttpRequest_GetHttpMethod(IHttpContext_GetRequest(pHttpContext));
    HTTP_DATA_CHUNK chunk;
    DWORD sent = 0;
    HRESULT hr;

    (void) pProvider;
    if (strcmp(method, "GET") != 0
        || wcscmp(IHttpContext_GetScriptName(pHttpContext, NULL), L"/oot") != 0) {
        return RQ_NOTIFICATION_CONTINUE;
    }
    m->handled = 1;
    IHttpResponse_Clear(rsp);
    hr = IHttpResponse_SetStatus(rsp, 200, "OK", 0, S_OK, NULL);
    if (SUCCEEDED(hr)) {
        hr = IHttpResponse_SetHeader(rsp, "X-Out-Of-Tree", "yes", 3, TRUE);
    }
    if (SUCCEEDED(hr)) {
        hr = IHttpResponse_SetHeaderById(rsp, HttpHeaderContentType, "text/plain", 10, TRUE);
    }
    if (SUCCEEDED(hr)) {
        chunk.DataChunkType = HttpDataChunkFromMemory;
        chunk.FromMemory.pBuffer = (PVOID) body;
        chunk.FromMemory.BufferLength = (ULONG) strlen(body);
        hr = IHttpResponse_WriteEntityChunks(rsp, &chunk, 1, FALSE, FALSE, &sent, NULL);
    }
    if (FAILED(hr)) {
        IHttpResponse_SetStatus(rsp, 500, "Server Error", 0, hr, NULL);
    }
    return RQ_NOTIFICATION_FINISH_REQUEST;
}

static const CHttpModuleVtbl oot_vtbl = {
    .OnExecuteRequestHandler = oot_OnExecuteRequestHandler,
};

static HRESULT
factory_GetHttpModule(IHttpModuleFactory *This, CHttpModule **ppModule,
                      IModuleAllocator *pAllocator)
{
    struct oot *m = IModuleAllocator_AllocateMemory(pAllocator, (DWORD) sizeof(*m));

    (void) This;
    if (m == NULL) {
        return HRESULT_FROM_WIN32(ERROR_NOT_ENOUGH_MEMORY);
    }
    m->CHttpModule_iface.lpVtbl = &oot_vtbl;
    m->handled = 0;
    *ppModule = &m->CHttpModule_iface;
    return S_OK;
}

static VOID
factory_Terminate(IHttpModuleFactory *This)
{
    (void) This;
}

static const IHttpModuleFactoryVtbl factory_vtbl = {
    .GetHttpModule = factory_GetHttpModule,
    .Terminate = factory_Terminate,
};

static IHttpModuleFactory factory = {&factory_vtbl};

GUISE_MODULE_EXPORT HRESULT
RegisterModule(DWORD dwServerVersion, IHttpModuleRegistrationInfo *pModuleInfo,
               IHttpServer *pGlobalInfo)
{
    IHttpServer2 *server2 = NULL;
    HRESULT hr;

    (void) dwServerVersion;
    /* Resolved against the guise executable at load time. */
    hr = GUISE_GET_EXTENDED_INTERFACE(pGlobalInfo, IHttpServer, pGlobalInfo, IHttpServer2,
                                      &server2);
    if (FAILED(hr) || server2 == NULL) {
        return FAILED(hr) ? hr : E_FAIL;
    }
    hr = IHttpModuleRegistrationInfo_SetRequestNotifications(pModuleInfo, &factory,
                                                             RQ_EXECUTE_REQUEST_HANDLER, 0);
    if (SUCCEEDED(hr)) {
        hr = IHttpModuleRegistrationInfo_SetPriorityForRequestNotification(
            pModuleInfo, RQ_EXECUTE_REQUEST_HANDLER, PRIORITY_ALIAS_HIGH);
    }
    return hr;
}
"""


def cmake_install(prefix: Path, destdir: Path = None):
    env = dict(os.environ)
    env.pop("DESTDIR", None)
    if destdir is not None:
        env["DESTDIR"] = str(destdir)
    cmd = ["cmake", "--install", str(BUILD), "--prefix", str(prefix)]
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=scaled(120))
    assert done.returncode == 0, f"{shlex.join(cmd)}:\n{done.stdout}{done.stderr}"


def pkg_config(*args, **env_overrides):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PKG_CONFIG")}
    env.update(env_overrides)
    done = subprocess.run(["pkg-config", *args, "guise-module"], capture_output=True, text=True,
                          env=env, timeout=scaled(30))
    assert done.returncode == 0, f"pkg-config {args!r}: {done.stderr}"
    return done.stdout.strip()


@pytest.fixture
def installed(tmp_path_factory):
    """guise installed with DESTDIR empty into a fresh prefix."""
    prefix = tmp_path_factory.mktemp("prefix") / "usr"
    cmake_install(prefix)
    return prefix


@needs_cmake_build
def test_install_layout(installed):
    for rel in ("bin/guise", "lib/guise/modules/hello.so", "lib/guise/modules/headers.so",
                "lib/guise/modules/token_logger.so", "lib/guise/modules/cache_logger.so",
                "include/guise/httpserv.h", "include/guise/httpcach.h",
                "lib/pkgconfig/guise-module.pc"):
        assert (installed / rel).is_file(), rel
    assert os.access(installed / "bin/guise", os.X_OK)
    assert not list((installed / "lib/guise/modules").glob("test_*")), "test modules installed"


@needs_cmake_build
@needs_pkg_config
def test_pkg_config_names_the_install_prefix(installed):
    pc_path = str(installed / "lib/pkgconfig")

    cflags = shlex.split(pkg_config("--cflags", PKG_CONFIG_PATH=pc_path))
    assert f"-I{installed}/include" in cflags
    assert pkg_config("--variable=prefix", PKG_CONFIG_PATH=pc_path) == str(installed)
    assert pkg_config("--variable=moduledir", PKG_CONFIG_PATH=pc_path) == \
        f"{installed}/lib/guise/modules"


@needs_cmake_build
@needs_pkg_config
@needs_cc
@pytest.mark.parametrize("warnings", [(), ("-Wall", "-Wextra", "-Wpedantic", "-Werror")],
                         ids=["plain", "pedantic"])
def test_out_of_tree_module(guise, installed, tmp_path, monkeypatch, warnings):
    src = tmp_path / "oot.c"
    src.write_text(OUT_OF_TREE)
    cflags = shlex.split(pkg_config("--cflags", PKG_CONFIG_PATH=str(installed / "lib/pkgconfig")))
    oot = compile_module(src, tmp_path / "oot.so", cflags, warnings)
    guise.site.file("a.txt", "file a")

    # The installed server, with the installed sample modules and the new one.
    monkeypatch.setattr(conftest, "GUISE_BIN", str(installed / "bin/guise"))
    start_with(guise, ("oot", oot), ("hello", installed / "lib/guise/modules/hello.so"),
               ("headers", installed / "lib/guise/modules/headers.so"))

    r = guise.get("/oot")
    assert (r.status, r.body) == (200, b"out of tree")
    assert r.headers["X-Out-Of-Tree"] == "yes"
    assert r.headers["Content-Type"] == "text/plain"
    assert_added_once(r)

    assert guise.get("/hello").body == b"Hello World"
    assert guise.get("/a.txt").body == b"file a"
    assert "X-Out-Of-Tree" not in guise.get("/a.txt").headers
    assert guise.get("/missing").status == 404


@needs_cmake_build
@needs_pkg_config
@needs_cc
def test_staged_install_with_destdir(guise, tmp_path):
    """A package build: DESTDIR stages, the .pc records the real prefix, a sysroot finds it."""
    stage = tmp_path / "stage"
    cmake_install(Path("/usr"), destdir=stage)

    root = stage / "usr"
    for rel in ("bin/guise", "lib/guise/modules/hello.so", "lib/guise/modules/headers.so",
                "include/guise/httpserv.h", "include/guise/httpcach.h"):
        assert (root / rel).is_file(), rel
    pc = root / "lib/pkgconfig/guise-module.pc"
    assert "prefix=/usr\n" in pc.read_text()
    assert str(stage) not in pc.read_text()

    env = {"PKG_CONFIG_LIBDIR": str(root / "lib/pkgconfig"), "PKG_CONFIG_SYSROOT_DIR": str(stage)}
    cflags = shlex.split(pkg_config("--cflags", **env))
    assert f"-I{root}/include" in cflags

    src = tmp_path / "oot.c"
    src.write_text(OUT_OF_TREE)
    oot = compile_module(src, tmp_path / "oot.so", cflags)
    start_with(guise, ("oot", oot))
    assert guise.get("/oot").body == b"out of tree"


@needs_cc
def test_out_of_tree_module_under_a_sanitized_server(guise, tmp_path):
    """A module built without the sanitizer flags is a plain shared object: it loads anyway."""
    if not SANITIZED:
        pytest.skip("only meaningful against an ASan build (GUISE_SANITIZED=1)")
    src = tmp_path / "oot.c"
    src.write_text(OUT_OF_TREE)
    repo_include = Path(conftest.REPO) / "include"
    oot = compile_module(src, tmp_path / "oot.so", [f"-I{repo_include}", "-std=c17",
                                                    "-fvisibility=hidden"])
    start_with(guise, ("oot", oot))

    assert guise.get("/oot").body == b"out of tree"
