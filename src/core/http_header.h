/*
 * Well-known header names and their numbers.  The numbers are those of the
 * HTTP Server API's HTTP_HEADER_ID (request: 0..40, response: 0..29), so the
 * module API's GetHeaderById maps onto them without a table; the pipeline
 * asserts that they agree.  Pure functions.
 */
#ifndef GS_CORE_HTTP_HEADER_H
#define GS_CORE_HTTP_HEADER_H

#include <stddef.h>

enum {
    /* general and entity headers, the same in requests and responses */
    GS_H_CACHE_CONTROL = 0,
    GS_H_CONNECTION = 1,
    GS_H_DATE = 2,
    GS_H_KEEP_ALIVE = 3,
    GS_H_PRAGMA = 4,
    GS_H_TRAILER = 5,
    GS_H_TRANSFER_ENCODING = 6,
    GS_H_UPGRADE = 7,
    GS_H_VIA = 8,
    GS_H_WARNING = 9,
    GS_H_ALLOW = 10,
    GS_H_CONTENT_LENGTH = 11,
    GS_H_CONTENT_TYPE = 12,
    GS_H_CONTENT_ENCODING = 13,
    GS_H_CONTENT_LANGUAGE = 14,
    GS_H_CONTENT_LOCATION = 15,
    GS_H_CONTENT_MD5 = 16,
    GS_H_CONTENT_RANGE = 17,
    GS_H_EXPIRES = 18,
    GS_H_LAST_MODIFIED = 19,
    /* request headers */
    GS_HREQ_ACCEPT = 20,
    GS_HREQ_ACCEPT_CHARSET = 21,
    GS_HREQ_ACCEPT_ENCODING = 22,
    GS_HREQ_ACCEPT_LANGUAGE = 23,
    GS_HREQ_AUTHORIZATION = 24,
    GS_HREQ_COOKIE = 25,
    GS_HREQ_EXPECT = 26,
    GS_HREQ_FROM = 27,
    GS_HREQ_HOST = 28,
    GS_HREQ_IF_MATCH = 29,
    GS_HREQ_IF_MODIFIED_SINCE = 30,
    GS_HREQ_IF_NONE_MATCH = 31,
    GS_HREQ_IF_RANGE = 32,
    GS_HREQ_IF_UNMODIFIED_SINCE = 33,
    GS_HREQ_MAX_FORWARDS = 34,
    GS_HREQ_PROXY_AUTHORIZATION = 35,
    GS_HREQ_REFERER = 36,
    GS_HREQ_RANGE = 37,
    GS_HREQ_TE = 38,
    GS_HREQ_TRANSLATE = 39,
    GS_HREQ_USER_AGENT = 40,
    GS_HREQ_COUNT = 41,
    /* response headers */
    GS_HRSP_ACCEPT_RANGES = 20,
    GS_HRSP_AGE = 21,
    GS_HRSP_ETAG = 22,
    GS_HRSP_LOCATION = 23,
    GS_HRSP_PROXY_AUTHENTICATE = 24,
    GS_HRSP_RETRY_AFTER = 25,
    GS_HRSP_SERVER = 26,
    GS_HRSP_SET_COOKIE = 27,
    GS_HRSP_VARY = 28,
    GS_HRSP_WWW_AUTHENTICATE = 29,
    GS_HRSP_COUNT = 30,
};

/* The id of a request header name (any case), or -1. */
int gs_request_header_id(const char *name, size_t len);
/* The id of a response header name (any case), or -1. */
int gs_response_header_id(const char *name, size_t len);

/* Canonical names; NULL for an id out of range. */
const char *gs_request_header_name(int id);
const char *gs_response_header_name(int id);

#endif
