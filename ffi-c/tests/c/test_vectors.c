/* The shared order vectors through the C API. argv[1]: tests/vectors/orders;
   argv[2]: the expectations derived from its .expect.json files (one line per
   case: case, product, at, valid, n, then n × severity, path, code; tabs). */
#include <stdint.h>
#include "check.h"

static char *next_field(char **cursor) {
    char *start = *cursor;
    if (!start) return NULL;
    char *tab = strpbrk(start, "\t\n");
    if (tab) {
        *tab = '\0';
        *cursor = tab + 1;
    } else {
        *cursor = NULL;
    }
    return start;
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: test_vectors ORDERS_DIR EXPECTATIONS\n");
        return 2;
    }
    size_t len = 0;
    unsigned char *all = read_file(argv[2], &len);
    if (!all) {
        fprintf(stderr, "cannot read %s\n", argv[2]);
        return 2;
    }
    char *text = malloc(len + 1);
    memcpy(text, all, len);
    text[len] = '\0';
    free(all);
    int cases = 0;
    char *line = text;
    while (line && *line) {
        char *end = strchr(line, '\n');
        if (end) *end = '\0';
        char *cur = line;
        const char *name = next_field(&cur);
        const char *product = next_field(&cur);
        const char *at = next_field(&cur);
        int valid = atoi(next_field(&cur));
        int n = atoi(next_field(&cur));
        int y = 0, m = 0, d = 0;
        CHECK(sscanf(at, "%d-%d-%d", &y, &m, &d) == 3);
        signet_date date = {(uint16_t)y, (uint8_t)m, (uint8_t)d};
        char path[1024];
        snprintf(path, sizeof path, "%s/%s.json", argv[1], name);
        size_t body_len = 0;
        unsigned char *body = read_file(path, &body_len);
        CHECK(body != NULL);
        signet_report *r = NULL;
        /* an empty body is still a valid pointer */
        CHECK_RESULT(signet_order_validate(body ? body : (unsigned char *)"", body_len, (const uint8_t *)product,
                                           strlen(product), date, &r),
                     SIGNET_RESULT_OK);
        bool got_valid = false;
        size_t count = 0;
        signet_report_is_valid(r, &got_valid);
        signet_report_finding_count(r, &count);
        int ok = (got_valid == (valid != 0)) && count == (size_t)n;
        for (int i = 0; ok && i < n; i++) {
            const char *sev = next_field(&cur);
            const char *fpath = next_field(&cur);
            const char *code = next_field(&cur);
            signet_finding f;
            signet_report_finding(r, (size_t)i, &f);
            int sev_ok = (strcmp(sev, "error") == 0) == (f.severity == SIGNET_SEVERITY_ERROR);
            if (!sev_ok || f.path_len != strlen(fpath) || memcmp(f.path, fpath, f.path_len) != 0 ||
                strcmp(f.code, code) != 0) {
                fprintf(stderr, "%s: finding %d is %s %s, expected %s %s\n", name, i, f.path, f.code, fpath, code);
                ok = 0;
            }
        }
        if (!ok) fprintf(stderr, "%s: valid=%d count=%zu, expected valid=%d count=%d\n", name, got_valid, count, valid, n);
        CHECK(ok);
        signet_report_free(r);
        free(body);
        cases++;
        line = end ? end + 1 : NULL;
    }
    free(text);
    CHECK(cases > 100);
    printf("order vectors: %d cases\n", cases);
    return finish("test_vectors");
}
