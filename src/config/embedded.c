/*
 * The embedded default (guise --root DIR --listen ADDR:PORT) is written as
 * a configuration document and read like any file: one site, "Default Web
 * Site" (id 1), one binding per --listen, the root directory as its only
 * virtual directory, and IIS's default documents guise serves.  It serves
 * as whoever runs it: the pool's userName and the anonymous userName are
 * empty (the process identity, no switch).  One way in
 * for every configuration keeps the two from drifting apart.
 */
#include "config.h"
#include "core/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Appends s to the buffer with XML's five special characters escaped. */
static void
put_escaped(char **buf, size_t *len, size_t *cap, const char *s)
{
    for (; *s != '\0'; s++) {
        const char *rep = NULL;
        char one[2] = {*s, '\0'};
        size_t n;

        switch (*s) {
        case '&':
            rep = "&amp;";
            break;
        case '<':
            rep = "&lt;";
            break;
        case '>':
            rep = "&gt;";
            break;
        case '"':
            rep = "&quot;";
            break;
        case '\'':
            rep = "&apos;";
            break;
        case '\t':
            rep = "&#9;";
            break; /* XML would read a raw one as a space */
        case '\n':
            rep = "&#10;";
            break;
        case '\r':
            rep = "&#13;";
            break;
        default:
            rep = one;
            break;
        }
        n = strlen(rep);
        if (*len + n + 1 > *cap) {
            *cap = (*cap + n + 1) * 2;
            *buf = gs_xrealloc(*buf, *cap);
        }
        memcpy(*buf + *len, rep, n + 1);
        *len += n;
    }
}

static void
put(char **buf, size_t *len, size_t *cap, const char *s)
{
    size_t n = strlen(s);

    if (*len + n + 1 > *cap) {
        *cap = (*cap + n + 1) * 2;
        *buf = gs_xrealloc(*buf, *cap);
    }
    memcpy(*buf + *len, s, n + 1);
    *len += n;
}

char *
gs_config_embedded(const char *root, const char *const *listens, unsigned nlisten,
                   const char *const *default_documents, size_t *out_len)
{
    size_t len = 0, cap = 1024;
    char *buf = gs_xmalloc(cap);

    buf[0] = '\0';
    put(&buf, &len, &cap,
        "<configuration>\n"
        " <system.applicationHost>\n"
        "  <applicationPools>\n"
        "   <add name=\"DefaultAppPool\"><processModel userName=\"\"/></add>\n"
        "  </applicationPools>\n"
        "  <sites>\n"
        "   <site name=\"Default Web Site\" id=\"1\">\n"
        "    <bindings>\n");
    for (unsigned i = 0; i < nlisten; i++) {
        const char *l = listens[i];

        put(&buf, &len, &cap, "     <binding protocol=\"http\" bindingInformation=\"");
        /* "ADDR:PORT" becomes IIS's "ADDR:PORT:" (every host); ":PORT" and "*:PORT" are "*". */
        if (l[0] == ':') {
            put(&buf, &len, &cap, "*");
        }
        put_escaped(&buf, &len, &cap, l);
        put(&buf, &len, &cap, ":\"/>\n");
    }
    put(&buf, &len, &cap,
        "    </bindings>\n"
        "    <application path=\"/\">\n"
        "     <virtualDirectory path=\"/\" physicalPath=\"");
    put_escaped(&buf, &len, &cap, root);
    put(&buf, &len, &cap,
        "\"/>\n"
        "    </application>\n"
        "   </site>\n"
        "  </sites>\n"
        " </system.applicationHost>\n"
        " <system.webServer>\n"
        "  <defaultDocument>\n"
        "   <files>\n");
    for (const char *const *d = default_documents; *d != NULL; d++) {
        put(&buf, &len, &cap, "    <add value=\"");
        put_escaped(&buf, &len, &cap, *d);
        put(&buf, &len, &cap, "\"/>\n");
    }
    put(&buf, &len, &cap,
        "   </files>\n"
        "  </defaultDocument>\n"
        "  <security><authentication>\n"
        "   <anonymousAuthentication userName=\"\"/>\n"
        "  </authentication></security>\n"
        " </system.webServer>\n"
        "</configuration>\n");
    *out_len = len;
    return buf;
}
