/*
 * Socket addresses of the two families guise listens on, and their text.
 */
#ifndef GS_CORE_SOCKADDR_H
#define GS_CORE_SOCKADDR_H

#include <netinet/in.h>
#include <stddef.h>
#include <sys/socket.h>

typedef union gs_sockaddr {
    struct sockaddr sa;
    struct sockaddr_in in;
    struct sockaddr_in6 in6;
} gs_sockaddr_t;

#define GS_ADDR_TEXT_MAX 48 /* an IPv6 address without brackets, and NUL */

/* The address without port ("127.0.0.1", "::1"); returns its length. */
size_t gs_sockaddr_host(const gs_sockaddr_t *a, char out[GS_ADDR_TEXT_MAX]);
unsigned gs_sockaddr_port(const gs_sockaddr_t *a);

#define GS_ENDPOINT_TEXT_MAX (GS_ADDR_TEXT_MAX + 8) /* "[addr]:65535" */

/* "127.0.0.1:8080", "[::1]:8080"; returns its length. */
size_t gs_sockaddr_text(const gs_sockaddr_t *a, char out[GS_ENDPOINT_TEXT_MAX]);

#endif
