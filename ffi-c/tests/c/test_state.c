/* The state API (signet_state over signet-host): options and init, signing
   files (verified by `openssl cms -verify`, the signer certificate compared
   with the state's) and digests (verified by libcrypto), status after N
   signatures, refusals with their numbers (nothing counted, nothing
   written), budgets, grants, misuse (NULL, UTF-8, lengths), and a damaged
   state (a deleted ledger) failing closed. */
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include "check.h"

#define NOW 1780000000LL          /* 2026-05-28 */
#define DAY 86400LL

static char base[64];
static char state_dir[128];
static char json[16384];

static signet_state_options *opts_for(const char *user, int64_t now) {
    signet_state_options *o = NULL;
    CHECK_RESULT(signet_state_options_new(&o), SIGNET_RESULT_OK);
    CHECK_RESULT(signet_state_options_set_user(o, S(user)), SIGNET_RESULT_OK);
    CHECK_RESULT(signet_state_options_set_now(o, now), SIGNET_RESULT_OK);
    return o;
}

/* Opens the state as `user` at `now`; NULL (and the result in *r) on failure. */
static signet_state *open_as(const char *user, int64_t now, signet_result *r) {
    signet_state_options *o = opts_for(user, now);
    signet_state *s = (signet_state *)(uintptr_t)0x5157;
    signet_result got = signet_state_open(S(state_dir), o, &s);
    signet_state_options_free(o);
    if (r) *r = got;
    if (got != SIGNET_RESULT_OK) {
        CHECK(s == (signet_state *)(uintptr_t)0x5157); /* untouched on failure */
        return NULL;
    }
    return s;
}

static const char *report(signet_state *s) {
    size_t n = 0;
    CHECK_RESULT(signet_state_report_json(s, (uint8_t *)json, sizeof json, &n), SIGNET_RESULT_OK);
    CHECK(n == strlen(json));
    return json;
}

static const char *budget_json(signet_state *s) {
    size_t n = 0;
    CHECK_RESULT(signet_state_budget_show(s, NULL, (uint8_t *)json, sizeof json, &n), SIGNET_RESULT_OK);
    return json;
}

static void write_text(const char *path, const char *text) {
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL);
    if (!f) return;
    fputs(text, f);
    fclose(f);
}

static int exists(const char *path) {
    struct stat st;
    return stat(path, &st) == 0;
}

static int run(const char *cmd) {
    int rc = system(cmd);
    return rc == 0;
}

/* OpenSSL verifies the detached CMS signature of `file` and hands out the
   signer certificate, which must be the state's. */
static void openssl_verifies_file(signet_state *s, const char *file) {
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "openssl cms -verify -binary -inform DER -noverify -in '%s.p7s' -content '%s' -out /dev/null "
             "-signer '%s/signer.pem' 2>/dev/null && openssl x509 -in '%s/signer.pem' -outform DER -out "
             "'%s/signer.der'",
             file, file, base, base, base);
    CHECK(run(cmd));
    size_t n = 0;
    unsigned char *signer = read_file(strcat(strcpy(cmd, base), "/signer.der"), &n);
    uint8_t cert[4096];
    size_t cert_len = 0;
    CHECK_RESULT(signet_state_certificate_der(s, cert, sizeof cert, &cert_len), SIGNET_RESULT_OK);
    CHECK(signer != NULL && n == cert_len && memcmp(signer, cert, n) == 0);
    free(signer);
}

/* libcrypto verifies a signature over `digest` with the state certificate's key. */
static int openssl_verifies_digest(signet_state *s, const uint8_t *digest, const uint8_t *sig, size_t sig_len) {
    uint8_t cert[4096];
    size_t cert_len = 0;
    CHECK_RESULT(signet_state_certificate_der(s, cert, sizeof cert, &cert_len), SIGNET_RESULT_OK);
    const unsigned char *p = cert;
    X509 *x = d2i_X509(NULL, &p, (long)cert_len);
    EVP_PKEY *key = x ? X509_get0_pubkey(x) : NULL;
    EVP_PKEY_CTX *ctx = key ? EVP_PKEY_CTX_new(key, NULL) : NULL;
    int ok = ctx && EVP_PKEY_verify_init(ctx) == 1 && EVP_PKEY_verify(ctx, sig, sig_len, digest, 32) == 1;
    EVP_PKEY_CTX_free(ctx);
    X509_free(x);
    return ok;
}

static void test_options_and_init(void) {
    signet_state_options *o = NULL;
    signet_init_options *i = NULL;
    signet_state *s = NULL;
    const uint8_t bad_utf8[] = {'a', 0xff};
    CHECK_RESULT(signet_state_options_new(NULL), SIGNET_RESULT_NULL_POINTER);
    CHECK_RESULT(signet_state_options_new(&o), SIGNET_RESULT_OK);
    CHECK_RESULT(signet_state_options_set_user(o, bad_utf8, sizeof bad_utf8), SIGNET_RESULT_INVALID_UTF8);
    CHECK_RESULT(signet_state_options_set_user(o, (const uint8_t *)"", 0), SIGNET_RESULT_USER_ID_EMPTY);
    CHECK_RESULT(signet_state_options_set_user(o, S("al\nice")), SIGNET_RESULT_USER_ID_CONTROL_CHARACTER);
    CHECK_RESULT(signet_state_options_set_user(o, NULL, 5), SIGNET_RESULT_NULL_POINTER);
    CHECK_RESULT(signet_state_options_set_user(NULL, S("alice")), SIGNET_RESULT_NULL_POINTER);
    CHECK_RESULT(signet_state_options_set_now(NULL, NOW), SIGNET_RESULT_NULL_POINTER);
    CHECK_RESULT(signet_state_options_set_user(o, S("alice")), SIGNET_RESULT_OK);
    CHECK_RESULT(signet_state_options_set_now(o, NOW), SIGNET_RESULT_OK);

    CHECK_RESULT(signet_init_options_new(NULL), SIGNET_RESULT_NULL_POINTER);
    CHECK_RESULT(signet_init_options_new(&i), SIGNET_RESULT_OK);
    CHECK_RESULT(signet_init_options_set_key_type(i, 99, 0), SIGNET_RESULT_INVALID_ARGUMENT);
    CHECK_RESULT(signet_init_options_set_key_type(i, SIGNET_KEY_TYPE_ECC_P256, 384), SIGNET_RESULT_INVALID_ARGUMENT);
    CHECK_RESULT(signet_init_options_set_key_type(NULL, SIGNET_KEY_TYPE_ECC_P256, 0), SIGNET_RESULT_NULL_POINTER);
    CHECK_RESULT(signet_init_options_set_key_type(i, SIGNET_KEY_TYPE_ECC_P256, 0), SIGNET_RESULT_OK);
    CHECK_RESULT(signet_init_options_set_signer(i, (const uint8_t *)"", 0), SIGNET_RESULT_USER_ID_EMPTY);
    CHECK_RESULT(signet_init_options_set_signer(i, S("alice")), SIGNET_RESULT_OK);
    CHECK_RESULT(signet_init_options_set_budget(i, 5), SIGNET_RESULT_OK);
    CHECK_RESULT(signet_init_options_set_days(i, 30), SIGNET_RESULT_OK);
    CHECK_RESULT(signet_init_options_set_force(i, false), SIGNET_RESULT_OK);
    CHECK_RESULT(signet_init_options_set_budget(NULL, 5), SIGNET_RESULT_NULL_POINTER);
    CHECK_RESULT(signet_init_options_set_days(NULL, 5), SIGNET_RESULT_NULL_POINTER);
    CHECK_RESULT(signet_init_options_set_force(NULL, true), SIGNET_RESULT_NULL_POINTER);

    /* no state yet: opening fails closed, nothing is created */
    s = (signet_state *)(uintptr_t)0x5157;
    CHECK_RESULT(signet_state_open(S(state_dir), o, &s), SIGNET_RESULT_STATE_NOT_INITIALISED);
    CHECK(s == (signet_state *)(uintptr_t)0x5157 && !exists(state_dir));
    char msg[512];
    size_t n = 0;
    CHECK_RESULT(signet_last_error_message(msg, sizeof msg, &n), SIGNET_RESULT_OK);
    CHECK(strstr(msg, "no Signet state") != NULL);
    CHECK(strcmp(signet_result_domain_str(SIGNET_RESULT_STATE_NOT_INITIALISED), "state") == 0);
    CHECK_RESULT(signet_state_open(NULL, 3, o, &s), SIGNET_RESULT_NULL_POINTER);
    CHECK_RESULT(signet_state_open(bad_utf8, sizeof bad_utf8, o, &s), SIGNET_RESULT_INVALID_UTF8);
    CHECK_RESULT(signet_state_open(S(state_dir), o, NULL), SIGNET_RESULT_NULL_POINTER);
    CHECK_RESULT(signet_state_init(S(state_dir), o, i, NULL), SIGNET_RESULT_NULL_POINTER);
    CHECK(!exists(state_dir));

    /* init, then init again without force: refused */
    s = NULL;
    CHECK_RESULT(signet_state_init(S(state_dir), o, i, &s), SIGNET_RESULT_OK);
    CHECK(s != NULL);
    signet_state *again = (signet_state *)(uintptr_t)0x5157;
    CHECK_RESULT(signet_state_init(S(state_dir), o, i, &again), SIGNET_RESULT_STATE_EXISTS);
    CHECK(again == (signet_state *)(uintptr_t)0x5157);
    /* open_or_create on an existing state opens it */
    bool created = true;
    CHECK_RESULT(signet_state_open_or_create(S(state_dir), o, i, &again, &created), SIGNET_RESULT_OK);
    CHECK(!created);
    uint8_t fp1[32], fp2[32];
    CHECK_RESULT(signet_state_fingerprint(s, fp1), SIGNET_RESULT_OK);
    CHECK_RESULT(signet_state_fingerprint(again, fp2), SIGNET_RESULT_OK);
    CHECK(memcmp(fp1, fp2, 32) == 0);
    CHECK_RESULT(signet_state_fingerprint(NULL, fp2), SIGNET_RESULT_NULL_POINTER);
    CHECK_RESULT(signet_state_fingerprint(s, NULL), SIGNET_RESULT_NULL_POINTER);
    /* the fingerprint is the certificate's */
    uint8_t cert[4096], fp3[32];
    size_t cert_len = 0, small_n = 77;
    CHECK_RESULT(signet_state_certificate_der(s, cert, sizeof cert, &cert_len), SIGNET_RESULT_OK);
    CHECK_RESULT(signet_certificate_fingerprint(cert, cert_len, fp3), SIGNET_RESULT_OK);
    CHECK(memcmp(fp1, fp3, 32) == 0);
    CHECK_RESULT(signet_state_certificate_der(s, cert, 10, &small_n), SIGNET_RESULT_BUFFER_TOO_SMALL);
    CHECK(small_n == 77);
    size_t siglen = 0;
    CHECK_RESULT(signet_state_signature_len(s, &siglen), SIGNET_RESULT_OK);
    CHECK(siglen == 72);
    CHECK_RESULT(signet_state_signature_len(s, NULL), SIGNET_RESULT_NULL_POINTER);
    /* no call changed anything yet: the report is empty */
    CHECK(strcmp(report(s), "") == 0);
    signet_state_free(again);

    /* open_or_create where nothing exists: created, with the init options */
    char fresh[160];
    snprintf(fresh, sizeof fresh, "%s/fresh", base);
    signet_state *f = NULL;
    created = false;
    CHECK_RESULT(signet_state_open_or_create(S(fresh), o, i, &f, &created), SIGNET_RESULT_OK);
    CHECK(created && f != NULL);
    n = 0;
    CHECK_RESULT(signet_state_status_json(f, (uint8_t *)json, sizeof json, &n), SIGNET_RESULT_OK);
    CHECK(json_has(json, "\"signer\":\"alice\"") && json_has(json, "\"total\":5"));
    CHECK(json_has(json, "\"development\":true") && json_has(json, "\"grant_required\":false"));
    signet_state_free(f);

    signet_state_free(s);
    signet_state_free(NULL);
    signet_state_options_free(o);
    signet_state_options_free(NULL);
    signet_init_options_free(i);
    signet_init_options_free(NULL);
}

static void test_signing(void) {
    signet_state *s = open_as("alice", NOW + 60, NULL);
    CHECK(s != NULL);
    if (!s) return;
    char file[160], sig_path[170];
    snprintf(file, sizeof file, "%s/app.bin", base);
    snprintf(sig_path, sizeof sig_path, "%s.p7s", file);
    write_text(file, "the release artifact\n");

    /* 1: a file; OpenSSL verifies it and names the state's certificate */
    CHECK_RESULT(signet_state_sign_file(s, S(file), 0), SIGNET_RESULT_OK);
    report(s);
    CHECK(json_has(json, "\"counter_index\":0") && json_has(json, "\"remaining\":4"));
    CHECK(json_has(json, "\"grant\":null") && json_has(json, "\"level\":\"normal\""));
    CHECK(strstr(json, "app.bin.p7s\"") != NULL);
    openssl_verifies_file(s, file);
    /* the signature covers these bytes: changed content does not verify */
    char other[170], cmd[600];
    snprintf(other, sizeof other, "%s/other.bin", base);
    write_text(other, "the release artifact, changed\n");
    snprintf(cmd, sizeof cmd,
             "openssl cms -verify -binary -inform DER -noverify -in '%s' -content '%s' -out /dev/null 2>/dev/null",
             sig_path, other);
    CHECK(!run(cmd));

    /* 2: a digest; libcrypto verifies it */
    uint8_t digest[32], sig[SIGNET_MAX_SIGNATURE_LEN];
    unsigned int dlen = 0;
    CHECK(EVP_Digest("release.bin", 11, digest, &dlen, EVP_sha256(), NULL) == 1 && dlen == 32);
    size_t sig_len = 0;
    CHECK_RESULT(signet_state_sign_digest(s, digest, 32, 0, sig, sizeof sig, &sig_len), SIGNET_RESULT_OK);
    CHECK(sig_len > 8 && sig_len <= 72);
    CHECK(openssl_verifies_digest(s, digest, sig, sig_len));
    report(s);
    CHECK(json_has(json, "\"counter_index\":1") && json_has(json, "\"algorithm\":\"ecdsa-sha256\""));
    /* the report carries the same signature, in hex */
    char hex[2 * SIGNET_MAX_SIGNATURE_LEN + 16] = "\"signature\":\"";
    for (size_t k = 0; k < sig_len; k++) sprintf(hex + strlen(hex), "%02x", sig[k]);
    strcat(hex, "\"");
    CHECK(json_has(json, hex));

    /* a signature buffer below the key's maximum is refused before anything is counted */
    memset(sig, 0xAA, sizeof sig);
    sig_len = 12345;
    CHECK_RESULT(signet_state_sign_digest(s, digest, 32, 0, sig, 71, &sig_len), SIGNET_RESULT_BUFFER_TOO_SMALL);
    CHECK(sig_len == 12345 && sig[0] == 0xAA && sig[70] == 0xAA);
    CHECK(strcmp(report(s), "") == 0); /* a failure leaves no report */
    CHECK_RESULT(signet_state_sign_digest(s, digest, 20, 0, sig, sizeof sig, &sig_len), SIGNET_RESULT_SIGN_TOKEN);
    CHECK_RESULT(signet_state_sign_digest(s, NULL, 32, 0, sig, sizeof sig, &sig_len), SIGNET_RESULT_NULL_POINTER);
    CHECK_RESULT(signet_state_sign_digest(s, digest, 32, 0, NULL, sizeof sig, &sig_len), SIGNET_RESULT_NULL_POINTER);
    CHECK_RESULT(signet_state_sign_digest(s, digest, 32, 0, sig, sizeof sig, NULL), SIGNET_RESULT_NULL_POINTER);
    CHECK_RESULT(signet_state_sign_digest(NULL, digest, 32, 0, sig, sizeof sig, &sig_len), SIGNET_RESULT_NULL_POINTER);
    CHECK(sig_len == 12345);

    /* 3: a batch of one more file: status after three signatures */
    signet_str batch[1] = {{(const uint8_t *)other, strlen(other)}};
    CHECK_RESULT(signet_state_sign_files(s, batch, 1, 0), SIGNET_RESULT_OK);
    report(s);
    CHECK(json_has(json, "\"remaining\":2") && strstr(json, "\"signed\":[{") != NULL);
    openssl_verifies_file(s, other);
    size_t n = 0;
    CHECK_RESULT(signet_state_status_json(s, (uint8_t *)json, sizeof json, &n), SIGNET_RESULT_OK);
    CHECK(n == strlen(json));
    CHECK(json_has(json, "\"used\":3") && json_has(json, "\"committed\":3") && json_has(json, "\"remaining\":2"));
    CHECK(json_has(json, "\"key_type\":\"ecc-p256\"") && json_has(json, "\"state\":\"valid\""));
    CHECK(strstr(json, "\"state_dir\":\"") != NULL);
    /* a status buffer too small: nothing written */
    char small[16];
    memset(small, 'x', sizeof small);
    size_t small_n = 99;
    CHECK_RESULT(signet_state_status_json(s, (uint8_t *)small, sizeof small, &small_n),
                 SIGNET_RESULT_BUFFER_TOO_SMALL);
    CHECK(small_n == 99 && small[0] == 'x' && small[15] == 'x');
    CHECK_RESULT(signet_state_status_json(s, (uint8_t *)json, sizeof json, NULL), SIGNET_RESULT_NULL_POINTER);
    CHECK_RESULT(signet_state_status_json(NULL, (uint8_t *)json, sizeof json, &n), SIGNET_RESULT_NULL_POINTER);

    /* refusals: their numbers, nothing counted, no signature written */
    char fresh[170], fresh_sig[180];
    snprintf(fresh, sizeof fresh, "%s/fresh.bin", base);
    snprintf(fresh_sig, sizeof fresh_sig, "%s.p7s", fresh);
    write_text(fresh, "not to be signed\n");
    signet_state *mallory = open_as("mallory", NOW + 60, NULL);
    CHECK_RESULT(signet_state_sign_file(mallory, S(fresh), 0), SIGNET_RESULT_SIGN_NOT_ASSIGNED_SIGNER);
    CHECK(strcmp(signet_result_domain_str(SIGNET_RESULT_SIGN_NOT_ASSIGNED_SIGNER), "sign") == 0);
    CHECK_RESULT(signet_state_sign_file(mallory, S(fresh), 7), SIGNET_RESULT_GRANT_NOT_FOUND);
    signet_state_free(mallory);
    signet_state *late = open_as("alice", NOW + 31 * DAY, NULL);
    CHECK_RESULT(signet_state_sign_file(late, S(fresh), 0), SIGNET_RESULT_SIGN_CERTIFICATE_EXPIRED);
    signet_state_free(late);
    char missing[170];
    snprintf(missing, sizeof missing, "%s/no-such-file", base);
    CHECK_RESULT(signet_state_sign_file(s, S(missing), 0), SIGNET_RESULT_INPUT_UNREADABLE);
    CHECK_RESULT(signet_state_sign_file(s, (const uint8_t *)"\xff", 1, 0), SIGNET_RESULT_INVALID_UTF8);
    CHECK_RESULT(signet_state_sign_file(s, NULL, 4, 0), SIGNET_RESULT_NULL_POINTER);
    CHECK_RESULT(signet_state_sign_file(NULL, S(fresh), 0), SIGNET_RESULT_NULL_POINTER);
    /* a batch beyond what is left: refused whole */
    signet_str three[3] = {{(const uint8_t *)fresh, strlen(fresh)},
                           {(const uint8_t *)file, strlen(file)},
                           {(const uint8_t *)other, strlen(other)}};
    CHECK_RESULT(signet_state_sign_files(s, three, 3, 0), SIGNET_RESULT_SIGN_BUDGET_EXHAUSTED);
    char msg[512];
    CHECK_RESULT(signet_last_error_message(msg, sizeof msg, &n), SIGNET_RESULT_OK);
    CHECK(strstr(msg, "3 signatures needed, 2 remaining") != NULL);
    /* lengths no array can have are refused before anything is read */
    CHECK_RESULT(signet_state_sign_files(s, three, SIZE_MAX, 0), SIGNET_RESULT_INVALID_ARGUMENT);
    CHECK_RESULT(signet_state_sign_files(s, NULL, 2, 0), SIGNET_RESULT_NULL_POINTER);
    CHECK(!exists(fresh_sig));
    budget_json(s);
    CHECK(json_has(json, "\"used\":3") && json_has(json, "\"remaining\":2"));

    /* the last two, then the budget is exhausted */
    signet_str two[2] = {{(const uint8_t *)fresh, strlen(fresh)}, {(const uint8_t *)file, strlen(file)}};
    CHECK_RESULT(signet_state_sign_files(s, two, 2, 0), SIGNET_RESULT_OK);
    report(s);
    CHECK(json_has(json, "\"remaining\":0"));
    CHECK(strstr(json, "\"crossed\":[{\"used\":4,\"level\":\"warn80\"},{\"used\":5,\"level\":\"exhausted\"}]") != NULL);
    openssl_verifies_file(s, fresh);
    remove(fresh_sig);
    CHECK_RESULT(signet_state_sign_file(s, S(fresh), 0), SIGNET_RESULT_SIGN_BUDGET_EXHAUSTED);
    CHECK(!exists(fresh_sig));
    CHECK_RESULT(signet_state_sign_digest(s, digest, 32, 0, sig, sizeof sig, &sig_len),
                 SIGNET_RESULT_SIGN_BUDGET_EXHAUSTED);
    signet_state_free(s);
}

static void test_budgets(void) {
    signet_state *s = open_as("alice", NOW + 120, NULL);
    CHECK(s != NULL);
    if (!s) return;
    signet_account standard = {SIGNET_ROLE_STANDARD_USER, false, false};
    signet_account admin = {SIGNET_ROLE_ADMINISTRATOR, false, false};
    signet_account sub = {SIGNET_ROLE_MANAGER, true, false};
    signet_account lead = {SIGNET_ROLE_STANDARD_USER, false, true};
    signet_account bogus = {42, false, false};
    CHECK_RESULT(signet_state_budget_buy(s, NULL, &standard, 10), SIGNET_RESULT_BUDGET_PURCHASE_NOT_PERMITTED);
    CHECK_RESULT(signet_state_budget_buy(s, NULL, NULL, 10), SIGNET_RESULT_BUDGET_PURCHASE_NOT_PERMITTED);
    CHECK(strcmp(signet_result_domain_str(SIGNET_RESULT_BUDGET_PURCHASE_NOT_PERMITTED), "budget") == 0);
    CHECK_RESULT(signet_state_budget_buy(s, NULL, &sub, 10), SIGNET_RESULT_BUDGET_SUBACCOUNT_PURCHASE);
    CHECK_RESULT(signet_state_budget_buy(s, NULL, &bogus, 10), SIGNET_RESULT_INVALID_ARGUMENT);
    CHECK_RESULT(signet_state_budget_buy(s, NULL, &admin, 0), SIGNET_RESULT_BUDGET_ZERO_PURCHASE);
    uint8_t zero[32] = {0};
    CHECK_RESULT(signet_state_budget_buy(s, zero, &admin, 10), SIGNET_RESULT_BUDGET_NOT_FOUND);
    CHECK_RESULT(signet_state_budget_buy(NULL, NULL, &admin, 10), SIGNET_RESULT_NULL_POINTER);
    CHECK_RESULT(signet_state_budget_buy(s, NULL, &admin, 10), SIGNET_RESULT_OK);
    report(s);
    CHECK(json_has(json, "\"purchased\":10") && json_has(json, "\"total\":15") && json_has(json, "\"remaining\":10"));
    /* by fingerprint: the same budget */
    uint8_t fp[32];
    CHECK_RESULT(signet_state_fingerprint(s, fp), SIGNET_RESULT_OK);
    size_t n = 0;
    CHECK_RESULT(signet_state_budget_show(s, fp, (uint8_t *)json, sizeof json, &n), SIGNET_RESULT_OK);
    CHECK(json_has(json, "\"total\":15"));
    CHECK_RESULT(signet_state_budget_show(s, zero, (uint8_t *)json, sizeof json, &n), SIGNET_RESULT_BUDGET_NOT_FOUND);

    /* counted elsewhere: all or nothing */
    CHECK_RESULT(signet_state_budget_use(s, NULL, 11), SIGNET_RESULT_BUDGET_EXHAUSTED);
    CHECK(json_has(budget_json(s), "\"used\":5"));
    CHECK_RESULT(signet_state_budget_use(s, NULL, 3), SIGNET_RESULT_OK);
    report(s);
    CHECK(json_has(json, "\"used\":8") && json_has(json, "\"remaining\":7"));

    /* assigning: a KeyLocker lead only */
    CHECK_RESULT(signet_state_budget_assign(s, NULL, &admin, S("bob")), SIGNET_RESULT_BUDGET_NOT_KEYLOCKER_LEAD);
    CHECK_RESULT(signet_state_budget_assign(s, NULL, &lead, (const uint8_t *)"", 0), SIGNET_RESULT_USER_ID_EMPTY);
    CHECK_RESULT(signet_state_budget_assign(s, NULL, &lead, NULL, 3), SIGNET_RESULT_NULL_POINTER);
    CHECK_RESULT(signet_state_budget_assign(s, NULL, &lead, S("bob")), SIGNET_RESULT_OK);
    CHECK(json_has(report(s), "\"signer\":\"bob\""));
    char file[160];
    snprintf(file, sizeof file, "%s/bob.bin", base);
    write_text(file, "bob's\n");
    CHECK_RESULT(signet_state_sign_file(s, S(file), 0), SIGNET_RESULT_SIGN_NOT_ASSIGNED_SIGNER);
    signet_state *bob = open_as("bob", NOW + 120, NULL);
    CHECK_RESULT(signet_state_sign_file(bob, S(file), 0), SIGNET_RESULT_OK);
    openssl_verifies_file(bob, file);
    signet_state_free(bob);
    CHECK_RESULT(signet_state_budget_assign(s, NULL, &lead, S("alice")), SIGNET_RESULT_OK);
    signet_state_free(s);
}

static void test_grants(void) {
    signet_state *admin = open_as("admin", NOW + 200, NULL);
    CHECK(admin != NULL);
    if (!admin) return;
    uint64_t window = 3600;
    uint32_t max_ops = 2;
    signet_str approvers[2] = {{(const uint8_t *)"carol", 5}, {(const uint8_t *)"dave", 4}};
    signet_approval_step step = {approvers, 2, 1};
    /* counts beyond the limits are refused before anything is read or allocated */
    CHECK_RESULT(signet_state_grant_policy(admin, &window, &max_ops, 600, &step, SIZE_MAX),
                 SIGNET_RESULT_GRANT_TOO_MANY_STEPS);
    CHECK_RESULT(signet_state_grant_policy(admin, &window, &max_ops, 600, &step, 5), SIGNET_RESULT_GRANT_TOO_MANY_STEPS);
    signet_approval_step huge = {approvers, SIZE_MAX, 1};
    CHECK_RESULT(signet_state_grant_policy(admin, &window, &max_ops, 600, &huge, 1),
                 SIGNET_RESULT_GRANT_TOO_MANY_APPROVERS);
    signet_approval_step no_list = {NULL, 2, 1};
    CHECK_RESULT(signet_state_grant_policy(admin, &window, &max_ops, 600, &no_list, 1), SIGNET_RESULT_NULL_POINTER);
    CHECK_RESULT(signet_state_grant_policy(admin, &window, &max_ops, 600, NULL, 1), SIGNET_RESULT_NULL_POINTER);
    CHECK_RESULT(signet_state_grant_policy(admin, &window, &max_ops, 600, NULL, 0),
                 SIGNET_RESULT_GRANT_NO_APPROVAL_STEPS);
    CHECK_RESULT(signet_state_grant_policy(admin, NULL, NULL, 600, &step, 1), SIGNET_RESULT_GRANT_NO_LIMIT);
    signet_approval_step high = {approvers, 2, 3};
    CHECK_RESULT(signet_state_grant_policy(admin, &window, &max_ops, 600, &high, 1),
                 SIGNET_RESULT_GRANT_THRESHOLD_OUT_OF_RANGE);
    signet_str bad[1] = {{(const uint8_t *)"\xff", 1}};
    signet_approval_step bad_step = {bad, 1, 1};
    CHECK_RESULT(signet_state_grant_policy(admin, &window, &max_ops, 600, &bad_step, 1), SIGNET_RESULT_INVALID_UTF8);
    /* no policy yet: requests are refused, signing needs no grant */
    signet_state *bob = open_as("bob", NOW + 200, NULL);
    CHECK_RESULT(signet_state_grant_request(bob, NULL), SIGNET_RESULT_GRANT_NO_POLICY);
    CHECK_RESULT(signet_state_grant_policy(admin, &window, &max_ops, 600, &step, 1), SIGNET_RESULT_OK);
    report(admin);
    CHECK(json_has(json, "\"signer\":\"alice\"") && json_has(json, "\"max_signings\":2"));

    char file[160];
    snprintf(file, sizeof file, "%s/granted.bin", base);
    write_text(file, "needs a grant\n");
    signet_state *alice = open_as("alice", NOW + 200, NULL);
    CHECK_RESULT(signet_state_sign_file(alice, S(file), 0), SIGNET_RESULT_SIGN_GRANT_REQUIRED);
    signet_state_free(alice);

    /* bob asks, carol approves; bob signs with the grant */
    uint32_t ops = 3;
    signet_request_params too_many = {NULL, NULL, &ops, (const uint8_t *)"release", 7};
    CHECK_RESULT(signet_state_grant_request(bob, &too_many), SIGNET_RESULT_GRANT_OPERATIONS_ABOVE_CEILING);
    signet_request_params bad_text = {NULL, NULL, NULL, (const uint8_t *)"\xff", 1};
    CHECK_RESULT(signet_state_grant_request(bob, &bad_text), SIGNET_RESULT_INVALID_UTF8);
    ops = 2;
    signet_request_params params = {NULL, NULL, &ops, (const uint8_t *)"release 1.0", 11};
    CHECK_RESULT(signet_state_grant_request(bob, &params), SIGNET_RESULT_OK);
    report(bob);
    CHECK(json_has(json, "\"id\":1") && json_has(json, "\"status\":\"open\""));
    CHECK(json_has(json, "\"justification\":\"release 1.0\"") && json_has(json, "\"grant\":null"));
    CHECK_RESULT(signet_state_grant_approve(bob, 1), SIGNET_RESULT_GRANT_OWN_REQUEST);
    CHECK_RESULT(signet_state_grant_approve(admin, 1), SIGNET_RESULT_GRANT_NOT_ELIGIBLE);
    CHECK_RESULT(signet_state_grant_approve(admin, 9), SIGNET_RESULT_GRANT_UNKNOWN_REQUEST);
    CHECK_RESULT(signet_state_grant_cancel(admin, 1), SIGNET_RESULT_GRANT_NOT_REQUESTER);
    signet_state *carol = open_as("carol", NOW + 200, NULL);
    CHECK_RESULT(signet_state_grant_approve(carol, 1), SIGNET_RESULT_OK);
    report(carol);
    CHECK(json_has(json, "\"status\":\"approved\"") && strstr(json, "\"grant\":{\"id\":1,\"status\":\"active\"") != NULL);
    CHECK_RESULT(signet_state_sign_file(bob, S(file), 0), SIGNET_RESULT_OK);
    report(bob);
    CHECK(json_has(json, "\"grant\":1"));
    openssl_verifies_file(bob, file);
    CHECK_RESULT(signet_state_sign_file(bob, S(file), 1), SIGNET_RESULT_OK);
    CHECK_RESULT(signet_state_sign_file(bob, S(file), 1), SIGNET_RESULT_SIGN_GRANT_EXHAUSTED);
    size_t n = 0;
    CHECK_RESULT(signet_state_grant_show(bob, 1, (uint8_t *)json, sizeof json, &n), SIGNET_RESULT_OK);
    const char *g = strstr(json, "\"grant\":{");
    CHECK(g != NULL && json_has(g + 8, "\"used\":2") && json_has(g + 8, "\"status\":\"used_up\""));
    CHECK_RESULT(signet_state_grant_show(bob, 2, (uint8_t *)json, sizeof json, &n), SIGNET_RESULT_GRANT_UNKNOWN_REQUEST);

    /* a second request: rejected with a comment; a third: cancelled */
    CHECK_RESULT(signet_state_grant_request(bob, NULL), SIGNET_RESULT_OK);
    CHECK_RESULT(signet_state_grant_reject(carol, 2, (const uint8_t *)"\xff", 1), SIGNET_RESULT_INVALID_UTF8);
    CHECK_RESULT(signet_state_grant_reject(carol, 2, S("not now")), SIGNET_RESULT_OK);
    CHECK(strstr(report(carol), "\"rejection\":{\"by\":\"carol\",\"comment\":\"not now\"}") != NULL);
    CHECK_RESULT(signet_state_grant_request(bob, NULL), SIGNET_RESULT_OK);
    CHECK_RESULT(signet_state_grant_cancel(bob, 3), SIGNET_RESULT_OK);
    CHECK(json_has(report(bob), "\"status\":\"cancelled\""));
    CHECK_RESULT(signet_state_grant_reject(carol, 3, NULL, 0), SIGNET_RESULT_GRANT_REQUEST_NOT_OPEN);
    CHECK_RESULT(signet_state_grant_list(bob, (uint8_t *)json, sizeof json, &n), SIGNET_RESULT_OK);
    CHECK(json[0] == '[' && json[n - 1] == ']' && json_has(json, "\"id\":3") && !json_has(json, "\"id\":4"));
    char tiny[8];
    size_t tiny_n = 5;
    CHECK_RESULT(signet_state_grant_list(bob, (uint8_t *)tiny, sizeof tiny, &tiny_n), SIGNET_RESULT_BUFFER_TOO_SMALL);
    CHECK(tiny_n == 5);
    CHECK_RESULT(signet_state_grant_approve(NULL, 1), SIGNET_RESULT_NULL_POINTER);
    CHECK_RESULT(signet_state_grant_request(NULL, NULL), SIGNET_RESULT_NULL_POINTER);
    CHECK_RESULT(signet_state_grant_policy(NULL, &window, &max_ops, 600, &step, 1), SIGNET_RESULT_NULL_POINTER);
    signet_state_free(carol);
    signet_state_free(bob);
    signet_state_free(admin);
}

/* A damaged state fails closed: a deleted ledger is missing, not zero. */
static void test_damaged(void) {
    signet_state *s = open_as("alice", NOW + 300, NULL);
    CHECK(s != NULL);
    if (!s) return;
    uint8_t fp[32];
    CHECK_RESULT(signet_state_fingerprint(s, fp), SIGNET_RESULT_OK);
    char ledger[400];
    int at = snprintf(ledger, sizeof ledger, "%s/budgets/", state_dir);
    for (int k = 0; k < 32; k++) at += snprintf(ledger + at, sizeof ledger - (size_t)at, "%02x", fp[k]);
    snprintf(ledger + at, sizeof ledger - (size_t)at, "/ledger/ledger.bin");
    CHECK(exists(ledger));
    CHECK(unlink(ledger) == 0);

    signet_result r = SIGNET_RESULT_OK;
    CHECK(open_as("alice", NOW + 300, &r) == NULL);
    CHECK(r == SIGNET_RESULT_STATE_LEDGER_MISSING);
    char msg[512];
    size_t n = 0;
    CHECK_RESULT(signet_last_error_message(msg, sizeof msg, &n), SIGNET_RESULT_OK);
    CHECK(strstr(msg, "missing") != NULL);
    /* a handle opened before: every call that needs the ledger fails the same way */
    size_t len = 0;
    CHECK_RESULT(signet_state_status_json(s, (uint8_t *)json, sizeof json, &len), SIGNET_RESULT_STATE_LEDGER_MISSING);
    char file[160], sig_path[170];
    snprintf(file, sizeof file, "%s/after.bin", base);
    snprintf(sig_path, sizeof sig_path, "%s.p7s", file);
    write_text(file, "after the damage\n");
    CHECK_RESULT(signet_state_sign_file(s, S(file), 1), SIGNET_RESULT_STATE_LEDGER_MISSING);
    CHECK(!exists(sig_path));
    CHECK_RESULT(signet_state_budget_use(s, NULL, 1), SIGNET_RESULT_STATE_LEDGER_MISSING);
    /* open_or_create never replaces a damaged state */
    signet_state_options *o = opts_for("alice", NOW + 300);
    signet_state *again = NULL;
    bool created = true;
    CHECK_RESULT(signet_state_open_or_create(S(state_dir), o, NULL, &again, &created),
                 SIGNET_RESULT_STATE_LEDGER_MISSING);
    CHECK(again == NULL && created);
    signet_state_options_free(o);
    signet_state_free(s);
}

/* ---- a state whose key is held by a token written in C ------------------ */
/* The C token wraps a software token and vouches for the protection the
   test chooses, as an integrator's token in front of an HSM would. */
typedef struct {
    signet_token *inner;
    uint32_t protection;
    int sign_calls;
} caller_token;

static uint32_t ct_attrs(void *user, uint32_t handle, signet_key_attributes *out) {
    caller_token *t = user;
    uint32_t r = signet_token_key_attributes(t->inner, handle, out);
    if (r == SIGNET_RESULT_OK) out->protection = t->protection;
    return r;
}
static uint32_t ct_pub(void *user, uint32_t handle, uint8_t *out, size_t len, size_t *n) {
    caller_token *t = user;
    return signet_token_public_key(t->inner, handle, out, len, n);
}
static uint32_t ct_sign(void *user, uint32_t handle, uint32_t alg, const uint8_t *d, size_t dl, uint8_t *out,
                        size_t len, size_t *n) {
    caller_token *t = user;
    t->sign_calls++;
    return signet_token_sign_digest(t->inner, handle, alg, d, dl, out, len, n);
}

static void test_caller_token(void) {
    static const signet_token_vtable vt = {ct_attrs, ct_pub, ct_sign};
    caller_token ct = {NULL, SIGNET_KEY_PROTECTION_SOFTWARE, 0};
    CHECK_RESULT(signet_token_soft_new(&ct.inner), SIGNET_RESULT_OK);
    signet_key_attributes a = {SIGNET_KEY_TYPE_ECC_P256, 256, SIGNET_KEY_USAGE_SIGN_HASH,
                               SIGNET_ALGORITHM_ECDSA_SHA256_DER, SIGNET_KEY_PROTECTION_UNKNOWN};
    uint32_t key = 0;
    CHECK_RESULT(signet_token_soft_generate(ct.inner, &a, &key), SIGNET_RESULT_OK);
    char dir[160];
    snprintf(dir, sizeof dir, "%s/caller", base);

    signet_state_options *o = opts_for("alice", NOW);
    signet_token_vtable holes = vt;
    holes.public_key = NULL;
    CHECK_RESULT(signet_state_options_set_caller_token(o, &holes, &ct, key), SIGNET_RESULT_NULL_POINTER);
    CHECK_RESULT(signet_state_options_set_caller_token(NULL, &vt, &ct, key), SIGNET_RESULT_NULL_POINTER);
    CHECK_RESULT(signet_state_options_set_caller_token(o, &vt, &ct, key), SIGNET_RESULT_OK);
    signet_init_options *i = NULL;
    CHECK_RESULT(signet_init_options_new(&i), SIGNET_RESULT_OK);
    CHECK_RESULT(signet_init_options_set_budget(i, 2), SIGNET_RESULT_OK);
    /* a production state (the default) acts as the OS user only */
    signet_state *s = NULL;
    CHECK_RESULT(signet_state_init(S(dir), o, i, &s), SIGNET_RESULT_STATE_PRODUCTION_USER);
    CHECK_RESULT(signet_init_options_set_development(NULL, true), SIGNET_RESULT_NULL_POINTER);
    CHECK_RESULT(signet_init_options_set_development(i, true), SIGNET_RESULT_OK);
    CHECK_RESULT(signet_state_init(S(dir), o, i, &s), SIGNET_RESULT_OK);
    bool created = false;
    signet_state *other = NULL;
    CHECK_RESULT(signet_state_open_or_create(S(dir), o, i, &other, &created), SIGNET_RESULT_INVALID_ARGUMENT);
    signet_init_options_free(i);
    if (!s) return;
    size_t n = 0;
    CHECK_RESULT(signet_state_status_json(s, (uint8_t *)json, sizeof json, &n), SIGNET_RESULT_OK);
    CHECK(strstr(json, "\"token\":\"caller\"") != NULL);

    char file[200];
    snprintf(file, sizeof file, "%s/caller.bin", base);
    write_text(file, "signed by a C token\n");
    int before = ct.sign_calls;
    CHECK_RESULT(signet_state_sign_file(s, S(file), 0), SIGNET_RESULT_OK);
    CHECK(ct.sign_calls > before); /* the C callback made the signature */
    openssl_verifies_file(s, file);
    signet_state_free(s);

    /* the state needs its token back */
    signet_state_options *plain = opts_for("alice", NOW);
    CHECK_RESULT(signet_state_open(S(dir), plain, &s), SIGNET_RESULT_STATE_CALLER_TOKEN_REQUIRED);
    signet_state_options_free(plain);
    CHECK_RESULT(signet_state_open(S(dir), o, &s), SIGNET_RESULT_OK);
    uint8_t digest[32] = {7};
    uint8_t sig[SIGNET_MAX_SIGNATURE_LEN];
    size_t sig_len = 0;
    CHECK_RESULT(signet_state_sign_digest(s, digest, sizeof digest, 0, sig, sizeof sig, &sig_len), SIGNET_RESULT_OK);
    CHECK(openssl_verifies_digest(s, digest, sig, sig_len));
    CHECK_RESULT(signet_state_sign_digest(s, digest, sizeof digest, 0, sig, sizeof sig, &sig_len),
                 SIGNET_RESULT_SIGN_BUDGET_EXHAUSTED);
    signet_state_free(s);
    /* a state with its own key refuses a caller token */
    CHECK_RESULT(signet_state_open(S(state_dir), o, &s), SIGNET_RESULT_STATE_CALLER_TOKEN_UNEXPECTED);
    signet_state_options_free(o);
    signet_token_free(ct.inner);
}

int main(void) {
    snprintf(base, sizeof base, "/tmp/signet-c-state-XXXXXX");
    if (!mkdtemp(base)) {
        perror("mkdtemp");
        return 1;
    }
    snprintf(state_dir, sizeof state_dir, "%s/state", base);
    test_options_and_init();
    test_signing();
    test_budgets();
    test_grants();
    test_caller_token();
    test_damaged();
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", base);
    CHECK(run(cmd));
    return finish("test_state");
}
