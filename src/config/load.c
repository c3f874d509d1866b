/*
 * Where a configuration comes from: the file (--config, or the default
 * path), or the embedded default that --root and --listen describe, written
 * as a document and read like any file.  Every message of the reader and
 * the model is logged as it was written ("file:line: ..."); a document
 * with an error gives no configuration.
 */
#include "load.h"
#include "core/log.h"
#include "core/util.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char *const default_documents[] = {"index.html", "default.htm", NULL};

static int
read_embedded(const gs_options_t *o, gs_cfg_doc_t *doc)
{
    const char *listens[GS_MAX_LISTEN];
    char *root, *text;
    struct stat st;
    size_t len;
    int rc;

    root = realpath(o->root, NULL);
    if (root == NULL || stat(root, &st) != 0) {
        gs_log_error("cannot open site root '%s': %s", o->root, strerror(errno));
        free(root);
        return -1;
    }
    if (!S_ISDIR(st.st_mode)) {
        gs_log_error("site root '%s' is not a directory", o->root);
        free(root);
        return -1;
    }
    for (unsigned i = 0; i < o->nlisten; i++) {
        listens[i] = o->listen[i].text;
    }
    text = gs_config_embedded(root, listens, o->nlisten, default_documents, &len);
    free(root);
    rc = gs_cfg_read_memory("(embedded default)", text, len, doc);
    free(text);
    return rc;
}

gs_config_t *
gs_config_load(const gs_options_t *o, const char *const *builtins)
{
    gs_cfg_doc_t doc;
    gs_config_t *cfg = NULL;
    int rc;

    memset(&doc, 0, sizeof(doc));
    rc = o->config != NULL ? gs_cfg_read_file(o->config, &doc) : read_embedded(o, &doc);
    if (rc == 0) {
        cfg = gs_config_build(&doc, builtins);
    }
    for (unsigned i = 0; i < doc.log.count; i++) {
        gs_log(doc.log.warning[i] ? GS_LOG_WARN : GS_LOG_ERROR, "%s", doc.log.lines[i]);
    }
    if (doc.log.dropped > 0) {
        gs_log_error("... and %u more problems", doc.log.dropped);
    }
    gs_cfg_doc_free(&doc);
    return cfg;
}
