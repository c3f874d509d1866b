/*
 * Whole requests through the real connection code and the real pipeline: a
 * loop without threads, a connection on a socketpair, the fuzz input written
 * as what the client sends (then end of input), the loop turned until the
 * connection closes, responses drained.  Parser, limits, request building,
 * the dispatcher, the built-in modules and response writing all run; ASan
 * and UBSan watch.
 */
#include "config/load.h"
#include "core/conn.h"
#include "core/log.h"
#include "core/server.h"
#include "pipeline/pipeline.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static gs_server_t server;
static gs_listener_t listener;

static void
write_file(const char *dir, const char *name, const char *content)
{
    char path[512];
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    f = fopen(path, "w");
    if (f == NULL) {
        abort();
    }
    fputs(content, f);
    fclose(f);
}

/*
 * Two sites on the fuzzed connection's port: "a.test" by host name, and a
 * catch-all with a virtual directory, default documents and, below /pub,
 * directory listings; so host matching and every built-in module run.
 */
static void
write_config(const char *root, char *path, size_t size)
{
    FILE *f;

    snprintf(path, size, "%s/applicationHost.config", root);
    f = fopen(path, "w");
    if (f == NULL) {
        abort();
    }
    fprintf(f,
            "<configuration>\n"
            " <system.applicationHost>\n"
            "  <applicationPools><add name=\"DefaultAppPool\"/></applicationPools>\n"
            "  <sites>\n"
            "   <site name=\"A\" id=\"1\">\n"
            "    <bindings><binding protocol=\"http\" bindingInformation=\"127.0.0.1:80:a.test\"/>"
            "</bindings>\n"
            "    <application path=\"/\"><virtualDirectory path=\"/\" physicalPath=\"%s/dir\"/>"
            "</application>\n"
            "   </site>\n"
            "   <site name=\"Default\" id=\"2\">\n"
            "    <bindings><binding protocol=\"http\" bindingInformation=\"*:80:\"/></bindings>\n"
            "    <application path=\"/\"><virtualDirectory path=\"/\" physicalPath=\"%s\"/>\n"
            "     <virtualDirectory path=\"/pub\" physicalPath=\"%s/dir\"/></application>\n"
            "   </site>\n"
            "  </sites>\n"
            " </system.applicationHost>\n"
            " <system.webServer>\n"
            "  <security><authentication><anonymousAuthentication userName=\"\"/>"
            "</authentication></security>\n"
            "  <defaultDocument><files><add value=\"index.html\"/><add value=\"default.htm\"/>"
            "</files></defaultDocument>\n"
            "  <staticContent><mimeMap fileExtension=\".txt\" mimeType=\"text/x-fuzz\"/>"
            "<clientCache cacheControlMode=\"UseMaxAge\"/></staticContent>\n"
            " </system.webServer>\n"
            " <location path=\"Default/pub\">\n"
            "  <system.webServer><directoryBrowse enabled=\"true\"/></system.webServer>\n"
            " </location>\n"
            "</configuration>\n",
            root, root, root);
    fclose(f);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    static char root[] = "/tmp/guise-fuzz-XXXXXX";
    static char config[600];
    gs_options_t o;
    gs_handler_t h;
    gs_config_t *cfg;
    char err[256], path[600];
    char *args[] = {"guise", "--config",           config, "--threads",
                    "1",     "--max-header-bytes", "4096", NULL};

    (void) argc;
    (void) argv;
    if (mkdtemp(root) == NULL) {
        abort();
    }
    write_file(root, "index.html", "<h1>index</h1>\n");
    write_file(root, "a.txt", "0123456789abcdef\n");
    snprintf(path, sizeof(path), "%s/dir", root);
    mkdir(path, 0755);
    write_file(path, "default.htm", "dir\n");
    snprintf(path, sizeof(path), "%s/empty", root);
    mkdir(path, 0755);
    snprintf(path, sizeof(path), "%s/link", root);
    symlink("a.txt", path);
    snprintf(path, sizeof(path), "%s/escape", root);
    symlink("/etc/passwd", path);
    write_config(root, config, sizeof(config));

    gs_log_threshold = GS_LOG_ERROR;
    if (gs_options_parse(&o, 7, args, err, sizeof(err), stdout) != GS_OPTIONS_RUN) {
        abort();
    }
    cfg = gs_config_load(&o, gs_pipeline_builtin_modules());
    if (cfg == NULL || gs_pipeline_init(&o, cfg) != 0) {
        abort();
    }
    /* No listeners: connections are handed to the loop directly. */
    h = gs_pipeline_handler();
    if (gs_server_init(&server, &o, &h) != 0) {
        abort();
    }
    gs_pipeline_attach(&server);
    listener.local.in.sin_family = AF_INET;
    listener.local.in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    listener.local.in.sin_port = htons(80);
    return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    gs_loop_t *loop = &server.loops[0];
    gs_sockaddr_t remote = listener.local;
    char sink[65536];
    int sv[2];
    size_t sent = 0;

    if (size > 60000 || socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv) != 0) {
        return 0;
    }
    gs_conn_accept(loop, &listener, sv[0], &remote);
    for (int turn = 0; turn < 10000 && loop->nconns > 0; turn++) {
        if (sent < size) {
            ssize_t n = send(sv[1], data + sent, size - sent, MSG_NOSIGNAL);

            if (n > 0) {
                sent += (size_t) n;
            }
            if (sent == size) {
                shutdown(sv[1], SHUT_WR);
            }
        }
        gs_loop_turn(loop, 0);
        while (recv(sv[1], sink, sizeof(sink), 0) > 0) {
        }
    }
    gs_loop_close_all(loop);
    close(sv[1]);
    return 0;
}
