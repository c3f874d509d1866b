#include "sockaddr.h"

#include <arpa/inet.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

size_t
gs_sockaddr_host(const gs_sockaddr_t *a, char out[GS_ADDR_TEXT_MAX])
{
    const void *bytes = a->sa.sa_family == AF_INET6 ? (const void *) &a->in6.sin6_addr
                                                    : (const void *) &a->in.sin_addr;

    if (inet_ntop(a->sa.sa_family, bytes, out, GS_ADDR_TEXT_MAX) == NULL) {
        strcpy(out, "-");
    }
    return strlen(out);
}

size_t
gs_sockaddr_text(const gs_sockaddr_t *a, char out[GS_ENDPOINT_TEXT_MAX])
{
    char host[GS_ADDR_TEXT_MAX];
    bool v6 = a->sa.sa_family == AF_INET6;

    gs_sockaddr_host(a, host);
    return (size_t) snprintf(out, GS_ENDPOINT_TEXT_MAX, "%s%s%s:%u", v6 ? "[" : "", host,
                             v6 ? "]" : "", gs_sockaddr_port(a));
}

unsigned
gs_sockaddr_port(const gs_sockaddr_t *a)
{
    return ntohs(a->sa.sa_family == AF_INET6 ? a->in6.sin6_port : a->in.sin_port);
}
