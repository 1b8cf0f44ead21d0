/* Grants through the enforced sign path (signet_sign_digest): a grant that
   pays for signatures, grants of another grantee or for another signer, grants
   outside their window or revoked, and a grant whose operations are used up.
   Every refusal writes nothing and consumes nothing (budget and grant). */
#include <stdint.h>
#include "check.h"

#define NB 1767225600LL          /* 2026-01-01 */
#define NA (NB + 86400LL * 365)  /* one year */
#define NOW 1772323200LL         /* 2026-03-01 */
#define ALG SIGNET_ALGORITHM_ECDSA_SHA256_DER

static const uint8_t DIGEST[32] = {9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 1, 2, 3, 4, 5, 6,
                                   7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22};

static signet_token *tok;
static uint32_t key;
static uint8_t cert[4096];
static size_t cert_len;
static uint8_t spki[SIGNET_MAX_SPKI_LEN];
static size_t spki_len;
static signet_budget *budget;
static signet_counter_store *store;

static uint64_t used(void) {
    signet_usage u = {0, 0, 0, 0};
    CHECK_RESULT(signet_counter_store_usage(store, &u), SIGNET_RESULT_OK);
    return u.used;
}

static uint32_t grant_used(const signet_grant *g, signet_grant_status *status) {
    uint32_t n = 0xFFFFFFFFu;
    CHECK_RESULT(signet_grant_get_status(g, NOW, status, &n), SIGNET_RESULT_OK);
    return n;
}

/* A grant for `grantee` on `signer`'s policy, approved by carol:
   [valid_from, valid_until), `ops` operations. */
static signet_grant *make_grant(uint64_t id, const char *grantee, const char *signer, int64_t valid_from,
                                int64_t valid_until, uint32_t ops) {
    signet_str approvers[1] = {{(const uint8_t *)"carol", 5}};
    signet_approval_step step = {approvers, 1, 1};
    uint64_t window = 86400;
    uint32_t max_ops = 10;
    signet_signer_policy *p = NULL;
    CHECK_RESULT(signet_signer_policy_new(S(signer), &window, &max_ops, 3600, &step, 1, &p), SIGNET_RESULT_OK);
    signet_request_params params = {&valid_from, &valid_until, &ops, (const uint8_t *)"release", 7};
    signet_signing_request *req = NULL;
    CHECK_RESULT(signet_signing_request_open(id, S(grantee), p, &params, NOW - 1000, &req), SIGNET_RESULT_OK);
    signet_approval ap;
    signet_grant *g = NULL;
    CHECK_RESULT(signet_signing_request_approve(req, S("carol"), NOW - 900, &ap, &g), SIGNET_RESULT_OK);
    CHECK(ap.kind == SIGNET_APPROVAL_KIND_GRANTED && g != NULL);
    signet_signing_request_free(req);
    signet_signer_policy_free(p);
    return g;
}

static void reset(uint8_t *sig, signet_receipt *r) {
    memset(sig, 0xAA, SIGNET_MAX_SIGNATURE_LEN);
    memset(r, 0, sizeof *r);
    r->counter_index = 0x5555555555555555ULL;
    r->signature_len = 0x5555;
}

static signet_result sign(int64_t now, signet_grant *g, const signet_sign_options *o, uint8_t *sig, size_t sig_len,
                          signet_receipt *r) {
    reset(sig, r);
    return signet_sign_digest(cert, cert_len, tok, key, budget, store, S("alice"), now, g, ALG, DIGEST, 32, o, sig,
                              sig_len, r);
}

/* A refusal: the expected result, nothing written, no signature and no grant
   operation consumed. */
static void refused(int line, signet_result got, signet_result want, const uint8_t *sig, const signet_receipt *r,
                    uint64_t used_before, const signet_grant *g, uint32_t grant_used_before) {
    int ok = got == want;
    for (size_t i = 0; i < SIGNET_MAX_SIGNATURE_LEN; i++) ok &= sig[i] == 0xAA;
    ok &= r->counter_index == 0x5555555555555555ULL && r->signature_len == 0x5555 && !r->has_grant;
    ok &= used() == used_before;
    signet_grant_status st;
    ok &= grant_used(g, &st) == grant_used_before;
    if (!ok) {
        const char *c = signet_result_code_str(got);
        fprintf(stderr, "line %d: got %u (%s), wanted %s\n", line, (unsigned)got, c ? c : "?",
                signet_result_code_str(want));
    }
    CHECK(ok);
}

static void signed_ok(signet_result got, const uint8_t *sig, const signet_receipt *r, uint64_t index,
                      uint64_t grant_id) {
    CHECK_RESULT(got, SIGNET_RESULT_OK);
    CHECK(r->counter_index == index && r->has_grant && r->grant_id == grant_id);
    CHECK(r->signature_len > 8 && r->signature_len <= 72);
    CHECK_RESULT(signet_verify_digest(spki, spki_len, ALG, DIGEST, 32, sig, r->signature_len), SIGNET_RESULT_OK);
}

int main(void) {
    CHECK_RESULT(signet_token_soft_new(&tok), SIGNET_RESULT_OK);
    signet_key_attributes a = {SIGNET_KEY_TYPE_ECC_P256, 256, SIGNET_KEY_USAGE_SIGN_HASH, ALG};
    CHECK_RESULT(signet_token_soft_generate(tok, &a, &key), SIGNET_RESULT_OK);
    CHECK_RESULT(signet_certificate_self_signed(tok, key, S("signet grant test"), NB, NA, 11, cert, sizeof cert,
                                                &cert_len),
                 SIGNET_RESULT_OK);
    CHECK_RESULT(signet_token_public_key(tok, key, spki, sizeof spki, &spki_len), SIGNET_RESULT_OK);
    uint8_t fp[32];
    CHECK_RESULT(signet_certificate_fingerprint(cert, cert_len, fp), SIGNET_RESULT_OK);
    CHECK_RESULT(signet_budget_new(fp, NB, NA, S("alice"), 100, &budget), SIGNET_RESULT_OK);
    CHECK_RESULT(signet_counter_store_memory_new(&store), SIGNET_RESULT_OK);

    uint8_t sig[SIGNET_MAX_SIGNATURE_LEN];
    signet_receipt r;
    signet_grant_status st;
    const signet_sign_options strict = {true, true};

    /* 1. alice's own grant pays for signatures, with and without require_grant */
    signet_grant *good = make_grant(41, "alice", "alice", NOW - 500, NOW + 3600, 3);
    CHECK(grant_used(good, &st) == 0 && st == SIGNET_GRANT_STATUS_ACTIVE);
    signed_ok(sign(NOW, good, &strict, sig, sizeof sig, &r), sig, &r, 0, 41);
    CHECK(r.signatures_remaining == 99 && used() == 1 && grant_used(good, &st) == 1);
    signed_ok(sign(NOW, good, NULL, sig, sizeof sig, &r), sig, &r, 1, 41);
    CHECK(used() == 2 && grant_used(good, &st) == 2 && st == SIGNET_GRANT_STATUS_ACTIVE);
    /* a refusal after the grant check (the token's output buffer) consumes no grant operation */
    refused(__LINE__, sign(NOW, good, &strict, sig, 10, &r), SIGNET_RESULT_SIGN_TOKEN, sig, &r, 2, good, 2);
    /* without a grant, require_grant refuses; with none required, no grant is charged */
    refused(__LINE__, sign(NOW, NULL, &strict, sig, sizeof sig, &r), SIGNET_RESULT_SIGN_GRANT_REQUIRED, sig, &r, 2,
            good, 2);
    reset(sig, &r);
    CHECK_RESULT(sign(NOW, NULL, NULL, sig, sizeof sig, &r), SIGNET_RESULT_OK);
    CHECK(r.counter_index == 2 && !r.has_grant && r.grant_id == 0 && grant_used(good, &st) == 2);

    /* 2. the grant outside its window: not yet / ended (valid_until is exclusive) */
    refused(__LINE__, sign(NOW - 501, good, NULL, sig, sizeof sig, &r), SIGNET_RESULT_SIGN_GRANT_INACTIVE, sig, &r, 3,
            good, 2);
    refused(__LINE__, sign(NOW + 3600, good, &strict, sig, sizeof sig, &r), SIGNET_RESULT_SIGN_GRANT_INACTIVE, sig, &r,
            3, good, 2);
    signet_grant *later = make_grant(42, "alice", "alice", NOW + 1000, NOW + 2000, 3);
    refused(__LINE__, sign(NOW, later, &strict, sig, sizeof sig, &r), SIGNET_RESULT_SIGN_GRANT_INACTIVE, sig, &r, 3,
            later, 0);
    char msg[256];
    size_t n = 0;
    CHECK_RESULT(signet_last_error_message(msg, sizeof msg, &n), SIGNET_RESULT_OK);
    CHECK(strstr(msg, "grant") != NULL);
    /* inside its window it pays */
    signed_ok(sign(NOW + 1000, later, &strict, sig, sizeof sig, &r), sig, &r, 3, 42);
    CHECK(grant_used(later, &st) == 1);

    /* 3. the grant of another grantee, a grant for another signer */
    signet_grant *bobs = make_grant(43, "bob", "alice", NOW - 500, NOW + 3600, 3);
    refused(__LINE__, sign(NOW, bobs, &strict, sig, sizeof sig, &r), SIGNET_RESULT_SIGN_GRANT_MISMATCH, sig, &r, 4,
            bobs, 0);
    refused(__LINE__, sign(NOW, bobs, NULL, sig, sizeof sig, &r), SIGNET_RESULT_SIGN_GRANT_MISMATCH, sig, &r, 4, bobs,
            0);
    signet_grant *zeds = make_grant(44, "alice", "zed", NOW - 500, NOW + 3600, 3);
    refused(__LINE__, sign(NOW, zeds, &strict, sig, sizeof sig, &r), SIGNET_RESULT_SIGN_GRANT_MISMATCH, sig, &r, 4,
            zeds, 0);
    CHECK(strcmp(signet_result_code_str(SIGNET_RESULT_SIGN_GRANT_MISMATCH), "sign_grant_mismatch") == 0);

    /* 4. a revoked grant is inactive */
    signet_grant *revoked = make_grant(45, "alice", "alice", NOW - 500, NOW + 3600, 3);
    CHECK_RESULT(signet_grant_revoke(revoked), SIGNET_RESULT_OK);
    refused(__LINE__, sign(NOW, revoked, &strict, sig, sizeof sig, &r), SIGNET_RESULT_SIGN_GRANT_INACTIVE, sig, &r, 4,
            revoked, 0);

    /* 5. the good grant's third and last operation, then it is used up: refused
          with grant_exhausted, nothing taken from the budget or the grant */
    signed_ok(sign(NOW + 10, good, &strict, sig, sizeof sig, &r), sig, &r, 4, 41);
    CHECK(r.signatures_remaining == 95 && used() == 5);
    CHECK(grant_used(good, &st) == 3 && st == SIGNET_GRANT_STATUS_USED_UP);
    refused(__LINE__, sign(NOW + 20, good, &strict, sig, sizeof sig, &r), SIGNET_RESULT_SIGN_GRANT_EXHAUSTED, sig, &r, 5,
            good, 3);
    refused(__LINE__, sign(NOW + 20, good, NULL, sig, sizeof sig, &r), SIGNET_RESULT_SIGN_GRANT_EXHAUSTED, sig, &r, 5,
            good, 3);
    CHECK_RESULT(signet_last_error_message(msg, sizeof msg, &n), SIGNET_RESULT_OK);
    CHECK(strstr(msg, "3 sign operations") != NULL);
    CHECK(strcmp(signet_result_code_str(SIGNET_RESULT_SIGN_GRANT_EXHAUSTED), "sign_grant_exhausted") == 0);
    /* the budget is still there for a signature without a grant */
    reset(sig, &r);
    CHECK_RESULT(sign(NOW, NULL, NULL, sig, sizeof sig, &r), SIGNET_RESULT_OK);
    CHECK(r.counter_index == 5 && used() == 6);

    signet_grant_free(good);
    signet_grant_free(later);
    signet_grant_free(bobs);
    signet_grant_free(zeds);
    signet_grant_free(revoked);
    signet_budget_free(budget);
    signet_counter_store_free(store);
    signet_token_free(tok);
    return finish("test_sign_grant");
}
