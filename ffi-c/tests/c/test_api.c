/* Every function of signet.h and its error paths. argv[1]: tests/vectors/keys. */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <unistd.h>
#include "check.h"

static const char *keys_dir = "tests/vectors/keys";

static unsigned char *key_file(const char *name, size_t *len) {
    char path[512];
    snprintf(path, sizeof path, "%s/%s", keys_dir, name);
    unsigned char *b = read_file(path, len);
    if (!b) fprintf(stderr, "cannot read %s\n", path);
    return b;
}

static void test_results(void) {
    CHECK(strlen(signet_version()) > 0);
    CHECK(strcmp(signet_result_code_str(SIGNET_RESULT_OK), "ok") == 0);
    CHECK(strcmp(signet_result_code_str(SIGNET_RESULT_KEY_TOO_SMALL), "key_too_small") == 0);
    CHECK(strcmp(signet_result_code_str(SIGNET_RESULT_NULL_POINTER), "ffi_null_pointer") == 0);
    CHECK(signet_result_code_str(12345) == NULL);
    CHECK(strcmp(signet_result_code_str(SIGNET_RESULT_STATE_LEDGER_MISSING), "state_ledger_missing") == 0);
    CHECK(SIGNET_RESULT_STATE_LEDGER_MISSING == 8007 && SIGNET_RESULT_NULL_POINTER == 9001);
    CHECK(strcmp(signet_result_domain_str(SIGNET_RESULT_KEY_TOO_SMALL), "key_policy") == 0);
    CHECK(strcmp(signet_result_domain_str(SIGNET_RESULT_SIGN_GRANT_REQUIRED), "sign") == 0);
    CHECK(strcmp(signet_result_domain_str(SIGNET_RESULT_STATE_LEDGER_MISSING), "state") == 0);
    CHECK(strcmp(signet_result_domain_str(SIGNET_RESULT_INVALID_UTF8), "usage") == 0);
    CHECK(signet_result_domain_str(SIGNET_RESULT_OK) == NULL);
    CHECK(signet_result_domain_str(12345) == NULL);
    char buf[128];
    size_t n = 99;
    CHECK_RESULT(signet_result_message(SIGNET_RESULT_BUDGET_EXHAUSTED, buf, sizeof buf, &n), SIGNET_RESULT_OK);
    CHECK(n == strlen(buf) && strstr(buf, "signatures") != NULL);
    CHECK_RESULT(signet_result_message(777, buf, sizeof buf, &n), SIGNET_RESULT_OK);
    CHECK(strcmp(buf, "unknown result") == 0);
    n = 99;
    CHECK_RESULT(signet_result_message(SIGNET_RESULT_OK, buf, 3, &n), SIGNET_RESULT_BUFFER_TOO_SMALL);
    CHECK(n == 99); /* out-parameters untouched on failure */
    CHECK_RESULT(signet_result_message(SIGNET_RESULT_OK, NULL, 10, &n), SIGNET_RESULT_NULL_POINTER);
    CHECK_RESULT(signet_result_message(SIGNET_RESULT_OK, buf, sizeof buf, NULL), SIGNET_RESULT_NULL_POINTER);
    /* last error: the message of the NULL-pointer failure above */
    CHECK_RESULT(signet_last_error_message(buf, sizeof buf, &n), SIGNET_RESULT_OK);
    CHECK(strstr(buf, "out_n is NULL") != NULL);
    CHECK_RESULT(signet_last_error_message(buf, 2, &n), SIGNET_RESULT_BUFFER_TOO_SMALL);
    CHECK_RESULT(signet_last_error_message(buf, sizeof buf, NULL), SIGNET_RESULT_NULL_POINTER);
}

static void test_order(void) {
    signet_date at = {2025, 6, 1};
    signet_report *r = NULL;
    const char *body = "{\"certificate\": {\"signature_hash\": \"md5\"}, \"x\": 1}";
    CHECK_RESULT(signet_order_validate(S(body), S("code_signing"), at, &r), SIGNET_RESULT_OK);
    bool valid = true;
    CHECK_RESULT(signet_report_is_valid(r, &valid), SIGNET_RESULT_OK);
    CHECK(!valid);
    size_t count = 0;
    CHECK_RESULT(signet_report_finding_count(r, &count), SIGNET_RESULT_OK);
    CHECK(count >= 2);
    signet_finding f;
    int saw_hash = 0, saw_unknown = 0;
    for (size_t i = 0; i < count; i++) {
        CHECK_RESULT(signet_report_finding(r, i, &f), SIGNET_RESULT_OK);
        CHECK(f.code_len == strlen(f.code) && f.path[f.path_len] == '\0' && f.message_len > 0);
        if (strcmp(f.path, "certificate.signature_hash") == 0 && strcmp(f.code, "invalid_value") == 0 &&
            f.severity == SIGNET_SEVERITY_ERROR)
            saw_hash = 1;
        if (strcmp(f.path, "x") == 0 && strcmp(f.code, "unknown_field") == 0 && f.severity == SIGNET_SEVERITY_WARNING)
            saw_unknown = 1;
    }
    CHECK(saw_hash && saw_unknown);
    CHECK_RESULT(signet_report_finding(r, count, &f), SIGNET_RESULT_INDEX_OUT_OF_RANGE);
    CHECK_RESULT(signet_report_finding(r, 0, NULL), SIGNET_RESULT_NULL_POINTER);
    size_t jlen = 0, n = 0;
    CHECK_RESULT(signet_report_json_len(r, &jlen), SIGNET_RESULT_OK);
    char *json = malloc(jlen + 1);
    CHECK_RESULT(signet_report_to_json(r, json, jlen, &n), SIGNET_RESULT_BUFFER_TOO_SMALL); /* no room for NUL */
    CHECK_RESULT(signet_report_to_json(r, json, jlen + 1, &n), SIGNET_RESULT_OK);
    CHECK(n == jlen && strncmp(json, "{\"valid\": false, \"findings\": [", 30) == 0);
    free(json);
    CHECK_RESULT(signet_report_json_len(r, NULL), SIGNET_RESULT_NULL_POINTER);
    CHECK_RESULT(signet_report_json_len(NULL, &n), SIGNET_RESULT_NULL_POINTER);
    CHECK_RESULT(signet_report_is_valid(NULL, &valid), SIGNET_RESULT_NULL_POINTER);
    CHECK_RESULT(signet_report_is_valid(r, NULL), SIGNET_RESULT_NULL_POINTER);
    CHECK_RESULT(signet_report_finding_count(NULL, &count), SIGNET_RESULT_NULL_POINTER);
    CHECK_RESULT(signet_report_finding_count(r, NULL), SIGNET_RESULT_NULL_POINTER);
    CHECK_RESULT(signet_report_to_json(NULL, NULL, 0, &n), SIGNET_RESULT_NULL_POINTER);
    signet_report_free(r);
    signet_report_free(NULL);

    /* malformed JSON is a finding, not an error result */
    r = NULL;
    CHECK_RESULT(signet_order_validate(S("{"), S("code_signing_ev"), at, &r), SIGNET_RESULT_OK);
    CHECK_RESULT(signet_report_finding(r, 0, &f), SIGNET_RESULT_OK);
    CHECK(strcmp(f.code, "json_syntax") == 0);
    signet_report_free(r);

    /* error paths: nothing written to out_report */
    r = (signet_report *)0x1;
    CHECK_RESULT(signet_order_validate(NULL, 0, S("code_signing"), at, &r), SIGNET_RESULT_NULL_POINTER);
    CHECK_RESULT(signet_order_validate(S("{}"), S("code_signing_x"), at, &r), SIGNET_RESULT_UNKNOWN_PRODUCT);
    CHECK_RESULT(signet_order_validate(S("{}"), (const uint8_t *)"\xff", 1, at, &r), SIGNET_RESULT_INVALID_UTF8);
    signet_date bad = {2025, 2, 30};
    CHECK_RESULT(signet_order_validate(S("{}"), S("code_signing"), bad, &r), SIGNET_RESULT_DATE_OUT_OF_RANGE);
    CHECK_RESULT(signet_order_validate(S("{}"), S("code_signing"), at, NULL), SIGNET_RESULT_NULL_POINTER);
    CHECK(r == (signet_report *)0x1);
}

static size_t codes_of(signet_report *r, const char *want) {
    size_t count = 0, hits = 0;
    signet_report_finding_count(r, &count);
    for (size_t i = 0; i < count; i++) {
        signet_finding f;
        signet_report_finding(r, i, &f);
        if (strcmp(f.code, want) == 0) hits++;
    }
    return hits;
}

static void test_policy(void) {
    size_t len = 0;
    unsigned char *csr = key_file("rsa2048.csr.pem", &len);
    /* The RSA-3072 minimum for orders starts on 2021-05-28 (seed 001). */
    signet_date before = {2021, 5, 27}, first_day = {2021, 5, 28}, after = {2022, 1, 1};
    signet_report *r = NULL;
    bool valid = false;
    CHECK_RESULT(signet_csr_check(csr, len, NULL, 0, before, &r), SIGNET_RESULT_OK);
    CHECK_RESULT(signet_report_is_valid(r, &valid), SIGNET_RESULT_OK);
    CHECK(valid);
    signet_report_free(r);
    CHECK_RESULT(signet_csr_check(csr, len, NULL, 0, first_day, &r), SIGNET_RESULT_OK);
    CHECK(codes_of(r, "key_too_small") == 1);
    signet_report_free(r);
    CHECK_RESULT(signet_csr_check(csr, len, NULL, 0, after, &r), SIGNET_RESULT_OK);
    CHECK(codes_of(r, "key_too_small") == 1);
    signet_report_free(r);
    CHECK_RESULT(signet_csr_check(csr, len, S("etoken-5110"), after, &r), SIGNET_RESULT_OK);
    signet_report_free(r);
    CHECK_RESULT(signet_csr_check(csr, len, S("no_such_device"), after, &r), SIGNET_RESULT_UNKNOWN_DEVICE_PROFILE);
    CHECK_RESULT(signet_csr_check(csr, len, (const uint8_t *)"\xc3", 1, after, &r), SIGNET_RESULT_INVALID_UTF8);
    CHECK_RESULT(signet_csr_check(NULL, 0, NULL, 0, after, &r), SIGNET_RESULT_NULL_POINTER);
    CHECK_RESULT(signet_csr_check(csr, len, NULL, 0, after, NULL), SIGNET_RESULT_NULL_POINTER);
    free(csr);

    unsigned char *spki = key_file("p384.spki.der", &len);
    CHECK_RESULT(signet_public_key_check(spki, len, S("hsm"), after, &r), SIGNET_RESULT_OK);
    CHECK_RESULT(signet_report_is_valid(r, &valid), SIGNET_RESULT_OK);
    CHECK(valid);
    signet_report_free(r);
    CHECK_RESULT(signet_public_key_check(S("garbage"), NULL, 0, after, &r), SIGNET_RESULT_OK);
    CHECK_RESULT(signet_report_is_valid(r, &valid), SIGNET_RESULT_OK);
    CHECK(!valid);
    signet_report_free(r);
    CHECK_RESULT(signet_public_key_check(spki, len, S("bogus"), after, &r), SIGNET_RESULT_UNKNOWN_DEVICE_PROFILE);
    CHECK_RESULT(signet_public_key_check(spki, len, NULL, 0, after, NULL), SIGNET_RESULT_NULL_POINTER);
    signet_date bad = {0, 1, 1};
    CHECK_RESULT(signet_public_key_check(spki, len, NULL, 0, bad, &r), SIGNET_RESULT_DATE_OUT_OF_RANGE);
    /* The deprecated earlier name still links and gives the same answers. */
    CHECK_RESULT(signet_spki_check(spki, len, S("hsm"), after, &r), SIGNET_RESULT_OK);
    CHECK_RESULT(signet_report_is_valid(r, &valid), SIGNET_RESULT_OK);
    CHECK(valid);
    signet_report_free(r);
    CHECK_RESULT(signet_spki_check(S("garbage"), NULL, 0, after, &r), SIGNET_RESULT_OK);
    CHECK_RESULT(signet_report_is_valid(r, &valid), SIGNET_RESULT_OK);
    CHECK(!valid);
    signet_report_free(r);
    free(spki);

    unsigned char *cert = key_file("p256.cert.pem", &len);
    CHECK_RESULT(signet_certificate_check(cert, len, 4102444800LL /* 2100 */, &r), SIGNET_RESULT_OK);
    CHECK(codes_of(r, "certificate_expired") == 1);
    signet_report_free(r);
    CHECK_RESULT(signet_certificate_check(NULL, 0, 0, &r), SIGNET_RESULT_NULL_POINTER);
    CHECK_RESULT(signet_certificate_check(cert, len, 0, NULL), SIGNET_RESULT_NULL_POINTER);
    free(cert);
}

/* ---- a NOR flash in RAM, with power cuts -------------------------------- */
#define FLASH_SIZE 4096
#define SECTOR 1024
typedef struct {
    uint8_t mem[FLASH_SIZE];
    long budget; /* operations left before the power fails; -1: no limit */
    int fail_all;
} ram_flash;

static int ram_alive(ram_flash *f) {
    if (f->fail_all) return 0;
    if (f->budget == 0) return 0;
    if (f->budget > 0) f->budget--;
    return 1;
}
static int ram_read(void *user, uint32_t off, uint8_t *buf, size_t len) {
    ram_flash *f = user;
    if (f->fail_all) return -1;
    memcpy(buf, f->mem + off, len);
    return 0;
}
static int ram_write(void *user, uint32_t off, const uint8_t *data, size_t len) {
    ram_flash *f = user;
    if (!ram_alive(f)) {
        /* a torn write: half the bytes land */
        for (size_t i = 0; i < len / 2; i++) f->mem[off + i] &= data[i];
        return -1;
    }
    for (size_t i = 0; i < len; i++) f->mem[off + i] &= data[i];
    return 0;
}
static int ram_erase(void *user, uint32_t from, uint32_t to) {
    ram_flash *f = user;
    if (!ram_alive(f)) {
        memset(f->mem + from, 0xFF, (to - from) / 3);
        return -1;
    }
    memset(f->mem + from, 0xFF, to - from);
    return 0;
}

static signet_flash flash_of(ram_flash *f) {
    signet_flash fl;
    fl.user = f;
    fl.read = ram_read;
    fl.write = ram_write;
    fl.erase = ram_erase;
    fl.capacity = FLASH_SIZE;
    fl.erase_size = SECTOR;
    return fl;
}

static void test_counter_memory(void) {
    signet_counter_store *s = NULL;
    CHECK_RESULT(signet_counter_store_memory_new(&s), SIGNET_RESULT_OK);
    CHECK_RESULT(signet_counter_store_memory_new(NULL), SIGNET_RESULT_NULL_POINTER);
    signet_counter_reservation *a = NULL, *b = NULL, *c = NULL;
    CHECK_RESULT(signet_counter_store_reserve(s, 2, &a), SIGNET_RESULT_OK);
    CHECK_RESULT(signet_counter_store_reserve(s, 2, &b), SIGNET_RESULT_OK);
    CHECK_RESULT(signet_counter_store_reserve(s, 2, &c), SIGNET_RESULT_COUNTER_EXHAUSTED);
    uint64_t idx = 99;
    CHECK_RESULT(signet_counter_reservation_index(b, &idx), SIGNET_RESULT_OK);
    CHECK(idx == 1);
    CHECK_RESULT(signet_counter_reservation_index(NULL, &idx), SIGNET_RESULT_NULL_POINTER);
    CHECK_RESULT(signet_counter_reservation_index(b, NULL), SIGNET_RESULT_NULL_POINTER);
    CHECK_RESULT(signet_counter_store_commit(s, a, &idx), SIGNET_RESULT_OK);
    CHECK(idx == 0);
    CHECK_RESULT(signet_counter_store_abort(s, b), SIGNET_RESULT_OK);
    signet_usage u;
    CHECK_RESULT(signet_counter_store_usage(s, &u), SIGNET_RESULT_OK);
    CHECK(u.next_index == 2 && u.committed == 1 && u.released == 1 && u.used == 1);
    CHECK_RESULT(signet_counter_store_usage(NULL, &u), SIGNET_RESULT_NULL_POINTER);
    CHECK_RESULT(signet_counter_store_usage(s, NULL), SIGNET_RESULT_NULL_POINTER);
    CHECK_RESULT(signet_counter_store_reserve(NULL, 5, &a), SIGNET_RESULT_NULL_POINTER);
    CHECK_RESULT(signet_counter_store_reserve(s, 5, NULL), SIGNET_RESULT_NULL_POINTER);
    CHECK_RESULT(signet_counter_store_commit(s, NULL, NULL), SIGNET_RESULT_NULL_POINTER);
    CHECK_RESULT(signet_counter_store_abort(s, NULL), SIGNET_RESULT_NULL_POINTER);
    /* a reservation from another store is refused (and consumed) */
    signet_counter_store *other = NULL;
    signet_counter_store_memory_new(&other);
    CHECK_RESULT(signet_counter_store_reserve(other, 5, &a), SIGNET_RESULT_OK);
    CHECK_RESULT(signet_counter_store_commit(NULL, a, NULL), SIGNET_RESULT_NULL_POINTER); /* not consumed */
    CHECK_RESULT(signet_counter_store_commit(s, a, NULL), SIGNET_RESULT_COUNTER_FOREIGN_RESERVATION);
    /* an unsettled reservation, freed, stays counted */
    CHECK_RESULT(signet_counter_store_reserve(other, 5, &a), SIGNET_RESULT_OK);
    signet_counter_reservation_free(a);
    signet_counter_reservation_free(NULL);
    CHECK_RESULT(signet_counter_store_usage(other, &u), SIGNET_RESULT_OK);
    CHECK(u.used == 2);
    signet_counter_store_free(other);
    signet_counter_store_free(s);
    signet_counter_store_free(NULL);
}

static void test_counter_flash(void) {
    static ram_flash f;
    memset(f.mem, 0x00, sizeof f.mem);
    f.budget = -1;
    f.fail_all = 0;
    signet_flash fl = flash_of(&f);
    signet_counter_store *s = NULL;
    signet_recovery rec;
    /* unformatted flash holds no valid record */
    CHECK_RESULT(signet_counter_store_flash_open(&fl, 0, 4, &s, &rec), SIGNET_RESULT_COUNTER_CORRUPT);
    CHECK_RESULT(signet_counter_store_flash_format(&fl, 0, 1, &s), SIGNET_RESULT_COUNTER_INVALID_GEOMETRY);
    CHECK_RESULT(signet_counter_store_flash_format(&fl, 0, 8, &s), SIGNET_RESULT_COUNTER_INVALID_GEOMETRY);
    signet_flash odd = fl;
    odd.erase_size = 1000;
    CHECK_RESULT(signet_counter_store_flash_format(&odd, 0, 4, &s), SIGNET_RESULT_INVALID_ARGUMENT);
    odd = fl;
    odd.erase = NULL;
    CHECK_RESULT(signet_counter_store_flash_format(&odd, 0, 4, &s), SIGNET_RESULT_NULL_POINTER);
    CHECK_RESULT(signet_counter_store_flash_format(NULL, 0, 4, &s), SIGNET_RESULT_NULL_POINTER);
    CHECK_RESULT(signet_counter_store_flash_format(&fl, 0, 4, NULL), SIGNET_RESULT_NULL_POINTER);
    CHECK_RESULT(signet_counter_store_flash_open(NULL, 0, 4, &s, NULL), SIGNET_RESULT_NULL_POINTER);
    CHECK_RESULT(signet_counter_store_flash_format(&fl, 0, 4, &s), SIGNET_RESULT_OK);
    signet_counter_reservation *a = NULL;
    for (int i = 0; i < 40; i++) { /* more records than one sector: the log rotates */
        CHECK_RESULT(signet_counter_store_reserve(s, 1000, &a), SIGNET_RESULT_OK);
        CHECK_RESULT(signet_counter_store_commit(s, a, NULL), SIGNET_RESULT_OK);
    }
    signet_counter_store_free(s);
    CHECK_RESULT(signet_counter_store_flash_open(&fl, 0, 4, &s, &rec), SIGNET_RESULT_OK);
    CHECK(rec.usage.committed == 40 && rec.usage.used == 40 && rec.lost == 0);
    /* a failing medium poisons the store */
    f.fail_all = 1;
    CHECK_RESULT(signet_counter_store_reserve(s, 1000, &a), SIGNET_RESULT_COUNTER_STORAGE);
    f.fail_all = 0;
    CHECK_RESULT(signet_counter_store_reserve(s, 1000, &a), SIGNET_RESULT_COUNTER_POISONED);
    signet_counter_store_free(s);

    /* power cuts after every possible number of flash operations: an
       acknowledged reservation is never lost, the count never rolls back */
    for (long cut = 0; cut < 120; cut++) {
        CHECK_RESULT(signet_counter_store_flash_open(&fl, 0, 4, &s, &rec), SIGNET_RESULT_OK);
        uint64_t before = rec.usage.used;
        f.budget = cut;
        uint64_t acknowledged = 0;
        for (int i = 0; i < 30; i++) {
            if (signet_counter_store_reserve(s, 100000, &a) != SIGNET_RESULT_OK) break;
            acknowledged++;
            if (signet_counter_store_commit(s, a, NULL) != SIGNET_RESULT_OK) break;
        }
        signet_counter_store_free(s);
        f.budget = -1;
        CHECK_RESULT(signet_counter_store_flash_open(&fl, 0, 4, &s, &rec), SIGNET_RESULT_OK);
        CHECK(rec.usage.used >= before + acknowledged);
        CHECK(rec.usage.used <= before + acknowledged + 1);
        signet_counter_store_free(s);
    }
}

/* ---- tokens --------------------------------------------------------------- */
static const uint8_t DIGEST32[32] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
                                     17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32};

/* A C token that delegates to a software token but corrupts signatures, or
   reports failures: proves the mapping and that a wrong signature is caught. */
typedef struct {
    signet_token *inner;
    int mode; /* 0 honest, 1 flip a bit, 2 hardware error, 3 lie about length, 4 bad attributes */
    int sign_calls;
} faulty;

static uint32_t f_attrs(void *user, uint32_t handle, signet_key_attributes *out) {
    faulty *f = user;
    if (f->mode == 4) {
        out->key_type = 99;
        return SIGNET_RESULT_OK;
    }
    return signet_token_key_attributes(f->inner, handle, out);
}
static uint32_t f_pub(void *user, uint32_t handle, uint8_t *out, size_t len, size_t *n) {
    faulty *f = user;
    if (f->mode == 3) {
        *n = len + 1;
        return SIGNET_RESULT_OK;
    }
    return signet_token_public_key(f->inner, handle, out, len, n);
}
static uint32_t f_sign(void *user, uint32_t handle, uint32_t alg, const uint8_t *d, size_t dl, uint8_t *out,
                       size_t len, size_t *n) {
    faulty *f = user;
    f->sign_calls++;
    if (f->mode == 2) return SIGNET_RESULT_TOKEN_HARDWARE;
    if (f->mode == 5) return 12345; /* not a token result */
    uint32_t r = signet_token_sign_digest(f->inner, handle, alg, d, dl, out, len, n);
    if (r == SIGNET_RESULT_OK && f->mode == 1) out[*n - 5] ^= 0x01;
    if (r == SIGNET_RESULT_OK && f->mode == 3) *n = len + 1;
    return r;
}

static void test_tokens(void) {
    signet_token *t = NULL;
    CHECK_RESULT(signet_token_soft_new(&t), SIGNET_RESULT_OK);
    CHECK_RESULT(signet_token_soft_new(NULL), SIGNET_RESULT_NULL_POINTER);
    signet_key_attributes a = {SIGNET_KEY_TYPE_ECC_P256, 256, SIGNET_KEY_USAGE_SIGN_HASH, SIGNET_ALGORITHM_ECDSA_SHA256_DER,
                               SIGNET_KEY_PROTECTION_UNKNOWN};
    uint32_t h = 0;
    CHECK_RESULT(signet_token_soft_generate(t, &a, &h), SIGNET_RESULT_OK);
    signet_key_attributes bad = a;
    bad.algorithm = SIGNET_ALGORITHM_RSA_PSS_SHA256;
    uint32_t h2 = 0;
    CHECK_RESULT(signet_token_soft_generate(t, &bad, &h2), SIGNET_RESULT_TOKEN_NOT_SUPPORTED);
    CHECK_RESULT(signet_token_soft_generate(t, NULL, &h2), SIGNET_RESULT_NULL_POINTER);
    CHECK_RESULT(signet_token_soft_generate(NULL, &a, &h2), SIGNET_RESULT_NULL_POINTER);
    CHECK_RESULT(signet_token_soft_generate(t, &a, NULL), SIGNET_RESULT_NULL_POINTER);
    signet_key_attributes got;
    CHECK_RESULT(signet_token_key_attributes(t, h, &got), SIGNET_RESULT_OK);
    CHECK(got.key_type == SIGNET_KEY_TYPE_ECC_P256 && got.bits == 256 && got.algorithm == SIGNET_ALGORITHM_ECDSA_SHA256_DER &&
          got.usage == SIGNET_KEY_USAGE_SIGN_HASH && got.protection == SIGNET_KEY_PROTECTION_SOFTWARE);
    CHECK_RESULT(signet_token_key_attributes(t, h + 100, &got), SIGNET_RESULT_TOKEN_INVALID_HANDLE);
    CHECK_RESULT(signet_token_key_attributes(NULL, h, &got), SIGNET_RESULT_NULL_POINTER);
    CHECK_RESULT(signet_token_key_attributes(t, h, NULL), SIGNET_RESULT_NULL_POINTER);

    uint8_t spki[SIGNET_MAX_SPKI_LEN];
    size_t spki_len = 0;
    CHECK_RESULT(signet_token_public_key(t, h, spki, 10, &spki_len), SIGNET_RESULT_BUFFER_TOO_SMALL);
    CHECK_RESULT(signet_token_public_key(t, h, spki, sizeof spki, &spki_len), SIGNET_RESULT_OK);
    CHECK(spki_len == 91);
    CHECK_RESULT(signet_token_public_key(t, h, spki, sizeof spki, NULL), SIGNET_RESULT_NULL_POINTER);
    CHECK_RESULT(signet_token_public_key(t, 999, spki, sizeof spki, &spki_len), SIGNET_RESULT_TOKEN_INVALID_HANDLE);
    CHECK_RESULT(signet_public_key_check(spki, spki_len, S("hsm"), (signet_date){2025, 6, 1}, NULL), SIGNET_RESULT_NULL_POINTER);

    uint8_t sig[SIGNET_MAX_SIGNATURE_LEN];
    size_t sig_len = 0;
    CHECK_RESULT(signet_token_sign_digest(t, h, SIGNET_ALGORITHM_ECDSA_SHA256_DER, DIGEST32, 32, sig, sizeof sig, &sig_len), SIGNET_RESULT_OK);
    CHECK_RESULT(signet_verify_digest(spki, spki_len, SIGNET_ALGORITHM_ECDSA_SHA256_DER, DIGEST32, 32, sig, sig_len), SIGNET_RESULT_OK);
    sig[sig_len - 3] ^= 0x40;
    CHECK_RESULT(signet_verify_digest(spki, spki_len, SIGNET_ALGORITHM_ECDSA_SHA256_DER, DIGEST32, 32, sig, sig_len), SIGNET_RESULT_VERIFY_BAD_SIGNATURE);
    CHECK_RESULT(signet_verify_digest(spki, spki_len, SIGNET_ALGORITHM_ECDSA_SHA256_DER, DIGEST32, 31, sig, sig_len), SIGNET_RESULT_VERIFY_DIGEST_LENGTH);
    CHECK_RESULT(signet_verify_digest(spki, 10, SIGNET_ALGORITHM_ECDSA_SHA256_DER, DIGEST32, 32, sig, sig_len), SIGNET_RESULT_VERIFY_MALFORMED_PUBLIC_KEY);
    CHECK_RESULT(signet_verify_digest(spki, spki_len, SIGNET_ALGORITHM_RSA_PSS_SHA256, DIGEST32, 32, sig, sig_len), SIGNET_RESULT_VERIFY_KEY_ALGORITHM_MISMATCH);
    CHECK_RESULT(signet_verify_digest(spki, spki_len, 0, DIGEST32, 32, sig, sig_len), SIGNET_RESULT_INVALID_ARGUMENT);
    CHECK_RESULT(signet_verify_digest(NULL, 0, SIGNET_ALGORITHM_ECDSA_SHA256_DER, DIGEST32, 32, sig, sig_len), SIGNET_RESULT_NULL_POINTER);
    CHECK_RESULT(signet_token_sign_digest(t, h, SIGNET_ALGORITHM_ECDSA_SHA384_DER, DIGEST32, 32, sig, sizeof sig, &sig_len), SIGNET_RESULT_TOKEN_NOT_PERMITTED);
    CHECK_RESULT(signet_token_sign_digest(t, h, SIGNET_ALGORITHM_ECDSA_SHA256_DER, DIGEST32, 20, sig, sizeof sig, &sig_len), SIGNET_RESULT_TOKEN_INVALID_DIGEST);
    CHECK_RESULT(signet_token_sign_digest(t, h, SIGNET_ALGORITHM_ECDSA_SHA256_DER, DIGEST32, 32, sig, 10, &sig_len), SIGNET_RESULT_TOKEN_BUFFER_TOO_SMALL);
    CHECK_RESULT(signet_token_sign_digest(t, h, 13, DIGEST32, 32, sig, sizeof sig, &sig_len), SIGNET_RESULT_INVALID_ARGUMENT);
    CHECK_RESULT(signet_token_sign_digest(t, h, SIGNET_ALGORITHM_ECDSA_SHA256_DER, DIGEST32, 32, NULL, 0, &sig_len), SIGNET_RESULT_NULL_POINTER);
    CHECK_RESULT(signet_token_sign_digest(t, h, SIGNET_ALGORITHM_ECDSA_SHA256_DER, DIGEST32, 32, sig, sizeof sig, NULL), SIGNET_RESULT_NULL_POINTER);

    /* import a PKCS#8 key made by OpenSSL (the vectors hold none, so make one in memory is not possible in C
       without libcrypto): garbage is refused */
    CHECK_RESULT(signet_token_soft_import_pkcs8(t, S("not a key"), SIGNET_KEY_USAGE_SIGN_HASH, SIGNET_ALGORITHM_ECDSA_SHA256_DER, &h2), SIGNET_RESULT_TOKEN_INVALID_KEY);
    CHECK_RESULT(signet_token_soft_import_pkcs8(t, S("-----BEGIN PRIVATE KEY-----\n"), SIGNET_KEY_USAGE_SIGN_HASH, SIGNET_ALGORITHM_ECDSA_SHA256_DER, &h2), SIGNET_RESULT_TOKEN_INVALID_KEY);
    CHECK_RESULT(signet_token_soft_import_pkcs8(t, S("x"), 1u << 30, SIGNET_ALGORITHM_ECDSA_SHA256_DER, &h2), SIGNET_RESULT_INVALID_ARGUMENT);
    CHECK_RESULT(signet_token_soft_import_pkcs8(t, S("x"), SIGNET_KEY_USAGE_SIGN_HASH, 0, &h2), SIGNET_RESULT_INVALID_ARGUMENT);
    CHECK_RESULT(signet_token_soft_import_pkcs8(t, NULL, 0, SIGNET_KEY_USAGE_SIGN_HASH, 1, &h2), SIGNET_RESULT_NULL_POINTER);
    CHECK_RESULT(signet_token_soft_import_pkcs8(t, S("x"), SIGNET_KEY_USAGE_SIGN_HASH, 1, NULL), SIGNET_RESULT_NULL_POINTER);

    /* a token written in C */
    faulty f = {t, 0, 0};
    signet_token_vtable vt = {f_attrs, f_pub, f_sign};
    signet_token *c = NULL;
    CHECK_RESULT(signet_token_new_from_vtable(&vt, &f, &c), SIGNET_RESULT_OK);
    signet_token_vtable holes = vt;
    holes.sign_digest = NULL;
    signet_token *c2 = NULL;
    CHECK_RESULT(signet_token_new_from_vtable(&holes, &f, &c2), SIGNET_RESULT_NULL_POINTER);
    CHECK_RESULT(signet_token_new_from_vtable(NULL, &f, &c2), SIGNET_RESULT_NULL_POINTER);
    CHECK_RESULT(signet_token_new_from_vtable(&vt, &f, NULL), SIGNET_RESULT_NULL_POINTER);
    CHECK(c2 == NULL);
    CHECK_RESULT(signet_token_soft_generate(c, &a, &h2), SIGNET_RESULT_INVALID_ARGUMENT); /* not a software token */
    CHECK_RESULT(signet_token_key_attributes(c, h, &got), SIGNET_RESULT_OK);
    CHECK(got.algorithm == SIGNET_ALGORITHM_ECDSA_SHA256_DER);
    size_t n2 = 0;
    uint8_t spki2[SIGNET_MAX_SPKI_LEN];
    CHECK_RESULT(signet_token_public_key(c, h, spki2, sizeof spki2, &n2), SIGNET_RESULT_OK);
    CHECK(n2 == spki_len && memcmp(spki, spki2, n2) == 0);
    CHECK_RESULT(signet_token_sign_digest(c, h, SIGNET_ALGORITHM_ECDSA_SHA256_DER, DIGEST32, 32, sig, sizeof sig, &sig_len), SIGNET_RESULT_OK);
    CHECK_RESULT(signet_verify_digest(spki, spki_len, SIGNET_ALGORITHM_ECDSA_SHA256_DER, DIGEST32, 32, sig, sig_len), SIGNET_RESULT_OK);
    /* attribute checks happen before the C sign callback runs */
    int calls = f.sign_calls;
    CHECK_RESULT(signet_token_sign_digest(c, h, SIGNET_ALGORITHM_ECDSA_SHA384_DER, DIGEST32, 32, sig, sizeof sig, &sig_len), SIGNET_RESULT_TOKEN_NOT_PERMITTED);
    CHECK_RESULT(signet_token_sign_digest(c, h, SIGNET_ALGORITHM_ECDSA_SHA256_DER, DIGEST32, 16, sig, sizeof sig, &sig_len), SIGNET_RESULT_TOKEN_INVALID_DIGEST);
    CHECK_RESULT(signet_token_sign_digest(c, h, SIGNET_ALGORITHM_ECDSA_SHA256_DER, DIGEST32, 32, sig, 8, &sig_len), SIGNET_RESULT_TOKEN_BUFFER_TOO_SMALL);
    CHECK(f.sign_calls == calls);
    CHECK_RESULT(signet_token_sign_digest(c, 77, SIGNET_ALGORITHM_ECDSA_SHA256_DER, DIGEST32, 32, sig, sizeof sig, &sig_len), SIGNET_RESULT_TOKEN_INVALID_HANDLE);
    /* a faulty token's wrong signature does not verify */
    f.mode = 1;
    CHECK_RESULT(signet_token_sign_digest(c, h, SIGNET_ALGORITHM_ECDSA_SHA256_DER, DIGEST32, 32, sig, sizeof sig, &sig_len), SIGNET_RESULT_OK);
    CHECK(signet_verify_digest(spki, spki_len, SIGNET_ALGORITHM_ECDSA_SHA256_DER, DIGEST32, 32, sig, sig_len) != SIGNET_RESULT_OK);
    f.mode = 2;
    CHECK_RESULT(signet_token_sign_digest(c, h, SIGNET_ALGORITHM_ECDSA_SHA256_DER, DIGEST32, 32, sig, sizeof sig, &sig_len), SIGNET_RESULT_TOKEN_HARDWARE);
    f.mode = 5;
    CHECK_RESULT(signet_token_sign_digest(c, h, SIGNET_ALGORITHM_ECDSA_SHA256_DER, DIGEST32, 32, sig, sizeof sig, &sig_len), SIGNET_RESULT_TOKEN_OTHER);
    f.mode = 3; /* a length beyond the buffer is refused */
    CHECK_RESULT(signet_token_sign_digest(c, h, SIGNET_ALGORITHM_ECDSA_SHA256_DER, DIGEST32, 32, sig, sizeof sig, &sig_len), SIGNET_RESULT_TOKEN_HARDWARE);
    CHECK_RESULT(signet_token_public_key(c, h, spki2, sizeof spki2, &n2), SIGNET_RESULT_TOKEN_HARDWARE);
    f.mode = 4;
    CHECK_RESULT(signet_token_key_attributes(c, h, &got), SIGNET_RESULT_TOKEN_NOT_SUPPORTED);
    signet_token_free(c);
    signet_token_free(t);
    signet_token_free(NULL);
}

/* ---- certificates ------------------------------------------------------ */
static void test_certificates(void) {
    const int64_t nb = 1767225600LL, na = nb + 86400LL * 365;
    signet_token *t = NULL;
    CHECK_RESULT(signet_token_soft_new(&t), SIGNET_RESULT_OK);
    signet_key_attributes a = {SIGNET_KEY_TYPE_ECC_P256, 256, SIGNET_KEY_USAGE_SIGN_HASH,
                               SIGNET_ALGORITHM_ECDSA_SHA256_DER, SIGNET_KEY_PROTECTION_UNKNOWN};
    uint32_t h = 0;
    CHECK_RESULT(signet_token_soft_generate(t, &a, &h), SIGNET_RESULT_OK);
    uint8_t cert[4096];
    size_t cert_len = 0;
    CHECK_RESULT(signet_certificate_self_signed(t, h, S("signet test"), nb, na, 7, cert, sizeof cert, &cert_len),
                 SIGNET_RESULT_OK);
    CHECK(cert_len > 200 && cert[0] == 0x30);
    uint8_t fp[32], fp2[32];
    memset(fp2, 0xAA, sizeof fp2);
    CHECK_RESULT(signet_certificate_fingerprint(cert, cert_len, fp), SIGNET_RESULT_OK);
    CHECK(memcmp(fp, fp2, 32) != 0);
    CHECK_RESULT(signet_certificate_fingerprint(cert, 20, fp2), SIGNET_RESULT_CERTIFICATE_MALFORMED);
    CHECK_RESULT(signet_certificate_fingerprint(NULL, 0, fp2), SIGNET_RESULT_NULL_POINTER);
    CHECK_RESULT(signet_certificate_fingerprint(cert, cert_len, NULL), SIGNET_RESULT_NULL_POINTER);
    CHECK(fp2[0] == 0xAA && fp2[31] == 0xAA);

    const uint8_t bad_utf8[] = {'a', 0xff, 'b'};
    uint8_t small[16];
    size_t small_n = 99;
    CHECK_RESULT(signet_certificate_self_signed(t, h, S("x"), nb, na, 1, small, sizeof small, &small_n),
                 SIGNET_RESULT_BUFFER_TOO_SMALL);
    CHECK(small_n == 99);
    CHECK_RESULT(signet_certificate_self_signed(t, h, S("x"), nb, na, 0, cert, sizeof cert, &small_n),
                 SIGNET_RESULT_CERT_INVALID_SERIAL);
    CHECK_RESULT(signet_certificate_self_signed(t, h, S("x"), na, nb, 1, cert, sizeof cert, &small_n),
                 SIGNET_RESULT_CERT_INVALID_VALIDITY);
    CHECK_RESULT(signet_certificate_self_signed(t, h, bad_utf8, sizeof bad_utf8, nb, na, 1, cert, sizeof cert,
                                                &small_n),
                 SIGNET_RESULT_INVALID_UTF8);
    CHECK_RESULT(signet_certificate_self_signed(NULL, h, S("x"), nb, na, 1, cert, sizeof cert, &small_n),
                 SIGNET_RESULT_NULL_POINTER);
    CHECK_RESULT(signet_certificate_self_signed(t, h, S("x"), nb, na, 1, cert, sizeof cert, NULL),
                 SIGNET_RESULT_NULL_POINTER);
    CHECK(small_n == 99);
    signet_token_free(t);
}

int main(int argc, char **argv) {
    if (argc > 1) keys_dir = argv[1];
    test_results();
    test_order();
    test_policy();
    test_counter_memory();
    test_counter_flash();
    test_tokens();
    test_certificates();
    return finish("test_api");
}
