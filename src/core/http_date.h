/*
 * HTTP dates (RFC 9110, section 5.6.7): formatting in IMF-fixdate and
 * parsing of the three forms a client may send.  Pure functions.
 */
#ifndef GS_CORE_HTTP_DATE_H
#define GS_CORE_HTTP_DATE_H

#include <stddef.h>
#include <time.h>

#define GS_HTTP_DATE_LEN 29 /* "Sun, 06 Nov 1994 08:49:37 GMT" */

/*
 * Writes t as IMF-fixdate and a NUL into out; returns GS_HTTP_DATE_LEN, or 0
 * (and an empty string) for a time outside the years 0 to 9999.
 */
size_t gs_http_date_format(time_t t, char out[GS_HTTP_DATE_LEN + 1]);

/*
 * Parses IMF-fixdate, RFC 850 ("Sunday, 06-Nov-94 08:49:37 GMT") or asctime
 * ("Sun Nov  6 08:49:37 1994") from s[0..len).  Returns 0 and the time, or
 * -EINVAL for anything else (a recipient ignores an invalid date).
 */
int gs_http_date_parse(const char *s, size_t len, time_t *out);

#endif
