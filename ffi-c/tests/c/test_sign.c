/* The enforced sign primitive through C: signet_sign_digest with the software
   token and with tokens written in C (an OpenSSL key, a faulty wrapper), every
   refusal path, and OpenSSL's libcrypto as the independent verifier. */
#include <stdint.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include "check.h"

#define NB 1767225600LL          /* 2026-01-01 */
#define NA (NB + 86400LL * 365)  /* one year */
#define NOW 1772323200LL         /* 2026-03-01 */
#define ALG SIGNET_ALGORITHM_ECDSA_SHA256_DER

static uint8_t DIGEST[32];

/* A certificate for `h`, a budget of `allotment` for "alice", an empty store. */
typedef struct {
    uint8_t cert[4096];
    size_t cert_len;
    signet_budget *budget;
    signet_counter_store *store;
} setup;

static void make_setup(setup *s, signet_token *t, uint32_t h, uint64_t allotment) {
    memset(s, 0, sizeof *s);
    CHECK_RESULT(signet_certificate_self_signed(t, h, S("signet test"), NB, NA, 7, s->cert, sizeof s->cert, &s->cert_len),
                 SIGNET_RESULT_OK);
    uint8_t fp[32];
    CHECK_RESULT(signet_certificate_fingerprint(s->cert, s->cert_len, fp), SIGNET_RESULT_OK);
    CHECK_RESULT(signet_budget_new(fp, NB, NA, S("alice"), allotment, &s->budget), SIGNET_RESULT_OK);
    CHECK_RESULT(signet_counter_store_memory_new(&s->store), SIGNET_RESULT_OK);
}

static void free_setup(setup *s) {
    signet_budget_free(s->budget);
    signet_counter_store_free(s->store);
}

static uint64_t used(signet_counter_store *store) {
    signet_usage u = {0, 0, 0, 0};
    CHECK_RESULT(signet_counter_store_usage(store, &u), SIGNET_RESULT_OK);
    return u.used;
}

/* OpenSSL verifies `sig` with the public key of the DER certificate. */
static int openssl_verifies_cert(const uint8_t *cert, size_t cert_len, const uint8_t *sig, size_t sig_len) {
    const unsigned char *p = cert;
    X509 *x = d2i_X509(NULL, &p, (long)cert_len);
    if (!x) return 0;
    EVP_PKEY *key = X509_get0_pubkey(x);
    EVP_PKEY_CTX *ctx = key ? EVP_PKEY_CTX_new(key, NULL) : NULL;
    int ok = ctx && EVP_PKEY_verify_init(ctx) == 1 && EVP_PKEY_verify(ctx, sig, sig_len, DIGEST, 32) == 1;
    EVP_PKEY_CTX_free(ctx);
    X509_free(x);
    return ok;
}

/* A refusal writes nothing and consumes nothing. */
static void refused(signet_result got, signet_result want, const uint8_t *sig, const signet_receipt *r,
                    signet_counter_store *store, uint64_t used_before) {
    CHECK(got == want);
    if (got != want) {
        const char *g = signet_result_code_str(got);
        fprintf(stderr, "  got %u (%s), wanted %u (%s)\n", (unsigned)got, g ? g : "?", (unsigned)want,
                signet_result_code_str(want));
    }
    int untouched = 1;
    for (size_t i = 0; i < SIGNET_MAX_SIGNATURE_LEN; i++) untouched &= sig[i] == 0xAA;
    CHECK(untouched);
    CHECK(r->counter_index == 0x5555555555555555ULL && r->signature_len == 0x5555);
    CHECK(used(store) == used_before);
}

static void reset(uint8_t *sig, signet_receipt *r) {
    memset(sig, 0xAA, SIGNET_MAX_SIGNATURE_LEN);
    memset(r, 0, sizeof *r);
    r->counter_index = 0x5555555555555555ULL;
    r->signature_len = 0x5555;
}

static void test_soft(void) {
    signet_token *t = NULL;
    CHECK_RESULT(signet_token_soft_new(&t), SIGNET_RESULT_OK);
    signet_key_attributes a = {SIGNET_KEY_TYPE_ECC_P256, 256, SIGNET_KEY_USAGE_SIGN_HASH, ALG};
    uint32_t h = 0, other = 0;
    CHECK_RESULT(signet_token_soft_generate(t, &a, &h), SIGNET_RESULT_OK);
    CHECK_RESULT(signet_token_soft_generate(t, &a, &other), SIGNET_RESULT_OK);
    setup s;
    make_setup(&s, t, h, 3);
    uint8_t spki[SIGNET_MAX_SPKI_LEN];
    size_t spki_len = 0;
    CHECK_RESULT(signet_token_public_key(t, h, spki, sizeof spki, &spki_len), SIGNET_RESULT_OK);
    uint8_t fp[32];
    CHECK_RESULT(signet_certificate_fingerprint(s.cert, s.cert_len, fp), SIGNET_RESULT_OK);

    uint8_t sig[SIGNET_MAX_SIGNATURE_LEN];
    signet_receipt r;

    /* 1: a full enforced signature, verified by Signet and by OpenSSL */
    reset(sig, &r);
    CHECK_RESULT(signet_sign_digest(s.cert, s.cert_len, t, h, s.budget, s.store, S("alice"), NOW, NULL, ALG, DIGEST, 32,
                                    NULL, sig, sizeof sig, &r),
                 SIGNET_RESULT_OK);
    CHECK(r.counter_index == 0 && r.signatures_remaining == 2 && !r.has_grant && r.grant_id == 0);
    CHECK(r.level == SIGNET_USAGE_LEVEL_NORMAL && r.crossed == SIGNET_USAGE_LEVEL_NONE);
    CHECK(memcmp(r.cert_fingerprint, fp, 32) == 0);
    CHECK(r.signature_len > 8 && r.signature_len <= 72);
    CHECK_RESULT(signet_verify_digest(spki, spki_len, ALG, DIGEST, 32, sig, r.signature_len), SIGNET_RESULT_OK);
    CHECK(openssl_verifies_cert(s.cert, s.cert_len, sig, r.signature_len));
    CHECK(used(s.store) == 1);

    /* every refusal: the result, nothing written, nothing consumed */
    signet_sign_options strict = {true, true};
    reset(sig, &r);
    refused(signet_sign_digest(s.cert, s.cert_len, t, other, s.budget, s.store, S("alice"), NOW, NULL, ALG, DIGEST, 32,
                               NULL, sig, sizeof sig, &r),
            SIGNET_RESULT_SIGN_KEY_MISMATCH, sig, &r, s.store, 1);
    refused(signet_sign_digest(s.cert, s.cert_len, t, h, s.budget, s.store, S("alice"), NA + 1, NULL, ALG, DIGEST, 32,
                               NULL, sig, sizeof sig, &r),
            SIGNET_RESULT_SIGN_CERTIFICATE_EXPIRED, sig, &r, s.store, 1);
    char msg[256];
    size_t n = 0;
    CHECK_RESULT(signet_last_error_message(msg, sizeof msg, &n), SIGNET_RESULT_OK);
    CHECK(strstr(msg, "expired") != NULL);
    refused(signet_sign_digest(s.cert, s.cert_len, t, h, s.budget, s.store, S("alice"), NB - 1, NULL, ALG, DIGEST, 32,
                               NULL, sig, sizeof sig, &r),
            SIGNET_RESULT_SIGN_CERTIFICATE_NOT_YET_VALID, sig, &r, s.store, 1);
    refused(signet_sign_digest(s.cert, s.cert_len, t, h, s.budget, s.store, S("bob"), NOW, NULL, ALG, DIGEST, 32, NULL,
                               sig, sizeof sig, &r),
            SIGNET_RESULT_SIGN_NOT_ASSIGNED_SIGNER, sig, &r, s.store, 1);
    refused(signet_sign_digest(s.cert, s.cert_len, t, h, s.budget, s.store, S("alice"), NOW, NULL, ALG, DIGEST, 32,
                               &strict, sig, sizeof sig, &r),
            SIGNET_RESULT_SIGN_GRANT_REQUIRED, sig, &r, s.store, 1);
    refused(signet_sign_digest(s.cert, s.cert_len, t, h, s.budget, s.store, S("alice"), NOW, NULL, ALG, DIGEST, 32,
                               NULL, sig, 10, &r),
            SIGNET_RESULT_SIGN_TOKEN, sig, &r, s.store, 1);
    refused(signet_sign_digest(s.cert, s.cert_len, t, h, s.budget, s.store, S("alice"), NOW, NULL, ALG, DIGEST, 20,
                               NULL, sig, sizeof sig, &r),
            SIGNET_RESULT_SIGN_TOKEN, sig, &r, s.store, 1);
    refused(signet_sign_digest(s.cert, s.cert_len, t, h, s.budget, s.store, S("alice"), NOW, NULL,
                               SIGNET_ALGORITHM_ECDSA_SHA384_DER, DIGEST, 32, NULL, sig, sizeof sig, &r),
            SIGNET_RESULT_SIGN_TOKEN, sig, &r, s.store, 1);
    /* a budget of another certificate, a revoked one */
    uint8_t zero[32] = {0};
    signet_budget *foreign = NULL;
    CHECK_RESULT(signet_budget_new(zero, NB, NA, S("alice"), 3, &foreign), SIGNET_RESULT_OK);
    refused(signet_sign_digest(s.cert, s.cert_len, t, h, foreign, s.store, S("alice"), NOW, NULL, ALG, DIGEST, 32, NULL,
                               sig, sizeof sig, &r),
            SIGNET_RESULT_SIGN_BUDGET_MISMATCH, sig, &r, s.store, 1);
    signet_budget_free(foreign);
    signet_budget *revoked = NULL;
    CHECK_RESULT(signet_budget_new(fp, NB, NA, S("alice"), 3, &revoked), SIGNET_RESULT_OK);
    CHECK_RESULT(signet_budget_revoke(revoked, fp), SIGNET_RESULT_OK);
    refused(signet_sign_digest(s.cert, s.cert_len, t, h, revoked, s.store, S("alice"), NOW, NULL, ALG, DIGEST, 32, NULL,
                               sig, sizeof sig, &r),
            SIGNET_RESULT_SIGN_REVOKED, sig, &r, s.store, 1);
    signet_budget_free(revoked);

    /* misuse: NULL pointers, bad UTF-8, bad user ids, bad algorithm, bad certificate */
    const uint8_t bad_utf8[] = {'a', 0xff, 'b'};
    refused(signet_sign_digest(NULL, 0, t, h, s.budget, s.store, S("alice"), NOW, NULL, ALG, DIGEST, 32, NULL, sig,
                               sizeof sig, &r),
            SIGNET_RESULT_NULL_POINTER, sig, &r, s.store, 1);
    refused(signet_sign_digest(s.cert, s.cert_len, NULL, h, s.budget, s.store, S("alice"), NOW, NULL, ALG, DIGEST, 32,
                               NULL, sig, sizeof sig, &r),
            SIGNET_RESULT_NULL_POINTER, sig, &r, s.store, 1);
    refused(signet_sign_digest(s.cert, s.cert_len, t, h, NULL, s.store, S("alice"), NOW, NULL, ALG, DIGEST, 32, NULL,
                               sig, sizeof sig, &r),
            SIGNET_RESULT_NULL_POINTER, sig, &r, s.store, 1);
    refused(signet_sign_digest(s.cert, s.cert_len, t, h, s.budget, NULL, S("alice"), NOW, NULL, ALG, DIGEST, 32, NULL,
                               sig, sizeof sig, &r),
            SIGNET_RESULT_NULL_POINTER, sig, &r, s.store, 1);
    refused(signet_sign_digest(s.cert, s.cert_len, t, h, s.budget, s.store, NULL, 5, NOW, NULL, ALG, DIGEST, 32, NULL,
                               sig, sizeof sig, &r),
            SIGNET_RESULT_NULL_POINTER, sig, &r, s.store, 1);
    refused(signet_sign_digest(s.cert, s.cert_len, t, h, s.budget, s.store, S("alice"), NOW, NULL, ALG, NULL, 32, NULL,
                               sig, sizeof sig, &r),
            SIGNET_RESULT_NULL_POINTER, sig, &r, s.store, 1);
    refused(signet_sign_digest(s.cert, s.cert_len, t, h, s.budget, s.store, S("alice"), NOW, NULL, ALG, DIGEST, 32,
                               NULL, NULL, sizeof sig, &r),
            SIGNET_RESULT_NULL_POINTER, sig, &r, s.store, 1);
    CHECK_RESULT(signet_sign_digest(s.cert, s.cert_len, t, h, s.budget, s.store, S("alice"), NOW, NULL, ALG, DIGEST, 32,
                                    NULL, sig, sizeof sig, NULL),
                 SIGNET_RESULT_NULL_POINTER);
    refused(signet_sign_digest(s.cert, s.cert_len, t, h, s.budget, s.store, bad_utf8, sizeof bad_utf8, NOW, NULL, ALG,
                               DIGEST, 32, NULL, sig, sizeof sig, &r),
            SIGNET_RESULT_INVALID_UTF8, sig, &r, s.store, 1);
    refused(signet_sign_digest(s.cert, s.cert_len, t, h, s.budget, s.store, (const uint8_t *)"", 0, NOW, NULL, ALG,
                               DIGEST, 32, NULL, sig, sizeof sig, &r),
            SIGNET_RESULT_USER_ID_EMPTY, sig, &r, s.store, 1);
    refused(signet_sign_digest(s.cert, s.cert_len, t, h, s.budget, s.store, S("al\nice"), NOW, NULL, ALG, DIGEST, 32,
                               NULL, sig, sizeof sig, &r),
            SIGNET_RESULT_USER_ID_CONTROL_CHARACTER, sig, &r, s.store, 1);
    refused(signet_sign_digest(s.cert, s.cert_len, t, h, s.budget, s.store, S("alice"), NOW, NULL, 0, DIGEST, 32, NULL,
                               sig, sizeof sig, &r),
            SIGNET_RESULT_INVALID_ARGUMENT, sig, &r, s.store, 1);
    refused(signet_sign_digest(s.cert, 20, t, h, s.budget, s.store, S("alice"), NOW, NULL, ALG, DIGEST, 32, NULL, sig,
                            sizeof sig, &r),
            SIGNET_RESULT_CERTIFICATE_MALFORMED, sig, &r, s.store, 1);
    CHECK_RESULT(signet_certificate_fingerprint(s.cert, 20, fp), SIGNET_RESULT_CERTIFICATE_MALFORMED);
    CHECK_RESULT(signet_certificate_fingerprint(NULL, 0, fp), SIGNET_RESULT_NULL_POINTER);
    CHECK_RESULT(signet_certificate_fingerprint(s.cert, s.cert_len, NULL), SIGNET_RESULT_NULL_POINTER);

    /* the budget of 3: signatures 2 and 3 succeed, the 4th is refused, usage stays 3 */
    signet_sign_options no_verify = {false, false};
    reset(sig, &r);
    CHECK_RESULT(signet_sign_digest(s.cert, s.cert_len, t, h, s.budget, s.store, S("alice"), NOW, NULL, ALG, DIGEST, 32,
                                    &no_verify, sig, sizeof sig, &r),
                 SIGNET_RESULT_OK);
    CHECK(r.counter_index == 1 && r.signatures_remaining == 1 && r.level == SIGNET_USAGE_LEVEL_NORMAL &&
          r.crossed == SIGNET_USAGE_LEVEL_NONE);
    CHECK(openssl_verifies_cert(s.cert, s.cert_len, sig, r.signature_len));
    reset(sig, &r);
    CHECK_RESULT(signet_sign_digest(s.cert, s.cert_len, t, h, s.budget, s.store, S("alice"), NOW, NULL, ALG, DIGEST, 32,
                                    NULL, sig, sizeof sig, &r),
                 SIGNET_RESULT_OK);
    CHECK(r.counter_index == 2 && r.signatures_remaining == 0 && r.level == SIGNET_USAGE_LEVEL_EXHAUSTED);
    CHECK_RESULT(signet_verify_digest(spki, spki_len, ALG, DIGEST, 32, sig, r.signature_len), SIGNET_RESULT_OK);
    CHECK(used(s.store) == 3);
    reset(sig, &r);
    refused(signet_sign_digest(s.cert, s.cert_len, t, h, s.budget, s.store, S("alice"), NOW, NULL, ALG, DIGEST, 32,
                               NULL, sig, sizeof sig, &r),
            SIGNET_RESULT_SIGN_BUDGET_EXHAUSTED, sig, &r, s.store, 3);
    CHECK(strcmp(signet_result_code_str(SIGNET_RESULT_SIGN_BUDGET_EXHAUSTED), "sign_budget_exhausted") == 0);

    /* self-signed certificate misuse */
    uint8_t small[16];
    size_t small_n = 99;
    CHECK_RESULT(signet_certificate_self_signed(t, h, S("x"), NB, NA, 1, small, sizeof small, &small_n),
                 SIGNET_RESULT_BUFFER_TOO_SMALL);
    CHECK(small_n == 99);
    CHECK_RESULT(signet_certificate_self_signed(t, h, S("x"), NB, NA, 0, s.cert, sizeof s.cert, &small_n),
                 SIGNET_RESULT_CERT_INVALID_SERIAL);
    CHECK_RESULT(signet_certificate_self_signed(t, h, S("x"), NA, NB, 1, s.cert, sizeof s.cert, &small_n),
                 SIGNET_RESULT_CERT_INVALID_VALIDITY);
    CHECK_RESULT(signet_certificate_self_signed(t, h, bad_utf8, sizeof bad_utf8, NB, NA, 1, s.cert, sizeof s.cert,
                                                &small_n),
                 SIGNET_RESULT_INVALID_UTF8);
    CHECK_RESULT(signet_certificate_self_signed(NULL, h, S("x"), NB, NA, 1, s.cert, sizeof s.cert, &small_n),
                 SIGNET_RESULT_NULL_POINTER);
    CHECK_RESULT(signet_certificate_self_signed(t, h, S("x"), NB, NA, 1, s.cert, sizeof s.cert, NULL),
                 SIGNET_RESULT_NULL_POINTER);
    free_setup(&s);
    signet_token_free(t);
}

/* A token in C over the software token that can corrupt or fail. */
typedef struct {
    signet_token *inner;
    int mode; /* 0 honest, 1 corrupt the signature, 2 hardware failure */
    int sign_calls;
} faulty;

static uint32_t f_attrs(void *user, uint32_t handle, signet_key_attributes *out) {
    faulty *f = user;
    return signet_token_key_attributes(f->inner, handle, out);
}
static uint32_t f_pub(void *user, uint32_t handle, uint8_t *out, size_t len, size_t *n) {
    faulty *f = user;
    return signet_token_public_key(f->inner, handle, out, len, n);
}
static uint32_t f_sign(void *user, uint32_t handle, uint32_t alg, const uint8_t *d, size_t dl, uint8_t *out,
                       size_t len, size_t *n) {
    faulty *f = user;
    f->sign_calls++;
    if (f->mode == 2) return SIGNET_RESULT_TOKEN_HARDWARE;
    uint32_t r = signet_token_sign_digest(f->inner, handle, alg, d, dl, out, len, n);
    if (r == SIGNET_RESULT_OK && f->mode == 1) out[*n - 5] ^= 0x01;
    return r;
}

static void test_c_token(void) {
    signet_token *soft = NULL;
    CHECK_RESULT(signet_token_soft_new(&soft), SIGNET_RESULT_OK);
    signet_key_attributes a = {SIGNET_KEY_TYPE_ECC_P256, 256, SIGNET_KEY_USAGE_SIGN_HASH, ALG};
    uint32_t h = 0;
    CHECK_RESULT(signet_token_soft_generate(soft, &a, &h), SIGNET_RESULT_OK);
    faulty f = {soft, 0, 0};
    signet_token_vtable vt = {f_attrs, f_pub, f_sign};
    signet_token *c = NULL;
    CHECK_RESULT(signet_token_new_from_vtable(&vt, &f, &c), SIGNET_RESULT_OK);
    setup s;
    make_setup(&s, c, h, 10); /* the certificate is signed through the C token too */
    CHECK(f.sign_calls == 1);
    uint8_t sig[SIGNET_MAX_SIGNATURE_LEN];
    signet_receipt r;

    reset(sig, &r);
    CHECK_RESULT(signet_sign_digest(s.cert, s.cert_len, c, h, s.budget, s.store, S("alice"), NOW, NULL, ALG, DIGEST, 32,
                                    NULL, sig, sizeof sig, &r),
                 SIGNET_RESULT_OK);
    CHECK(r.counter_index == 0 && r.signatures_remaining == 9);
    CHECK(openssl_verifies_cert(s.cert, s.cert_len, sig, r.signature_len));

    /* a hardware failure: nothing produced, nothing consumed */
    f.mode = 2;
    reset(sig, &r);
    refused(signet_sign_digest(s.cert, s.cert_len, c, h, s.budget, s.store, S("alice"), NOW, NULL, ALG, DIGEST, 32, NULL,
                               sig, sizeof sig, &r),
            SIGNET_RESULT_SIGN_TOKEN, sig, &r, s.store, 1);

    /* a corrupted signature is caught, not released, and counts as used (fail closed) */
    f.mode = 1;
    int calls = f.sign_calls;
    reset(sig, &r);
    refused(signet_sign_digest(s.cert, s.cert_len, c, h, s.budget, s.store, S("alice"), NOW, NULL, ALG, DIGEST, 32, NULL,
                               sig, sizeof sig, &r),
            SIGNET_RESULT_SIGN_VERIFY_FAILED, sig, &r, s.store, 2);
    CHECK(f.sign_calls == calls + 1);
    /* an honest signature again: the aborted reservation (index 1) is not counted, the bad one (2) is */
    f.mode = 0;
    reset(sig, &r);
    CHECK_RESULT(signet_sign_digest(s.cert, s.cert_len, c, h, s.budget, s.store, S("alice"), NOW, NULL, ALG, DIGEST, 32,
                                    NULL, sig, sizeof sig, &r),
                 SIGNET_RESULT_OK);
    CHECK(r.counter_index == 3 && used(s.store) == 3);
    free_setup(&s);
    signet_token_free(c);
    signet_token_free(soft);
}

/* A token in C over an OpenSSL key: the whole path without the software token. */
typedef struct {
    EVP_PKEY *key;
} ossl_token;

static uint32_t o_attrs(void *user, uint32_t handle, signet_key_attributes *out) {
    (void)user;
    if (handle != 1) return SIGNET_RESULT_TOKEN_INVALID_HANDLE;
    out->key_type = SIGNET_KEY_TYPE_ECC_P256;
    out->bits = 256;
    out->usage = SIGNET_KEY_USAGE_SIGN_HASH;
    out->algorithm = ALG;
    return SIGNET_RESULT_OK;
}
static uint32_t o_pub(void *user, uint32_t handle, uint8_t *out, size_t len, size_t *n) {
    ossl_token *t = user;
    if (handle != 1) return SIGNET_RESULT_TOKEN_INVALID_HANDLE;
    int need = i2d_PUBKEY(t->key, NULL);
    if (need <= 0) return SIGNET_RESULT_TOKEN_HARDWARE;
    if ((size_t)need > len) return SIGNET_RESULT_TOKEN_BUFFER_TOO_SMALL;
    unsigned char *p = out;
    i2d_PUBKEY(t->key, &p);
    *n = (size_t)need;
    return SIGNET_RESULT_OK;
}
static uint32_t o_sign(void *user, uint32_t handle, uint32_t alg, const uint8_t *digest, size_t digest_len,
                       uint8_t *out, size_t len, size_t *n) {
    ossl_token *t = user;
    if (handle != 1) return SIGNET_RESULT_TOKEN_INVALID_HANDLE;
    if (alg != ALG) return SIGNET_RESULT_TOKEN_NOT_PERMITTED;
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(t->key, NULL);
    size_t siglen = len;
    int ok = ctx && EVP_PKEY_sign_init(ctx) == 1 && EVP_PKEY_sign(ctx, out, &siglen, digest, digest_len) == 1;
    EVP_PKEY_CTX_free(ctx);
    if (!ok) return SIGNET_RESULT_TOKEN_HARDWARE;
    *n = siglen;
    return SIGNET_RESULT_OK;
}

static void test_openssl_token(void) {
    ossl_token ot = {EVP_EC_gen("P-256")};
    CHECK(ot.key != NULL);
    signet_token_vtable vt = {o_attrs, o_pub, o_sign};
    signet_token *c = NULL;
    CHECK_RESULT(signet_token_new_from_vtable(&vt, &ot, &c), SIGNET_RESULT_OK);
    setup s;
    make_setup(&s, c, 1, 1);
    uint8_t sig[SIGNET_MAX_SIGNATURE_LEN];
    signet_receipt r;
    reset(sig, &r);
    CHECK_RESULT(signet_sign_digest(s.cert, s.cert_len, c, 1, s.budget, s.store, S("alice"), NOW, NULL, ALG, DIGEST, 32,
                                    NULL, sig, sizeof sig, &r),
                 SIGNET_RESULT_OK);
    CHECK(r.level == SIGNET_USAGE_LEVEL_EXHAUSTED && r.crossed == SIGNET_USAGE_LEVEL_EXHAUSTED);
    CHECK(openssl_verifies_cert(s.cert, s.cert_len, sig, r.signature_len));
    reset(sig, &r);
    refused(signet_sign_digest(s.cert, s.cert_len, c, 1, s.budget, s.store, S("alice"), NOW, NULL, ALG, DIGEST, 32, NULL,
                               sig, sizeof sig, &r),
            SIGNET_RESULT_SIGN_BUDGET_EXHAUSTED, sig, &r, s.store, 1);
    free_setup(&s);
    signet_token_free(c);
    EVP_PKEY_free(ot.key);
}

int main(void) {
    unsigned int dlen = 0;
    CHECK(EVP_Digest("release.bin", 11, DIGEST, &dlen, EVP_sha256(), NULL) == 1 && dlen == 32);
    test_soft();
    test_c_token();
    test_openssl_token();
    return finish("test_sign");
}
