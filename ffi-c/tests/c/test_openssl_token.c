/* A token written in C over an OpenSSL EVP_PKEY (P-256), and a PKCS#8 key
   from OpenSSL imported into the software token; OpenSSL and Signet verify
   each other's signatures. */
#include <stdint.h>
#include <openssl/evp.h>
#include <openssl/ec.h>
#include <openssl/x509.h>
#include <openssl/pem.h>
#include "check.h"

typedef struct {
    EVP_PKEY *key;
} ossl_token;

static uint32_t o_attrs(void *user, uint32_t handle, signet_key_attributes *out) {
    (void)user;
    if (handle != 1) return SIGNET_RESULT_TOKEN_INVALID_HANDLE;
    out->key_type = SIGNET_KEY_TYPE_ECC_P256;
    out->bits = 256;
    out->usage = SIGNET_KEY_USAGE_SIGN_HASH;
    out->algorithm = SIGNET_ALGORITHM_ECDSA_SHA256_DER;
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
    if (alg != SIGNET_ALGORITHM_ECDSA_SHA256_DER) return SIGNET_RESULT_TOKEN_NOT_PERMITTED;
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(t->key, NULL);
    size_t siglen = len;
    int ok = ctx && EVP_PKEY_sign_init(ctx) == 1 && EVP_PKEY_sign(ctx, out, &siglen, digest, digest_len) == 1;
    EVP_PKEY_CTX_free(ctx);
    if (!ok) return SIGNET_RESULT_TOKEN_HARDWARE;
    *n = siglen;
    return SIGNET_RESULT_OK;
}

static int openssl_verifies(EVP_PKEY *key, const uint8_t *digest, const uint8_t *sig, size_t sig_len) {
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(key, NULL);
    int ok = ctx && EVP_PKEY_verify_init(ctx) == 1 && EVP_PKEY_verify(ctx, sig, sig_len, digest, 32) == 1;
    EVP_PKEY_CTX_free(ctx);
    return ok;
}

int main(void) {
    EVP_PKEY *key = EVP_EC_gen("P-256");
    CHECK(key != NULL);
    uint8_t digest[32];
    unsigned int dlen = 0;
    CHECK(EVP_Digest("release.bin", 11, digest, &dlen, EVP_sha256(), NULL) == 1 && dlen == 32);

    ossl_token ot = {key};
    signet_token_vtable vt = {o_attrs, o_pub, o_sign};
    signet_token *t = NULL;
    CHECK_RESULT(signet_token_new_from_vtable(&vt, &ot, &t), SIGNET_RESULT_OK);
    uint8_t spki[SIGNET_MAX_SPKI_LEN], sig[SIGNET_MAX_SIGNATURE_LEN];
    size_t spki_len = 0, sig_len = 0;
    CHECK_RESULT(signet_token_public_key(t, 1, spki, sizeof spki, &spki_len), SIGNET_RESULT_OK);
    CHECK_RESULT(signet_token_public_key(t, 2, spki, sizeof spki, &spki_len), SIGNET_RESULT_TOKEN_INVALID_HANDLE);
    signet_report *r = NULL;
    bool valid = false;
    signet_date at = {2025, 6, 1};
    CHECK_RESULT(signet_public_key_check(spki, spki_len, (const uint8_t *)"hsm", 3, at, &r), SIGNET_RESULT_OK);
    CHECK_RESULT(signet_report_is_valid(r, &valid), SIGNET_RESULT_OK);
    CHECK(valid);
    signet_report_free(r);
    CHECK_RESULT(signet_token_sign_digest(t, 1, SIGNET_ALGORITHM_ECDSA_SHA256_DER, digest, 32, sig, sizeof sig, &sig_len),
                 SIGNET_RESULT_OK);
    CHECK_RESULT(signet_verify_digest(spki, spki_len, SIGNET_ALGORITHM_ECDSA_SHA256_DER, digest, 32, sig, sig_len),
                 SIGNET_RESULT_OK);
    CHECK(openssl_verifies(key, digest, sig, sig_len));
    signet_token_free(t);

    /* OpenSSL's PKCS#8 key in the software token; OpenSSL verifies. */
    PKCS8_PRIV_KEY_INFO *p8 = EVP_PKEY2PKCS8(key);
    unsigned char *der = NULL;
    int der_len = i2d_PKCS8_PRIV_KEY_INFO(p8, &der);
    CHECK(der_len > 0);
    signet_token *soft = NULL;
    uint32_t h = 0;
    CHECK_RESULT(signet_token_soft_new(&soft), SIGNET_RESULT_OK);
    CHECK_RESULT(signet_token_soft_import_pkcs8(soft, der, (size_t)der_len, SIGNET_KEY_USAGE_SIGN_HASH,
                                                SIGNET_ALGORITHM_ECDSA_SHA256_DER, &h),
                 SIGNET_RESULT_OK);
    size_t soft_spki_len = 0;
    uint8_t soft_spki[SIGNET_MAX_SPKI_LEN];
    CHECK_RESULT(signet_token_public_key(soft, h, soft_spki, sizeof soft_spki, &soft_spki_len), SIGNET_RESULT_OK);
    CHECK(soft_spki_len == spki_len && memcmp(soft_spki, spki, spki_len) == 0);
    CHECK_RESULT(signet_token_sign_digest(soft, h, SIGNET_ALGORITHM_ECDSA_SHA256_DER, digest, 32, sig, sizeof sig, &sig_len),
                 SIGNET_RESULT_OK);
    CHECK(openssl_verifies(key, digest, sig, sig_len));
    /* PEM form of the same key */
    BIO *bio = BIO_new(BIO_s_mem());
    CHECK(PEM_write_bio_PKCS8_PRIV_KEY_INFO(bio, p8) == 1);
    char *pem = NULL;
    long pem_len = BIO_get_mem_data(bio, &pem);
    CHECK_RESULT(signet_token_soft_import_pkcs8(soft, (const uint8_t *)pem, (size_t)pem_len, SIGNET_KEY_USAGE_SIGN_HASH,
                                                SIGNET_ALGORITHM_ECDSA_SHA256_FIXED, &h),
                 SIGNET_RESULT_OK);
    CHECK_RESULT(signet_token_sign_digest(soft, h, SIGNET_ALGORITHM_ECDSA_SHA256_FIXED, digest, 32, sig, sizeof sig, &sig_len),
                 SIGNET_RESULT_OK);
    CHECK(sig_len == 64);
    CHECK_RESULT(signet_verify_digest(spki, spki_len, SIGNET_ALGORITHM_ECDSA_SHA256_FIXED, digest, 32, sig, sig_len),
                 SIGNET_RESULT_OK);
    BIO_free(bio);
    signet_token_free(soft);
    OPENSSL_free(der);
    PKCS8_PRIV_KEY_INFO_free(p8);
    EVP_PKEY_free(key);
    return finish("test_openssl_token");
}
