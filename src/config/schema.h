/*
 * What guise understands of applicationHost.config: the sections, their
 * elements, their attributes with types and defaults, and where each may
 * appear.  The reader checks a file against these tables and nothing else,
 * so that adding a section is adding a table; whatever is not here is an
 * error with file and line, never silently ignored.
 */
#ifndef GS_CONFIG_SCHEMA_H
#define GS_CONFIG_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>

typedef enum {
    GS_CFG_STRING,
    GS_CFG_BOOL,      /* "true" or "false" */
    GS_CFG_UINT,      /* decimal, within [min, max] */
    GS_CFG_ENUM,      /* one of values[] (case-insensitive; stored as written in values[]) */
    GS_CFG_FLAGS,     /* comma-separated subset of values[] */
    GS_CFG_ABSPATH,   /* an absolute file system path */
    GS_CFG_URLPATH,   /* a URL path: '/' then segments */
    GS_CFG_BINDING,   /* bindingInformation: "IP:PORT:HOST" */
    GS_CFG_EXTENSION, /* ".ext", or "*" */
    GS_CFG_MIMETYPE,  /* type/subtype */
    GS_CFG_TIMESPAN,  /* [d.]hh:mm:ss */
    GS_CFG_HTTPDATE,  /* an HTTP date */
    GS_CFG_NAME,      /* a plain name: no control characters, not empty */
} gs_cfg_type_t;

typedef struct gs_schema_attr {
    const char *name;
    gs_cfg_type_t type;
    const char *def; /* NULL: no default (absent means absent) */
    bool required;
    bool key; /* identifies an entry of a collection */
    const char *const *values;
    unsigned long long min, max;
} gs_schema_attr_t;

typedef struct gs_schema_elem gs_schema_elem_t;

struct gs_schema_elem {
    const char *name;
    const gs_schema_attr_t *attrs;           /* NULL-name terminated */
    const gs_schema_elem_t *const *children; /* nested elements; NULL terminated */
    /* A collection: its entries are `entry` elements, with <remove> (by key) and <clear/>. */
    const gs_schema_elem_t *entry;
    bool multiple; /* may appear more than once under its parent */
};

/* Where a section may be set. */
typedef enum { GS_AT_SERVER = 1, GS_AT_LOCATION = 2 } gs_cfg_where_t;

typedef struct gs_schema_section {
    const char *path; /* "system.webServer/defaultDocument" */
    const gs_schema_elem_t *elem;
    unsigned where; /* gs_cfg_where_t bits */
} gs_schema_section_t;

/* Every section guise knows, NULL-path terminated. */
extern const gs_schema_section_t gs_schema_sections[];
#define GS_SCHEMA_SECTIONS 13 /* entries before the terminator; sections index arrays by it */

/* <location> and <configSections> (read, with no effect: guise reads no web.config). */
extern const gs_schema_elem_t gs_schema_location;
extern const gs_schema_elem_t gs_schema_config_sections;

const gs_schema_section_t *gs_schema_section(const char *path);
const gs_schema_attr_t *gs_schema_attr(const gs_schema_elem_t *e, const char *name);
const gs_schema_elem_t *gs_schema_child(const gs_schema_elem_t *e, const char *name);

/*
 * Checks a value against its attribute's type.  NULL when it is good (and
 * *canonical receives the value as stored: enum values as the table spells
 * them), else a message for the error line.
 */
const char *gs_schema_check(const gs_schema_attr_t *a, const char *value, const char **canonical);

#endif
