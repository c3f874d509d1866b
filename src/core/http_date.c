/*
 * Hand-written rather than strptime(3): strptime depends on the locale and
 * accepts more than the grammar allows.
 */
#include "http_date.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

static const char days[7][4] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
static const char *const long_days[7] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                         "Thursday", "Friday", "Saturday"};
static const char months[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

static char *
put2(char *p, int v)
{
    p[0] = (char) ('0' + v / 10);
    p[1] = (char) ('0' + v % 10);
    return p + 2;
}

size_t
gs_http_date_format(time_t t, char out[GS_HTTP_DATE_LEN + 1])
{
    struct tm tm;
    char *p = out;

    /* Four-digit years only: a file's mtime can be anything its owner set. */
    if (gmtime_r(&t, &tm) == NULL || tm.tm_year < -1900 || tm.tm_year > 9999 - 1900) {
        out[0] = '\0';
        return 0;
    }
    memcpy(p, days[tm.tm_wday], 3);
    p += 3;
    *p++ = ',';
    *p++ = ' ';
    p = put2(p, tm.tm_mday);
    *p++ = ' ';
    memcpy(p, months[tm.tm_mon], 3);
    p += 3;
    *p++ = ' ';
    p = put2(p, (tm.tm_year + 1900) / 100);
    p = put2(p, (tm.tm_year + 1900) % 100);
    *p++ = ' ';
    p = put2(p, tm.tm_hour);
    *p++ = ':';
    p = put2(p, tm.tm_min);
    *p++ = ':';
    p = put2(p, tm.tm_sec);
    memcpy(p, " GMT", 5);
    return GS_HTTP_DATE_LEN;
}

/* A cursor over the input: every reader checks bounds and fails sticky. */
struct cur {
    const char *p, *end;
    bool ok;
};

static void
expect(struct cur *c, const char *lit)
{
    size_t n = strlen(lit);

    if (!c->ok || (size_t) (c->end - c->p) < n || memcmp(c->p, lit, n) != 0) {
        c->ok = false;
        return;
    }
    c->p += n;
}

static int
digits(struct cur *c, int n)
{
    int v = 0;

    if (!c->ok || c->end - c->p < n) {
        c->ok = false;
        return 0;
    }
    for (int i = 0; i < n; i++) {
        if (c->p[i] < '0' || c->p[i] > '9') {
            c->ok = false;
            return 0;
        }
        v = v * 10 + (c->p[i] - '0');
    }
    c->p += n;
    return v;
}

static int
month(struct cur *c)
{
    if (c->ok && c->end - c->p >= 3) {
        for (int m = 0; m < 12; m++) {
            if (memcmp(c->p, months[m], 3) == 0) {
                c->p += 3;
                return m;
            }
        }
    }
    c->ok = false;
    return 0;
}

static int
weekday(struct cur *c, bool long_form)
{
    for (int d = 0; c->ok && d < 7; d++) {
        const char *name = long_form ? long_days[d] : days[d];
        size_t n = strlen(name);

        if ((size_t) (c->end - c->p) >= n && memcmp(c->p, name, n) == 0) {
            c->p += n;
            return d;
        }
    }
    c->ok = false;
    return 0;
}

static void
clock_time(struct cur *c, struct tm *tm)
{
    tm->tm_hour = digits(c, 2);
    expect(c, ":");
    tm->tm_min = digits(c, 2);
    expect(c, ":");
    tm->tm_sec = digits(c, 2);
}

int
gs_http_date_parse(const char *s, size_t len, time_t *out)
{
    struct cur c = {s, s + len, true};
    struct tm tm = {0};
    int wday;
    bool long_form = len > 3 && s[3] != ',' && s[3] != ' ';

    wday = weekday(&c, long_form);
    if (!c.ok) {
        return -EINVAL;
    }
    if (!long_form && c.p < c.end && *c.p == ',') { /* IMF-fixdate */
        expect(&c, ", ");
        tm.tm_mday = digits(&c, 2);
        expect(&c, " ");
        tm.tm_mon = month(&c);
        expect(&c, " ");
        tm.tm_year = digits(&c, 4) - 1900;
        expect(&c, " ");
        clock_time(&c, &tm);
        expect(&c, " GMT");
    } else if (long_form) { /* RFC 850 */
        int yy;

        expect(&c, ", ");
        tm.tm_mday = digits(&c, 2);
        expect(&c, "-");
        tm.tm_mon = month(&c);
        expect(&c, "-");
        yy = digits(&c, 2);
        /* RFC 9110: a two-digit year more than 50 years ahead is in the past. */
        tm.tm_year = yy < 70 ? yy + 100 : yy;
        expect(&c, " ");
        clock_time(&c, &tm);
        expect(&c, " GMT");
    } else { /* asctime: "Sun Nov  6 08:49:37 1994" */
        expect(&c, " ");
        tm.tm_mon = month(&c);
        expect(&c, " ");
        if (c.ok && c.p < c.end && *c.p == ' ') {
            c.p++;
            tm.tm_mday = digits(&c, 1);
        } else {
            tm.tm_mday = digits(&c, 2);
        }
        expect(&c, " ");
        clock_time(&c, &tm);
        expect(&c, " ");
        tm.tm_year = digits(&c, 4) - 1900;
    }
    if (!c.ok || c.p != c.end || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23
        || tm.tm_min > 59 || tm.tm_sec > 60)
    {
        return -EINVAL;
    }
    *out = timegm(&tm);
    /* timegm normalises 31 Feb into March: a date that moved was invalid. */
    {
        struct tm check;

        gmtime_r(out, &check);
        if (check.tm_mday != tm.tm_mday || check.tm_wday != wday) {
            return -EINVAL;
        }
    }
    return 0;
}
