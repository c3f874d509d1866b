/*
 * The static file handler: GET and HEAD of regular files below the site
 * root, default documents for directories, the trailing-slash redirect,
 * validators (ETag, Last-Modified), conditional requests and one byte range.
 *
 * Every open is openat2(RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS) relative
 * to the root (or to a directory opened that way), after the URL path was
 * normalised: neither "..", nor a symlink, nor a /proc magic link can lead
 * outside the root.  O_NONBLOCK keeps a FIFO from blocking the loop.
 */
#include "builtin.h"
#include "../core/http_date.h"
#include "../core/http_etag.h"
#include "../core/http_range.h"
#include "../core/url_path.h"

#include <llhttp.h>

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Win32 codes for the log's sc-win32-status, as IIS reports them. */
#define WIN32_FILE_NOT_FOUND 2
#define WIN32_PATH_NOT_FOUND 3
#define WIN32_ACCESS_DENIED  5

static const char *const default_documents[] = {"index.html", "default.htm"};

static int
open_beneath(int dirfd, const char *rel)
{
    struct open_how how = {
        .flags = O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY,
        .resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
    };
    int fd = (int) syscall(SYS_openat2, dirfd, rel, &how, sizeof(how));

    return fd < 0 ? -errno : fd;
}

static void
set_header(gs_request_t *req, const char *name, const char *value, size_t len)
{
    gs_response_set_header(&req->rsp, req->pool, name, strlen(name), value, len, true);
}

static void
answer_open_error(gs_request_t *req, int err)
{
    switch (err) {
    case -ENOENT:
    case -ELOOP:
    case -EXDEV: /* the path tried to leave the root: as if absent */
    case -ENAMETOOLONG:
        gs_response_error(&req->rsp, req->pool, 404, 0, WIN32_FILE_NOT_FOUND);
        break;
    case -ENOTDIR:
        gs_response_error(&req->rsp, req->pool, 404, 0, WIN32_PATH_NOT_FOUND);
        break;
    case -EACCES:
    case -EPERM:
        gs_response_error(&req->rsp, req->pool, 403, 0, WIN32_ACCESS_DENIED);
        break;
    default:
        gs_response_error(&req->rsp, req->pool, 500, 0, (uint32_t) -err);
        break;
    }
}

static bool
header_date(const gs_request_t *req, int id, time_t *out)
{
    const gs_header_t *h = gs_request_known(req, id);

    return h != NULL && gs_http_date_parse(h->value, h->value_len, out) == 0;
}

/*
 * RFC 9110 section 13.2.2 order: If-Match, If-Unmodified-Since,
 * If-None-Match, If-Modified-Since.  Returns 0 to go on, else the status.
 */
static unsigned
evaluate_preconditions(const gs_request_t *req, const struct stat *st, const char *etag,
                       size_t etag_len)
{
    const gs_header_t *h;
    time_t t;

    if ((h = gs_request_known(req, GS_HREQ_IF_MATCH)) != NULL) {
        if (!gs_etag_match(h->value, h->value_len, etag, etag_len, true)) {
            return 412;
        }
    } else if (header_date(req, GS_HREQ_IF_UNMODIFIED_SINCE, &t) && st->st_mtim.tv_sec > t) {
        return 412;
    }
    if ((h = gs_request_known(req, GS_HREQ_IF_NONE_MATCH)) != NULL) {
        if (gs_etag_match(h->value, h->value_len, etag, etag_len, false)) {
            return 304;
        }
    } else if (header_date(req, GS_HREQ_IF_MODIFIED_SINCE, &t) && st->st_mtim.tv_sec <= t) {
        return 304;
    }
    return 0;
}

/* If-Range: a range applies only to the representation the client has. */
static bool
if_range_holds(const gs_request_t *req, const struct stat *st, const char *etag, size_t etag_len)
{
    const gs_header_t *h = gs_request_known(req, GS_HREQ_IF_RANGE);
    time_t t;

    if (h == NULL) {
        return true;
    }
    if (h->value_len > 0 && (h->value[0] == '"' || h->value[0] == 'W')) {
        return gs_etag_match(h->value, h->value_len, etag, etag_len, true);
    }
    return gs_http_date_parse(h->value, h->value_len, &t) == 0 && t == st->st_mtim.tv_sec;
}

/* Takes fd, which the request pool already owns. */
static void
serve_file(const gs_site_t *site, gs_request_t *req, int fd, const struct stat *st,
           const char *name)
{
    gs_response_t *rsp = &req->rsp;
    char etag[GS_ETAG_MAX], modified[GS_HTTP_DATE_LEN + 1];
    size_t etag_len = gs_etag_format(&st->st_mtim, (uint64_t) st->st_size, etag);
    uint64_t size = (uint64_t) st->st_size;
    const char *type = gs_mime_lookup(site->mime, name, strlen(name));
    unsigned status;

    gs_http_date_format(st->st_mtim.tv_sec, modified);
    status = evaluate_preconditions(req, st, etag, etag_len);
    if (status == 412) {
        gs_response_error(rsp, req->pool, 412, 0, 0);
        return;
    }
    set_header(req, "Last-Modified", modified, GS_HTTP_DATE_LEN);
    set_header(req, "ETag", etag, etag_len);
    if (status == 304) {
        gs_response_set_status(rsp, 304, 0, NULL);
        return;
    }
    set_header(req, "Content-Type", type, strlen(type));
    set_header(req, "Accept-Ranges", "bytes", 5);
    rsp->no_body = req->method == HTTP_HEAD;

    if (req->method == HTTP_GET && gs_request_known(req, GS_HREQ_RANGE) != NULL
        && if_range_holds(req, st, etag, etag_len))
    {
        const gs_header_t *h = gs_request_known(req, GS_HREQ_RANGE);
        gs_range_t r;
        char cr[64];
        int n;

        switch (gs_range_parse(h->value, h->value_len, size, &r)) {
        case GS_RANGE_OK:
            n = snprintf(cr, sizeof(cr), "bytes %llu-%llu/%llu", (unsigned long long) r.first,
                         (unsigned long long) r.last, (unsigned long long) size);
            gs_response_set_status(rsp, 206, 0, NULL);
            set_header(req, "Content-Range", cr, (size_t) n);
            gs_response_add_file(rsp, req->pool, fd, r.first, r.last - r.first + 1);
            return;
        case GS_RANGE_UNSATISFIABLE:
            n = snprintf(cr, sizeof(cr), "bytes */%llu", (unsigned long long) size);
            gs_response_set_status(rsp, 416, 0, NULL);
            set_header(req, "Content-Range", cr, (size_t) n);
            return;
        case GS_RANGE_IGNORE:
            break;
        }
    }
    gs_response_set_status(rsp, 200, 0, NULL);
    gs_response_add_file(rsp, req->pool, fd, 0, size);
}

static void
serve_directory(const gs_site_t *site, gs_request_t *req, int dirfd, const char *path, size_t len)
{
    if (path[len - 1] != '/') {
        /* Relative references in the page resolve against the directory. */
        size_t loc_len = req->path_len + 1 + (req->query ? req->query_len + 1 : 0);
        char *loc = gs_pool_alloc(req->pool, loc_len + 1);

        memcpy(loc, req->path, req->path_len);
        loc[req->path_len] = '/';
        if (req->query != NULL) {
            loc[req->path_len + 1] = '?';
            memcpy(loc + req->path_len + 2, req->query, req->query_len);
        }
        loc[loc_len] = '\0';
        gs_response_error(&req->rsp, req->pool, 301, 0, 0);
        set_header(req, "Location", loc, loc_len);
        return;
    }
    for (size_t i = 0; i < sizeof(default_documents) / sizeof(default_documents[0]); i++) {
        struct stat st;
        int fd = open_beneath(dirfd, default_documents[i]);

        if (fd < 0) {
            continue;
        }
        gs_pool_cleanup_fd(req->pool, fd);
        if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
            serve_file(site, req, fd, &st, default_documents[i]);
            return;
        }
    }
    /* IIS: 403.14, directory listing denied. */
    gs_response_error(&req->rsp, req->pool, 403, 14, 0);
}

void
gs_static_file_handle(const gs_site_t *site, gs_request_t *req)
{
    struct stat st;
    char *path;
    ssize_t len;
    int fd;

    if (req->method != HTTP_GET && req->method != HTTP_HEAD) {
        gs_response_error(&req->rsp, req->pool, 405, 0, 0);
        set_header(req, "Allow", "GET, HEAD", 9);
        return;
    }
    path = gs_pool_alloc(req->pool, req->path_len + 1);
    len = gs_url_path_normalize(req->path, req->path_len, path);
    if (len < 0) {
        gs_response_error(&req->rsp, req->pool, 400, 0, 0);
        return;
    }
    fd = open_beneath(site->root_fd, len == 1 ? "." : path + 1);
    if (fd < 0) {
        answer_open_error(req, fd);
        return;
    }
    gs_pool_cleanup_fd(req->pool, fd);
    if (fstat(fd, &st) != 0) {
        answer_open_error(req, -errno);
        return;
    }
    if (S_ISDIR(st.st_mode)) {
        serve_directory(site, req, fd, path, (size_t) len);
    } else if (S_ISREG(st.st_mode)) {
        serve_file(site, req, fd, &st, path);
    } else {
        gs_response_error(&req->rsp, req->pool, 404, 0, WIN32_FILE_NOT_FOUND);
    }
}
