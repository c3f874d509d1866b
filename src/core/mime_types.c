/*
 * Open addressing with linear probing; the table doubles at half load, so a
 * probe sequence is short.  Extensions longer than MAX_EXT are not types.
 */
#include "mime_types.h"
#include "hash.h"
#include "util.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_EXT 32

struct entry {
    char *ext; /* lower case; NULL = empty slot */
    char *type;
};

struct gs_mime {
    struct entry *slots;
    size_t cap, used;
};

static const char *const builtin[][2] = {
    {"html", "text/html"},      {"htm", "text/html"},         {"css", "text/css"},
    {"js", "text/javascript"},  {"mjs", "text/javascript"},   {"json", "application/json"},
    {"txt", "text/plain"},      {"xml", "application/xml"},   {"svg", "image/svg+xml"},
    {"png", "image/png"},       {"jpg", "image/jpeg"},        {"jpeg", "image/jpeg"},
    {"gif", "image/gif"},       {"webp", "image/webp"},       {"ico", "image/vnd.microsoft.icon"},
    {"pdf", "application/pdf"}, {"wasm", "application/wasm"}, {"woff", "font/woff"},
    {"woff2", "font/woff2"},    {"mp4", "video/mp4"},         {"webm", "video/webm"},
    {"mp3", "audio/mpeg"},      {"zip", "application/zip"},   {"gz", "application/gzip"},
};

static uint32_t
hash_ext(const char *s, size_t n)
{
    uint32_t h = GS_FNV_BASIS; /* FNV-1a over the lower-cased bytes */

    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char) tolower((unsigned char) s[i]);

        h = gs_fnv1a(h, &c, 1);
    }
    return h;
}

static struct entry *
find_slot(struct entry *slots, size_t cap, const char *ext, size_t n)
{
    size_t i = hash_ext(ext, n) & (cap - 1);

    while (slots[i].ext != NULL) {
        if (strlen(slots[i].ext) == n && strncasecmp(slots[i].ext, ext, n) == 0) {
            break;
        }
        i = (i + 1) & (cap - 1);
    }
    return &slots[i];
}

static void
grow(gs_mime_t *mime)
{
    size_t cap = mime->cap ? mime->cap * 2 : 256;
    struct entry *slots = gs_xcalloc(cap, sizeof(*slots));

    for (size_t i = 0; i < mime->cap; i++) {
        struct entry *e = &mime->slots[i];

        if (e->ext != NULL) {
            *find_slot(slots, cap, e->ext, strlen(e->ext)) = *e;
        }
    }
    free(mime->slots);
    mime->slots = slots;
    mime->cap = cap;
}

void
gs_mime_set(gs_mime_t *mime, const char *ext, size_t n, const char *type)
{
    struct entry *e;

    if (n == 0 || n > MAX_EXT) {
        return;
    }
    if ((mime->used + 1) * 2 > mime->cap) {
        grow(mime);
    }
    e = find_slot(mime->slots, mime->cap, ext, n);
    if (e->ext == NULL) {
        e->ext = gs_xmalloc(n + 1);
        for (size_t i = 0; i < n; i++) {
            e->ext[i] = (char) tolower((unsigned char) ext[i]);
        }
        e->ext[n] = '\0';
        mime->used++;
    } else {
        free(e->type);
    }
    e->type = gs_xstrdup(type);
}

/* One line of mime.types: "type/subtype ext ext ...", '#' starts a comment. */
static void
load_line(gs_mime_t *mime, char *line)
{
    char *save = NULL, *type, *ext;

    line[strcspn(line, "#\r\n")] = '\0';
    type = strtok_r(line, " \t", &save);
    if (type == NULL || strchr(type, '/') == NULL) {
        return;
    }
    while ((ext = strtok_r(NULL, " \t", &save)) != NULL) {
        gs_mime_set(mime, ext, strlen(ext), type);
    }
}

gs_mime_t *
gs_mime_load(const char *path)
{
    gs_mime_t *mime = gs_xcalloc(1, sizeof(*mime));
    FILE *f;
    char line[1024];

    grow(mime);
    for (size_t i = 0; i < GS_ARRAY_LEN(builtin); i++) {
        gs_mime_set(mime, builtin[i][0], strlen(builtin[i][0]), builtin[i][1]);
    }
    if (path != NULL && (f = fopen(path, "re")) != NULL) {
        while (fgets(line, sizeof(line), f) != NULL) {
            load_line(mime, line);
        }
        fclose(f);
    }
    return mime;
}

void
gs_mime_free(gs_mime_t *mime)
{
    if (mime == NULL) {
        return;
    }
    for (size_t i = 0; i < mime->cap; i++) {
        free(mime->slots[i].ext);
        free(mime->slots[i].type);
    }
    free(mime->slots);
    free(mime);
}

const char *
gs_mime_find(const gs_mime_t *mime, const char *name, size_t len)
{
    const char *ext = NULL;
    size_t n;
    struct entry *e;

    for (size_t i = len; i > 0; i--) {
        if (name[i - 1] == '/') {
            break;
        }
        if (name[i - 1] == '.') {
            ext = name + i;
            break;
        }
    }
    if (ext == NULL) {
        return NULL;
    }
    n = (size_t) (name + len - ext);
    if (n == 0 || n > MAX_EXT) {
        return NULL;
    }
    e = find_slot(mime->slots, mime->cap, ext, n);
    return e->ext != NULL ? e->type : NULL;
}

const char *
gs_mime_lookup(const gs_mime_t *mime, const char *name, size_t len)
{
    const char *type = gs_mime_find(mime, name, len);

    return type ? type : GS_MIME_DEFAULT;
}
