/*
 * Node trees: building them, merging a level onto the one above, and the
 * IGuiseConfigElement view modules read.  Merging never changes its
 * inputs: a configuration's nodes are immutable once read.
 */
#include "node.h"
#include "core/util.h"
#include "core/wide.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_LOG_LINES 100

static atomic_uint_fast64_t next_version = 1;

/* ---- the log ------------------------------------------------------------- */

static void __attribute__((format(printf, 5, 0)))
log_line(gs_cfg_log_t *log, const char *kind, const char *file, unsigned line, const char *fmt,
         va_list ap)
{
    char text[1024];
    int n;

    if (log->count == MAX_LOG_LINES) {
        log->dropped++;
        return;
    }
    n = line ? snprintf(text, sizeof(text), "%s:%u: %s", file, line, kind)
             : snprintf(text, sizeof(text), "%s: %s", file, kind);
    if (n < 0 || (size_t) n >= sizeof(text)) {
        n = (int) sizeof(text) - 1; /* a file name that long leaves no room for the message */
    }
    vsnprintf(text + n, sizeof(text) - (size_t) n, fmt, ap);
    /* One problem per line: values and libxml2's messages may hold line breaks or controls. */
    for (char *p = text; *p != '\0'; p++) {
        if ((unsigned char) *p < 0x20 || *p == 0x7f) {
            *p = '?';
        }
    }
    log->lines = gs_xrealloc(log->lines, (log->count + 1) * sizeof(char *));
    log->warning = gs_xrealloc(log->warning, (log->count + 1) * sizeof(bool));
    log->warning[log->count] = kind[0] != '\0';
    log->lines[log->count++] = gs_xstrdup(text);
}

void
gs_cfg_error(gs_cfg_log_t *log, const char *file, unsigned line, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    log_line(log, "", file, line, fmt, ap);
    va_end(ap);
    log->errors++;
}

void
gs_cfg_warning(gs_cfg_log_t *log, const char *file, unsigned line, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    log_line(log, "warning: ", file, line, fmt, ap);
    va_end(ap);
}

void
gs_cfg_log_free(gs_cfg_log_t *log)
{
    for (unsigned i = 0; i < log->count; i++) {
        free(log->lines[i]);
    }
    free(log->lines);
    free(log->warning);
    memset(log, 0, sizeof(*log));
}

/* ---- building ------------------------------------------------------------ */

extern const IGuiseConfigElementVtbl gs_node_vtbl;

gs_cfg_node_t *
gs_node_new(gs_pool_t *pool, const gs_schema_elem_t *schema, const char *name, gs_node_op_t op,
            const char *file, unsigned line)
{
    gs_cfg_node_t *n = gs_pool_calloc(pool, sizeof(*n));

    n->IGuiseConfigElement_iface.lpVtbl = &gs_node_vtbl;
    n->schema = schema;
    n->name = name;
    n->op = op;
    n->file = file;
    n->line = line;
    for (const gs_schema_attr_t *a = schema ? schema->attrs : NULL; a && a->name; a++) {
        n->nattrs++;
    }
    n->attrs = gs_pool_calloc(pool, (n->nattrs + 1) * sizeof(*n->attrs));
    n->version = atomic_fetch_add(&next_version, 1);
    return n;
}

void
gs_node_add_child(gs_pool_t *pool, gs_cfg_node_t *parent, gs_cfg_node_t *child)
{
    if (parent->nchildren == parent->cap) {
        unsigned cap = parent->cap ? parent->cap * 2 : 4;
        gs_cfg_node_t **grown = gs_pool_alloc(pool, cap * sizeof(*grown));

        if (parent->nchildren) {
            memcpy(grown, parent->children, parent->nchildren * sizeof(*grown));
        }
        parent->children = grown;
        parent->cap = cap;
    }
    parent->children[parent->nchildren++] = child;
}

void
gs_node_set_attr(gs_pool_t *pool, gs_cfg_node_t *n, unsigned index, const char *value)
{
    n->attrs[index].value = gs_pool_strndup(pool, value, strlen(value));
    n->attrs[index].wvalue = gs_wide_from_utf8(pool, value, strlen(value), NULL);
    n->attrs[index].set = true;
}

static int
attr_index(const gs_cfg_node_t *n, const char *name)
{
    for (unsigned i = 0; i < n->nattrs; i++) {
        if (strcmp(n->schema->attrs[i].name, name) == 0) {
            return (int) i;
        }
    }
    return -1;
}

const char *
gs_node_attr(const gs_cfg_node_t *n, const char *name)
{
    int i = n ? attr_index(n, name) : -1;

    return i < 0 ? NULL : n->attrs[i].value;
}

gs_cfg_node_t *
gs_node_child(const gs_cfg_node_t *n, const char *name)
{
    for (unsigned i = 0; n != NULL && i < n->nchildren; i++) {
        if (strcmp(n->children[i]->name, name) == 0) {
            return n->children[i];
        }
    }
    return NULL;
}

/* ---- merging ------------------------------------------------------------- */

/* Two entries of one collection are the same entry when all key attributes match. */
static bool
same_key(const gs_cfg_node_t *a, const gs_cfg_node_t *b)
{
    for (unsigned i = 0; i < a->nattrs; i++) {
        const gs_schema_attr_t *s = &a->schema->attrs[i];

        if (s->key) {
            const char *x = a->attrs[i].value, *y = b->attrs[i].value;

            /* Keys compare without case, as IIS compares them (".HTM" is ".htm"). */
            if (x == NULL || y == NULL || strcasecmp(x, y) != 0) {
                return false;
            }
        }
    }
    return true;
}

static void
copy_attrs(gs_pool_t *pool, gs_cfg_node_t *out, const gs_cfg_node_t *parent,
           const gs_cfg_node_t *child)
{
    for (unsigned i = 0; i < out->nattrs; i++) {
        const gs_schema_attr_t *s = &out->schema->attrs[i];
        const gs_cfg_attr_t *from = NULL;

        if (child != NULL && child->attrs[i].set) {
            from = &child->attrs[i];
        } else if (parent != NULL && parent->attrs[i].value != NULL) {
            from = &parent->attrs[i];
        }
        if (from != NULL) {
            out->attrs[i] = *from;
            out->attrs[i].set = child != NULL && child->attrs[i].set;
        } else if (s->def != NULL) {
            out->attrs[i].value = s->def;
            out->attrs[i].wvalue = gs_wide_from_utf8(pool, s->def, strlen(s->def), NULL);
        }
    }
}

/* Applies child's collection operations to the parent's entries. */
static void
merge_entries(gs_pool_t *pool, gs_cfg_node_t *out, const gs_cfg_node_t *parent,
              const gs_cfg_node_t *child, const gs_schema_elem_t *schema, gs_cfg_log_t *log)
{
    const gs_schema_elem_t *entry = schema->entry;

    for (unsigned i = 0; parent != NULL && i < parent->nchildren; i++) {
        if (parent->children[i]->schema == entry) {
            gs_node_add_child(pool, out, parent->children[i]);
        }
    }
    for (unsigned i = 0; child != NULL && i < child->nchildren; i++) {
        const gs_cfg_node_t *op = child->children[i];
        unsigned w = 0;

        if (op->schema != entry) {
            continue;
        }
        if (op->op == GS_NODE_CLEAR) {
            out->nchildren = 0;
            continue;
        }
        /* <remove> drops the entry; <add> of a key already there is IIS's duplicate error. */
        for (unsigned k = 0; k < out->nchildren; k++) {
            if (out->children[k]->schema == entry && same_key(out->children[k], op)) {
                if (op->op == GS_NODE_ELEMENT) {
                    gs_cfg_error(log, op->file, op->line,
                                 "<%s> duplicates an entry already in the collection (%s:%u)",
                                 op->name, out->children[k]->file, out->children[k]->line);
                }
                continue;
            }
            out->children[w++] = out->children[k];
        }
        out->nchildren = w;
        if (op->op == GS_NODE_ELEMENT) {
            gs_node_add_child(pool, out, gs_node_merge(pool, NULL, op, entry, log));
        }
    }
}

gs_cfg_node_t *
gs_node_merge(gs_pool_t *pool, const gs_cfg_node_t *parent, const gs_cfg_node_t *child,
              const gs_schema_elem_t *schema, gs_cfg_log_t *log)
{
    const gs_cfg_node_t *from = child ? child : parent;
    gs_cfg_node_t *out =
        gs_node_new(pool, schema, schema->name, GS_NODE_ELEMENT, from->file, from->line);

    out->name = from->name;
    copy_attrs(pool, out, parent, child);
    if (schema->entry != NULL) {
        merge_entries(pool, out, parent, child, schema, log);
    }
    for (const gs_schema_elem_t *const *c = schema->children; c != NULL && *c != NULL; c++) {
        if ((*c)->multiple) {
            /* Repeated elements (site, application...) are taken as written, never merged. */
            const gs_cfg_node_t *src = child ? child : parent;

            for (unsigned i = 0; i < src->nchildren; i++) {
                if (src->children[i]->schema == *c) {
                    gs_node_add_child(pool, out,
                                      gs_node_merge(pool, NULL, src->children[i], *c, log));
                }
            }
            continue;
        }
        {
            const gs_cfg_node_t *p = gs_node_child(parent, (*c)->name);
            const gs_cfg_node_t *k = gs_node_child(child, (*c)->name);

            /* A nested element always exists once merged, with its defaults. */
            if (p == NULL && k == NULL) {
                gs_cfg_node_t *empty =
                    gs_node_new(pool, *c, (*c)->name, GS_NODE_ELEMENT, from->file, from->line);

                gs_node_add_child(pool, out, gs_node_merge(pool, NULL, empty, *c, log));
            } else {
                gs_node_add_child(pool, out, gs_node_merge(pool, p, k, *c, log));
            }
        }
    }
    return out;
}

/* ---- IGuiseConfigElement ---------------------------------------------------- */

static inline const gs_cfg_node_t *
impl(const IGuiseConfigElement *iface)
{
    return gs_container_of(iface, gs_cfg_node_t, IGuiseConfigElement_iface);
}

static PCSTR
node_GetName(const IGuiseConfigElement *This)
{
    return impl(This)->name;
}

static PCSTR
node_GetAttribute(const IGuiseConfigElement *This, PCSTR pszName)
{
    return pszName ? gs_node_attr(impl(This), pszName) : NULL;
}

static PCWSTR
node_GetAttributeW(const IGuiseConfigElement *This, PCSTR pszName)
{
    const gs_cfg_node_t *n = impl(This);
    int i = pszName ? attr_index(n, pszName) : -1;

    return i < 0 ? NULL : n->attrs[i].wvalue;
}

static DWORD
node_GetChildCount(const IGuiseConfigElement *This)
{
    return impl(This)->nchildren;
}

static IGuiseConfigElement *
node_GetChild(const IGuiseConfigElement *This, DWORD dwIndex)
{
    const gs_cfg_node_t *n = impl(This);

    return dwIndex < n->nchildren ? &n->children[dwIndex]->IGuiseConfigElement_iface : NULL;
}

static IGuiseConfigElement *
node_GetChildByName(const IGuiseConfigElement *This, PCSTR pszName)
{
    gs_cfg_node_t *c = pszName ? gs_node_child(impl(This), pszName) : NULL;

    return c ? &c->IGuiseConfigElement_iface : NULL;
}

static ULONGLONG
node_GetVersion(const IGuiseConfigElement *This)
{
    return impl(This)->version;
}

const IGuiseConfigElementVtbl gs_node_vtbl = {
    .GetName = node_GetName,
    .GetAttribute = node_GetAttribute,
    .GetAttributeW = node_GetAttributeW,
    .GetChildCount = node_GetChildCount,
    .GetChild = node_GetChild,
    .GetChildByName = node_GetChildByName,
    .GetVersion = node_GetVersion,
};
