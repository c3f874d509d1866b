/*
 * File extension -> media type, read once at start from /etc/mime.types (if
 * present) over a built-in table.  Immutable after loading: lookups take no
 * lock and may run on every loop at once.
 */
#ifndef GS_CORE_MIME_TYPES_H
#define GS_CORE_MIME_TYPES_H

#include <stddef.h>

typedef struct gs_mime gs_mime_t;

#define GS_MIME_DEFAULT "application/octet-stream"

/* Loads the built-in table, then `path` (NULL: built-ins only; a missing file is not an error). */
gs_mime_t *gs_mime_load(const char *path);
void gs_mime_free(gs_mime_t *mime);

/* Adds or replaces one mapping (extension without the dot, any case). */
void gs_mime_set(gs_mime_t *mime, const char *ext, size_t ext_len, const char *type);

/*
 * The type for the file name name[0..len) by the extension of its last
 * segment, compared without case; GS_MIME_DEFAULT when unknown.  The string
 * lives as long as the table.
 */
const char *gs_mime_lookup(const gs_mime_t *mime, const char *name, size_t len);
/* The same, but NULL when the extension is not in the table. */
const char *gs_mime_find(const gs_mime_t *mime, const char *name, size_t len);

#endif
