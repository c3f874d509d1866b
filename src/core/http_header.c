#include "http_header.h"
#include "util.h"

#include <string.h>
#include <strings.h>

struct name {
    const char *text;
    size_t len;
};

#define H(s)                                                                                       \
    {                                                                                              \
        s, sizeof(s) - 1                                                                           \
    }

static const struct name request_names[GS_HREQ_COUNT] = {
    H("Cache-Control"),
    H("Connection"),
    H("Date"),
    H("Keep-Alive"),
    H("Pragma"),
    H("Trailer"),
    H("Transfer-Encoding"),
    H("Upgrade"),
    H("Via"),
    H("Warning"),
    H("Allow"),
    H("Content-Length"),
    H("Content-Type"),
    H("Content-Encoding"),
    H("Content-Language"),
    H("Content-Location"),
    H("Content-MD5"),
    H("Content-Range"),
    H("Expires"),
    H("Last-Modified"),
    H("Accept"),
    H("Accept-Charset"),
    H("Accept-Encoding"),
    H("Accept-Language"),
    H("Authorization"),
    H("Cookie"),
    H("Expect"),
    H("From"),
    H("Host"),
    H("If-Match"),
    H("If-Modified-Since"),
    H("If-None-Match"),
    H("If-Range"),
    H("If-Unmodified-Since"),
    H("Max-Forwards"),
    H("Proxy-Authorization"),
    H("Referer"),
    H("Range"),
    H("TE"),
    H("Translate"),
    H("User-Agent"),
};

static const struct name response_names[GS_HRSP_COUNT] = {
    H("Cache-Control"),
    H("Connection"),
    H("Date"),
    H("Keep-Alive"),
    H("Pragma"),
    H("Trailer"),
    H("Transfer-Encoding"),
    H("Upgrade"),
    H("Via"),
    H("Warning"),
    H("Allow"),
    H("Content-Length"),
    H("Content-Type"),
    H("Content-Encoding"),
    H("Content-Language"),
    H("Content-Location"),
    H("Content-MD5"),
    H("Content-Range"),
    H("Expires"),
    H("Last-Modified"),
    H("Accept-Ranges"),
    H("Age"),
    H("ETag"),
    H("Location"),
    H("Proxy-Authenticate"),
    H("Retry-After"),
    H("Server"),
    H("Set-Cookie"),
    H("Vary"),
    H("WWW-Authenticate"),
};

/*
 * Compares the length first: most candidates differ in length, so the
 * case-insensitive compare runs about once per header.
 */
static int
lookup(const struct name *names, int count, const char *name, size_t len)
{
    for (int i = 0; i < count; i++) {
        if (names[i].len == len && strncasecmp(names[i].text, name, len) == 0) {
            return i;
        }
    }
    return -1;
}

int
gs_request_header_id(const char *name, size_t len)
{
    return lookup(request_names, GS_HREQ_COUNT, name, len);
}

int
gs_response_header_id(const char *name, size_t len)
{
    return lookup(response_names, GS_HRSP_COUNT, name, len);
}

const char *
gs_request_header_name(int id)
{
    return id >= 0 && id < GS_HREQ_COUNT ? request_names[id].text : NULL;
}

const char *
gs_response_header_name(int id)
{
    return id >= 0 && id < GS_HRSP_COUNT ? response_names[id].text : NULL;
}
