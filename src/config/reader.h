/*
 * Reading applicationHost.config with libxml2 into node trees, checked
 * against the schema tables.  The reader knows files and XML; what the
 * sections mean is the model's (config.c).  Every problem is a line
 * "file:line: message" in the document's log; a document with errors is
 * never used.
 */
#ifndef GS_CONFIG_READER_H
#define GS_CONFIG_READER_H

#include "node.h"
#include "schema.h"

#include <stdbool.h>
#include <stddef.h>

#define GS_CFG_MAX_FILE (4u << 20) /* a larger file is refused: it is no web server's config */

/* One section as written at one level. */
typedef struct gs_cfg_occurrence {
    unsigned section;     /* index in gs_schema_sections */
    gs_cfg_node_t *node;  /* as read: collection operations unresolved */
    const char *location; /* NULL: the server level; else "Site" or "Site/url" */
    bool locked;          /* in a <location overrideMode="Deny">: deeper levels may not set it */
    const char *file;
    unsigned line;
} gs_cfg_occurrence_t;

typedef struct gs_cfg_doc {
    gs_pool_t *pool; /* everything the document holds */
    const char *file;
    gs_cfg_occurrence_t *occ;
    unsigned nocc, cap;
    gs_cfg_log_t log;
} gs_cfg_doc_t;

/* Reads a file.  0 when it has no error (warnings may be in the log), -1 otherwise. */
int gs_cfg_read_file(const char *path, gs_cfg_doc_t *doc);
/* The same from memory; `name` stands for the file in messages. */
int gs_cfg_read_memory(const char *name, const char *data, size_t len, gs_cfg_doc_t *doc);
/* Frees the log; the pool goes with the configuration built from it, or with this. */
void gs_cfg_doc_free(gs_cfg_doc_t *doc);

#endif
