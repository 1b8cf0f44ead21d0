/* The shared key vectors through the C API: every check of
   tests/vectors/keys/index.json runs signet_csr_check, signet_public_key_check or
   signet_certificate_check on the real file. argv[1]: tests/vectors/keys;
   argv[2]: the expectations derived from index.json (ffi-c/tests/vectors.rs;
   one line per check: file, check, device or "", date, valid, n, then
   n × severity, path, code; tabs). The verdict and the ordered findings must
   match exactly. */
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

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
   days_from_civil), for the midnight-UTC time of a certificate check. */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = (unsigned)(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: test_key_vectors KEYS_DIR EXPECTATIONS\n");
        return 2;
    }
    CHECK(days_from_civil(1970, 1, 1) == 0 && days_from_civil(2025, 6, 1) * 86400 == 1748736000LL);
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
    int checks[3] = {0, 0, 0}; /* csr, cert, spki */
    int findings_seen = 0, invalid = 0;
    char *line = text;
    while (line && *line) {
        char *end = strchr(line, '\n');
        if (end) *end = '\0';
        char *cur = line;
        const char *file = next_field(&cur);
        const char *kind = next_field(&cur);
        const char *device = next_field(&cur);
        const char *at = next_field(&cur);
        int valid = atoi(next_field(&cur));
        int n = atoi(next_field(&cur));
        int y = 0, m = 0, d = 0;
        CHECK(sscanf(at, "%d-%d-%d", &y, &m, &d) == 3);
        signet_date date = {(uint16_t)y, (uint8_t)m, (uint8_t)d};
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", argv[1], file);
        size_t input_len = 0;
        unsigned char *input = read_file(path, &input_len);
        CHECK(input != NULL && input_len > 0);
        const uint8_t *dev = *device ? (const uint8_t *)device : NULL;
        size_t dev_len = strlen(device);
        signet_report *r = NULL;
        signet_result res = SIGNET_RESULT_INVALID_ARGUMENT;
        if (strcmp(kind, "csr") == 0) {
            res = signet_csr_check(input, input_len, dev, dev_len, date, &r);
            checks[0]++;
        } else if (strcmp(kind, "cert") == 0) {
            CHECK(dev == NULL);
            res = signet_certificate_check(input, input_len, days_from_civil(y, (unsigned)m, (unsigned)d) * 86400, &r);
            checks[1]++;
        } else if (strcmp(kind, "spki") == 0) {
            res = signet_public_key_check(input, input_len, dev, dev_len, date, &r);
            checks[2]++;
        }
        CHECK_RESULT(res, SIGNET_RESULT_OK);
        if (res != SIGNET_RESULT_OK) {
            fprintf(stderr, "%s as %s device=%s at=%s: no report\n", file, kind, device, at);
            free(input);
            line = end ? end + 1 : NULL;
            continue;
        }
        bool got_valid = false;
        size_t count = 0;
        CHECK_RESULT(signet_report_is_valid(r, &got_valid), SIGNET_RESULT_OK);
        CHECK_RESULT(signet_report_finding_count(r, &count), SIGNET_RESULT_OK);
        int ok = (got_valid == (valid != 0)) && count == (size_t)n;
        for (int i = 0; ok && i < n; i++) {
            const char *sev = next_field(&cur);
            const char *fpath = next_field(&cur);
            const char *code = next_field(&cur);
            signet_finding f;
            CHECK_RESULT(signet_report_finding(r, (size_t)i, &f), SIGNET_RESULT_OK);
            signet_severity want_sev = strcmp(sev, "error") == 0 ? SIGNET_SEVERITY_ERROR : SIGNET_SEVERITY_WARNING;
            CHECK(strcmp(sev, "error") == 0 || strcmp(sev, "warning") == 0);
            if (f.severity != want_sev || f.path_len != strlen(fpath) || memcmp(f.path, fpath, f.path_len) != 0 ||
                strcmp(f.code, code) != 0 || f.message == NULL || f.message[0] == '\0') {
                fprintf(stderr, "%s as %s: finding %d is %d '%s' %s, expected %s '%s' %s\n", file, kind, i,
                        (int)f.severity, f.path, f.code, sev, fpath, code);
                ok = 0;
            }
            findings_seen++;
        }
        if (!ok)
            fprintf(stderr, "%s as %s device=%s at=%s: valid=%d count=%zu, expected valid=%d count=%d\n", file, kind,
                    device, at, got_valid, count, valid, n);
        CHECK(ok);
        invalid += !got_valid;
        signet_report_free(r);
        free(input);
        line = end ? end + 1 : NULL;
    }
    free(text);
    /* index.json has csr, cert and spki checks, refusals and passes */
    CHECK(checks[0] > 50 && checks[1] > 50 && checks[2] > 20);
    CHECK(invalid > 50 && findings_seen > 50);
    printf("key vectors: %d checks (csr %d, cert %d, spki %d), %d findings\n", checks[0] + checks[1] + checks[2],
           checks[0], checks[1], checks[2], findings_seen);
    return finish("test_key_vectors");
}
