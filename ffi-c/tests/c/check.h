/* Minimal test harness: CHECK counts, failures print and fail the run. */
#ifndef SIGNET_TEST_CHECK_H
#define SIGNET_TEST_CHECK_H
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "signet.h"

static int checks_run = 0;
static int checks_failed = 0;

#define CHECK(cond)                                                                  \
    do {                                                                             \
        checks_run++;                                                                \
        if (!(cond)) {                                                               \
            checks_failed++;                                                         \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
        }                                                                            \
    } while (0)

#define CHECK_RESULT(expr, expected)                                                            \
    do {                                                                                        \
        signet_result got_ = (expr);                                                            \
        checks_run++;                                                                           \
        if (got_ != (signet_result)(expected)) {                                                \
            checks_failed++;                                                                    \
            const char *g_ = signet_result_code_str(got_);                                      \
            fprintf(stderr, "%s:%d: %s returned %u (%s), expected %s\n", __FILE__, __LINE__,  \
                    #expr, (unsigned)got_, g_ ? g_ : "?", #expected);                          \
        }                                                                                       \
    } while (0)

#define S(lit) (const uint8_t *)(lit), strlen(lit)

static inline int finish(const char *name) {
    printf("%s: %d passed, %d failed\n", name, checks_run - checks_failed, checks_failed);
    return checks_failed == 0 ? 0 : 1;
}

/* Whether compact JSON `json` holds the member `fragment` ("\"used\":3"),
   whole: what follows it ends the value. Not a JSON parser: the reports are
   host's flat serde output, and a test names the member it expects. */
static inline int json_has(const char *json, const char *fragment) {
    size_t n = strlen(fragment);
    for (const char *p = strstr(json, fragment); p; p = strstr(p + 1, fragment)) {
        char next = p[n];
        char before = p == json ? '{' : p[-1];
        if ((next == ',' || next == '}' || next == ']') && (before == '{' || before == ',')) return 1;
    }
    return 0;
}

static inline unsigned char *read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 4096, n = 0;
    unsigned char *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            unsigned char *bigger = realloc(buf, cap * 2);
            if (!bigger) { free(buf); buf = NULL; break; }
            buf = bigger;
            cap *= 2;
        }
    }
    fclose(f);
    if (buf) *len = n;
    return buf;
}
#endif
