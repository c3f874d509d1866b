/*
 * libxml2 parses; this walks the tree.  Hardening: no network, no DTD (a
 * DOCTYPE is an error, so no entity can expand), a size limit before
 * parsing, and libxml2's own depth limits.  Unknown elements and
 * attributes, bad values, missing required attributes, duplicates and
 * stray text are errors with the line they are on.
 */
#include "reader.h"
#include "core/util.h"

#include <errno.h>
#include <stdint.h>
#include <fcntl.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct walk {
    gs_cfg_doc_t *doc;
    gs_pool_t *pool;
    const char *file;
    bool warned_config_sections;
} walk_t;

static const char *
name_of(const xmlNode *x)
{
    return (const char *) x->name;
}

static unsigned
line_of(const xmlNode *x)
{
    long line = xmlGetLineNo(x);

    return line > 0 ? (unsigned) line : 0;
}

static bool
is_blank(const xmlChar *s)
{
    for (; s != NULL && *s != '\0'; s++) {
        if (*s != ' ' && *s != '\t' && *s != '\r' && *s != '\n') {
            return false;
        }
    }
    return true;
}

/*
 * libxml2 gives a text node the line where it ends (the next tag's); the
 * line of its first visible character is that less the line breaks after it.
 */
static unsigned
text_line(const xmlNode *x)
{
    const xmlChar *p = x->content;
    unsigned line = line_of(x);

    while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n') {
        p++;
    }
    for (; *p != '\0'; p++) {
        if (*p == '\n' && line > 1) {
            line--;
        }
    }
    return line;
}

/* Text, CDATA, entities and processing instructions have no place in this file. */
static bool
stray_content(walk_t *w, const xmlNode *x, const char *where)
{
    switch (x->type) {
    case XML_ELEMENT_NODE:
        if (x->ns != NULL) {
            gs_cfg_error(&w->doc->log, w->file, line_of(x),
                         "<%s> is in an XML namespace: the configuration's elements have none",
                         name_of(x));
            return true;
        }
        return false;
    case XML_COMMENT_NODE:
        return false;
    case XML_TEXT_NODE:
        if (is_blank(x->content)) {
            return false;
        }
        gs_cfg_error(&w->doc->log, w->file, text_line(x), "unexpected text in <%s>", where);
        return true;
    default:
        gs_cfg_error(&w->doc->log, w->file, line_of(x), "unexpected XML content in <%s>", where);
        return true;
    }
}

static void
read_attributes(walk_t *w, const xmlNode *x, gs_cfg_node_t *n, bool keys_only)
{
    const gs_schema_elem_t *schema = n->schema;
    uint64_t bad = 0; /* attributes present with a bad value: not "missing" too */

    for (const xmlAttr *a = x->properties; a != NULL; a = a->next) {
        const char *name = (const char *) a->name;
        const gs_schema_attr_t *s = gs_schema_attr(schema, name);
        xmlChar *value;
        const char *why, *canonical;

        if (s == NULL || (keys_only && !s->key)) {
            gs_cfg_error(&w->doc->log, w->file, line_of(x), "<%s> has no attribute '%s'",
                         name_of(x), name);
            continue;
        }
        if (a->ns != NULL) {
            gs_cfg_error(&w->doc->log, w->file, line_of(x), "attribute '%s' has a namespace", name);
            continue;
        }
        value = xmlNodeListGetString(x->doc, a->children, 1);
        why = gs_schema_check(s, value ? (const char *) value : "", &canonical);
        if (why != NULL) {
            gs_cfg_error(&w->doc->log, w->file, line_of(x), "<%s %s=\"%s\">: the value %s",
                         name_of(x), name, value ? (const char *) value : "", why);
            bad |= 1ull << ((unsigned) (s - schema->attrs) & 63);
        } else {
            gs_node_set_attr(w->pool, n, (unsigned) (s - schema->attrs), canonical);
        }
        xmlFree(value);
    }
    for (unsigned i = 0; i < n->nattrs; i++) {
        const gs_schema_attr_t *s = &schema->attrs[i];

        /* <remove> names its entry by the key alone. */
        if ((keys_only ? s->key : s->required) && !n->attrs[i].set && !(bad & (1ull << (i & 63)))) {
            gs_cfg_error(&w->doc->log, w->file, line_of(x), "<%s> needs the attribute '%s'",
                         name_of(x), s->name);
        }
    }
}

static gs_cfg_node_t *read_element(walk_t *w, const xmlNode *x, const gs_schema_elem_t *schema);

static void
read_children(walk_t *w, const xmlNode *x, gs_cfg_node_t *n)
{
    const gs_schema_elem_t *schema = n->schema;

    for (const xmlNode *c = x->children; c != NULL; c = c->next) {
        const char *name;
        const gs_schema_elem_t *child;
        gs_cfg_node_t *op;

        if (stray_content(w, c, name_of(x)) || c->type != XML_ELEMENT_NODE) {
            continue;
        }
        name = name_of(c);
        if (schema->entry != NULL && strcmp(name, schema->entry->name) == 0) {
            gs_node_add_child(w->pool, n, read_element(w, c, schema->entry));
            continue;
        }
        if (schema->entry != NULL && strcmp(name, "remove") == 0) {
            op = gs_node_new(w->pool, schema->entry, "remove", GS_NODE_REMOVE, w->file, line_of(c));
            read_attributes(w, c, op, true);
            gs_node_add_child(w->pool, n, op);
            continue;
        }
        if (schema->entry != NULL && strcmp(name, "clear") == 0) {
            if (c->properties != NULL || c->children != NULL) {
                gs_cfg_error(&w->doc->log, w->file, line_of(c), "<clear/> takes nothing");
            }
            op = gs_node_new(w->pool, schema->entry, "clear", GS_NODE_CLEAR, w->file, line_of(c));
            gs_node_add_child(w->pool, n, op);
            continue;
        }
        child = gs_schema_child(schema, name);
        if (child == NULL) {
            gs_cfg_error(&w->doc->log, w->file, line_of(c), "<%s> is not known in <%s>", name,
                         name_of(x));
            continue;
        }
        if (!child->multiple && gs_node_child(n, name) != NULL) {
            gs_cfg_error(&w->doc->log, w->file, line_of(c), "<%s> appears twice in <%s>", name,
                         name_of(x));
            continue;
        }
        gs_node_add_child(w->pool, n, read_element(w, c, child));
    }
}

static gs_cfg_node_t *
read_element(walk_t *w, const xmlNode *x, const gs_schema_elem_t *schema)
{
    gs_cfg_node_t *n =
        gs_node_new(w->pool, schema, gs_pool_strndup(w->pool, name_of(x), strlen(name_of(x))),
                    GS_NODE_ELEMENT, w->file, line_of(x));

    read_attributes(w, x, n, false);
    read_children(w, x, n);
    return n;
}

static void
add_occurrence(walk_t *w, unsigned section, gs_cfg_node_t *node, const char *location, bool locked,
               unsigned line)
{
    gs_cfg_doc_t *doc = w->doc;

    for (unsigned i = 0; i < doc->nocc; i++) {
        const gs_cfg_occurrence_t *o = &doc->occ[i];
        bool same_level = (o->location == NULL && location == NULL)
                          || (o->location && location && strcasecmp(o->location, location) == 0);

        if (o->section == section && same_level) {
            gs_cfg_error(&doc->log, w->file, line, "%s is set twice for %s (first at line %u)",
                         gs_schema_sections[section].path, location ? location : "the server",
                         o->line);
            return;
        }
    }
    if (doc->nocc == doc->cap) {
        unsigned cap = doc->cap ? doc->cap * 2 : 16;
        gs_cfg_occurrence_t *grown = gs_pool_alloc(w->pool, cap * sizeof(*grown));

        if (doc->nocc) {
            memcpy(grown, doc->occ, doc->nocc * sizeof(*grown));
        }
        doc->occ = grown;
        doc->cap = cap;
    }
    doc->occ[doc->nocc++] = (gs_cfg_occurrence_t){
        .section = section,
        .node = node,
        .location = location,
        .locked = locked,
        .file = w->file,
        .line = line,
    };
}

/* A section group (system.webServer, .../security...) or a section, by its path. */
static void
read_group(walk_t *w, const xmlNode *x, const char *prefix, const char *location, bool locked)
{
    char path[256];
    const gs_schema_section_t *s;
    size_t n;
    bool group = false;

    snprintf(path, sizeof(path), "%s%s%s", prefix, prefix[0] ? "/" : "", name_of(x));
    s = gs_schema_section(path);
    if (s != NULL) {
        unsigned where = location ? GS_AT_LOCATION : GS_AT_SERVER;

        if (!(s->where & where)) {
            gs_cfg_error(&w->doc->log, w->file, line_of(x), "%s may not be set in a <location>",
                         path);
            return;
        }
        add_occurrence(w, (unsigned) (s - gs_schema_sections), read_element(w, x, s->elem),
                       location, locked, line_of(x));
        return;
    }
    n = strlen(path);
    for (s = gs_schema_sections; s->path != NULL; s++) {
        if (strncmp(s->path, path, n) == 0 && s->path[n] == '/') {
            group = true;
        }
    }
    if (!group) {
        gs_cfg_error(&w->doc->log, w->file, line_of(x), "<%s> is not a section guise knows (%s)",
                     name_of(x), path);
        return;
    }
    if (x->properties != NULL) {
        gs_cfg_error(&w->doc->log, w->file, line_of(x), "<%s> takes no attributes", name_of(x));
    }
    for (const xmlNode *c = x->children; c != NULL; c = c->next) {
        if (!stray_content(w, c, name_of(x)) && c->type == XML_ELEMENT_NODE) {
            read_group(w, c, path, location, locked);
        }
    }
}

/* An element whose attributes matter here but whose children are walked by the caller. */
static gs_cfg_node_t *
read_attributes_only(walk_t *w, const xmlNode *x, const gs_schema_elem_t *schema)
{
    gs_cfg_node_t *n =
        gs_node_new(w->pool, schema, schema->name, GS_NODE_ELEMENT, w->file, line_of(x));

    read_attributes(w, x, n, false);
    return n;
}

static void
read_location(walk_t *w, const xmlNode *x)
{
    gs_cfg_node_t *loc = read_attributes_only(w, x, &gs_schema_location);
    const char *path = gs_node_attr(loc, "path");
    const char *mode = gs_node_attr(loc, "overrideMode");
    const char *location = path && path[0] && strcmp(path, ".") != 0 ? path : NULL;
    size_t len = location ? strlen(location) : 0;
    bool locked = mode && strcmp(mode, "Deny") == 0;

    /* "Site/url/" is "Site/url": one spelling, so that a section set at both is caught. */
    while (len > 0 && location[len - 1] == '/') {
        len--;
    }
    if (location != NULL) {
        location = len > 0 ? gs_pool_strndup(w->pool, location, len) : NULL;
    }
    for (const xmlNode *c = x->children; c != NULL; c = c->next) {
        if (stray_content(w, c, "location") || c->type != XML_ELEMENT_NODE) {
            continue;
        }
        if (strcmp(name_of(c), "system.webServer") != 0) {
            gs_cfg_error(&w->doc->log, w->file, line_of(c),
                         "<%s> may not be in a <location> (only system.webServer)", name_of(c));
            continue;
        }
        read_group(w, c, "", location, locked);
    }
}

static void
read_root(walk_t *w, const xmlNode *root)
{
    if (root == NULL || strcmp(name_of(root), "configuration") != 0 || root->ns != NULL) {
        gs_cfg_error(&w->doc->log, w->file, root ? line_of(root) : 0,
                     "the document element must be <configuration> (in no XML namespace)");
        return;
    }
    if (root->properties != NULL) {
        gs_cfg_error(&w->doc->log, w->file, line_of(root), "<configuration> takes no attributes");
    }
    for (const xmlNode *c = root->children; c != NULL; c = c->next) {
        const char *name;

        if (stray_content(w, c, "configuration") || c->type != XML_ELEMENT_NODE) {
            continue;
        }
        name = name_of(c);
        if (strcmp(name, "location") == 0) {
            read_location(w, c);
        } else if (strcmp(name, "configSections") == 0) {
            /* IIS's declarations: checked, then without effect (guise reads no web.config). */
            read_element(w, c, &gs_schema_config_sections);
            if (!w->warned_config_sections) {
                gs_cfg_warning(&w->doc->log, w->file, line_of(c),
                               "<configSections> is read but changes nothing: guise knows its "
                               "sections and reads no web.config");
                w->warned_config_sections = true;
            }
        } else {
            read_group(w, c, "", NULL, false);
        }
    }
}

/* The first error libxml2 raises is the one to report: the later ones follow from it. */
static void
keep_first_error(void *user, xmlErrorPtr error)
{
    xmlParserCtxtPtr ctxt = user;
    xmlError *first = ctxt->_private;

    if (first->code == 0 && error->level >= XML_ERR_ERROR) {
        first->code = error->code;
        first->line = error->line;
        first->message = (char *) xmlStrdup((const xmlChar *) error->message);
    }
}

/* The line of the first "<!DOCTYPE" (libxml2 keeps none for it). */
static unsigned
doctype_line(const char *data, size_t len)
{
    const char *d = memmem(data, len, "<!DOCTYPE", 9);
    unsigned line = 1;

    for (const char *p = data; d != NULL && p < d; p++) {
        line += *p == '\n';
    }
    return line;
}

int
gs_cfg_read_memory(const char *name, const char *data, size_t len, gs_cfg_doc_t *doc)
{
    xmlError first = {0};
    xmlParserCtxtPtr ctxt;
    xmlDocPtr xdoc;
    walk_t w;

    memset(doc, 0, sizeof(*doc));
    doc->pool = gs_pool_create();
    doc->file = gs_pool_strndup(doc->pool, name, strlen(name));
    if (len > GS_CFG_MAX_FILE) {
        gs_cfg_error(&doc->log, doc->file, 0, "the file is larger than %u bytes", GS_CFG_MAX_FILE);
        return -1;
    }
    ctxt = xmlNewParserCtxt();
    if (ctxt == NULL) {
        gs_panic("out of memory creating an XML parser");
    }
    /* No network, no DTD, no entity expansion; errors come back to us, not to stderr. */
    ctxt->_private = &first;
    ctxt->sax->serror = keep_first_error;
    xdoc = xmlCtxtReadMemory(ctxt, data, (int) len, doc->file, NULL,
                             XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (xdoc == NULL || first.code != 0) {
        const xmlError *e = first.code != 0 ? &first : xmlCtxtGetLastError(ctxt);
        char message[512];
        size_t n;

        snprintf(message, sizeof(message), "%s", e && e->message ? e->message : "not XML");
        n = strlen(message);
        while (n > 0 && (message[n - 1] == '\n' || message[n - 1] == ' ')) {
            message[--n] = '\0';
        }
        gs_cfg_error(&doc->log, doc->file, e ? (unsigned) e->line : 0, "not well-formed XML: %s",
                     message);
        xmlFree(first.message);
        xmlFreeDoc(xdoc);
        xmlFreeParserCtxt(ctxt);
        return -1;
    }
    if (xdoc->intSubset != NULL || xdoc->extSubset != NULL) {
        gs_cfg_error(&doc->log, doc->file, doctype_line(data, len), "a DOCTYPE is not allowed");
    } else {
        w.doc = doc;
        w.pool = doc->pool;
        w.file = doc->file;
        w.warned_config_sections = false;
        read_root(&w, xmlDocGetRootElement(xdoc));
    }
    xmlFreeDoc(xdoc);
    xmlFreeParserCtxt(ctxt);
    return doc->log.errors ? -1 : 0;
}

int
gs_cfg_read_file(const char *path, gs_cfg_doc_t *doc)
{
    struct stat st;
    char *data;
    ssize_t got = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY), rc;

    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        int err = errno;

        if (fd >= 0) {
            close(fd);
            err = EINVAL;
        }
        memset(doc, 0, sizeof(*doc));
        doc->pool = gs_pool_create();
        doc->file = gs_pool_strndup(doc->pool, path, strlen(path));
        gs_cfg_error(&doc->log, doc->file, 0, "cannot read: %s",
                     err == EINVAL ? "not a regular file" : strerror(err));
        return -1;
    }
    if ((uint64_t) st.st_size > GS_CFG_MAX_FILE) {
        close(fd);
        memset(doc, 0, sizeof(*doc));
        doc->pool = gs_pool_create();
        doc->file = gs_pool_strndup(doc->pool, path, strlen(path));
        gs_cfg_error(&doc->log, doc->file, 0, "the file is larger than %u bytes", GS_CFG_MAX_FILE);
        return -1;
    }
    data = gs_xmalloc((size_t) st.st_size + 1);
    while (got < st.st_size) {
        ssize_t n = read(fd, data + got, (size_t) (st.st_size - got));

        if (n <= 0) {
            break;
        }
        got += n;
    }
    close(fd);
    rc = gs_cfg_read_memory(path, data, (size_t) got, doc);
    free(data);
    return rc;
}

void
gs_cfg_doc_free(gs_cfg_doc_t *doc)
{
    gs_cfg_log_free(&doc->log);
    gs_pool_destroy(doc->pool);
    doc->pool = NULL;
}
