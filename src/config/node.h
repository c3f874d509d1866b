/*
 * Configuration elements as guise keeps them: a tree of nodes, each with
 * every attribute its schema knows (set in the file, defaulted, or absent),
 * its children, and where it came from.  Nodes read from a file may hold
 * collection operations (<remove>, <clear/>); merged nodes hold only
 * resolved entries.  Every node is an IGuiseConfigElement.  All memory is
 * the configuration's pool: a node lives as long as its configuration.
 */
#ifndef GS_CONFIG_NODE_H
#define GS_CONFIG_NODE_H

#include "schema.h"
#include "core/pool.h"

#include <guise/httpserv.h>
#include <stdbool.h>
#include <stdint.h>
#include <wchar.h>

typedef enum { GS_NODE_ELEMENT, GS_NODE_REMOVE, GS_NODE_CLEAR } gs_node_op_t;

typedef struct gs_cfg_attr {
    const char *value; /* NULL: absent */
    wchar_t *wvalue;   /* the same, wide */
    bool set;          /* written in the file (overrides when merging) */
} gs_cfg_attr_t;

typedef struct gs_cfg_node gs_cfg_node_t;

struct gs_cfg_node {
    IGuiseConfigElement IGuiseConfigElement_iface;
    const gs_schema_elem_t *schema;
    const char *name;
    gs_node_op_t op;
    const char *file;
    unsigned line;
    gs_cfg_attr_t *attrs; /* one per schema attribute, in schema order */
    unsigned nattrs;
    gs_cfg_node_t **children;
    unsigned nchildren, cap;
    uint64_t version;
};

/* Errors and warnings, each "file:line: message", collected while reading. */
typedef struct gs_cfg_log {
    char **lines;
    bool *warning; /* by line: a warning rather than an error */
    unsigned count, errors;
    unsigned dropped; /* lines past the limit, counted only */
} gs_cfg_log_t;

void gs_cfg_error(gs_cfg_log_t *log, const char *file, unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void gs_cfg_warning(gs_cfg_log_t *log, const char *file, unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void gs_cfg_log_free(gs_cfg_log_t *log);

/* A node with its schema's attributes all absent (defaults are filled by gs_node_defaults). */
gs_cfg_node_t *gs_node_new(gs_pool_t *pool, const gs_schema_elem_t *schema, const char *name,
                           gs_node_op_t op, const char *file, unsigned line);
void gs_node_add_child(gs_pool_t *pool, gs_cfg_node_t *parent, gs_cfg_node_t *child);
/* Sets an attribute (already checked); index in schema order. */
void gs_node_set_attr(gs_pool_t *pool, gs_cfg_node_t *n, unsigned index, const char *value);
const char *gs_node_attr(const gs_cfg_node_t *n, const char *name);
gs_cfg_node_t *gs_node_child(const gs_cfg_node_t *n, const char *name);

/*
 * The element as it applies below `parent` (NULL: on its own): attributes
 * set in `child` win, collections apply child's add/remove/clear to the
 * parent's entries, nested elements merge the same way; absent attributes
 * take their defaults.  Either side may be NULL (not both).  A duplicate
 * entry is an error in `log`.  The result is a new node.
 */
gs_cfg_node_t *gs_node_merge(gs_pool_t *pool, const gs_cfg_node_t *parent,
                             const gs_cfg_node_t *child, const gs_schema_elem_t *schema,
                             gs_cfg_log_t *log);

#endif
