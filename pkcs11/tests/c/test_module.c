/* The PKCS#11 module as a C application loads it: dlopen, C_GetFunctionList and
 * C_GetInterface, slots, objects, attributes, signatures with the length-query and
 * too-small-buffer conventions, NULL misuse, and four threads signing at once. Run by
 * scripts/pkcs11-module-test.sh under AddressSanitizer + UBSan and under Valgrind, with
 * SIGNET_STATE naming a state with a budget of exactly 20.
 *
 * Usage: test_module MODULE.so OUT-SIGNATURE DATA-DIGEST-HEX
 *   OUT-SIGNATURE: the r || s of one CKM_ECDSA signature over the 32-byte digest, for
 *   OpenSSL to verify. Exit 0 when every check holds. */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <p11-kit/pkcs11.h>

static CK_FUNCTION_LIST_PTR f;
static int failures;

#define CHECK(cond)                                                                     \
    do {                                                                                \
        if (!(cond)) {                                                                  \
            fprintf(stderr, "test_module.c:%d: check failed: %s\n", __LINE__, #cond); \
            failures++;                                                                 \
        }                                                                               \
    } while (0)

static CK_SESSION_HANDLE open_session(void) {
    CK_SESSION_HANDLE h = 0;
    CHECK(f->C_OpenSession(0, CKF_SERIAL_SESSION, NULL, NULL, &h) == CKR_OK);
    return h;
}

static CK_RV sign_digest(CK_SESSION_HANDLE h, CK_BYTE *digest, CK_BYTE *sig, CK_ULONG *len) {
    CK_MECHANISM m = {CKM_ECDSA, NULL, 0};
    CK_RV rv = f->C_SignInit(h, &m, 1);
    if (rv != CKR_OK) return rv;
    return f->C_Sign(h, digest, 32, sig, len);
}

static CK_BYTE thread_digest[32];

/* Each thread counts into its own pair: [signed, unexpected answers]. */
static void *signer(void *arg) {
    int *ok = arg;
    CK_SESSION_HANDLE h = 0;
    if (f->C_OpenSession(0, CKF_SERIAL_SESSION, NULL, NULL, &h) != CKR_OK) ok[1]++;
    for (int i = 0; i < 10; i++) {
        CK_BYTE sig[64];
        CK_ULONG len = sizeof sig;
        CK_RV rv = sign_digest(h, thread_digest, sig, &len);
        if (rv == CKR_OK && len == 64) ok[0]++;
        else if (rv != CKR_FUNCTION_REJECTED) ok[1]++;
    }
    if (f->C_CloseSession(h) != CKR_OK) ok[1]++;
    return NULL;
}

int main(int argc, char **argv) {
    if (argc != 4 || strlen(argv[3]) != 64) {
        fprintf(stderr, "usage: test_module MODULE.so OUT-SIGNATURE DIGEST-HEX\n");
        return 2;
    }
    CK_BYTE digest[32];
    for (int i = 0; i < 32; i++) sscanf(argv[3] + 2 * i, "%2hhx", &digest[i]);

    void *lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        fprintf(stderr, "dlopen: %s\n", dlerror());
        return 1;
    }
    /* POSIX guarantees dlsym's object pointer converts to a function pointer; memcpy
     * keeps -pedantic quiet about it. */
    CK_C_GetFunctionList get = NULL;
    void *sym = dlsym(lib, "C_GetFunctionList");
    memcpy(&get, &sym, sizeof get);
    CHECK(get != NULL);
    CHECK(get(NULL) == CKR_ARGUMENTS_BAD);
    CHECK(get(&f) == CKR_OK && f != NULL);
    CHECK(f->version.major == 2 && f->version.minor == 40);
    /* Only the table's entry points are exported by name (and 3.0's interface calls). */
    CHECK(dlsym(lib, "C_Sign") == NULL);
    CHECK(dlsym(lib, "C_GetInterface") != NULL);

    /* Before C_Initialize. */
    CK_ULONG n = 0;
    CHECK(f->C_GetSlotList(CK_TRUE, NULL, &n) == CKR_CRYPTOKI_NOT_INITIALIZED);
    CK_C_INITIALIZE_ARGS bad = {0};
    bad.pReserved = &n;
    CHECK(f->C_Initialize(&bad) == CKR_ARGUMENTS_BAD);
    CK_C_INITIALIZE_ARGS args = {0};
    args.flags = CKF_OS_LOCKING_OK;
    CHECK(f->C_Initialize(&args) == CKR_OK);
    CHECK(f->C_Initialize(NULL) == CKR_CRYPTOKI_ALREADY_INITIALIZED);

    CK_INFO info;
    CHECK(f->C_GetInfo(&info) == CKR_OK && info.cryptokiVersion.minor == 40);
    CHECK(f->C_GetInfo(NULL) == CKR_ARGUMENTS_BAD);

    /* Slots: the count query, a buffer of zero, the list. */
    CHECK(f->C_GetSlotList(CK_TRUE, NULL, &n) == CKR_OK && n == 1);
    CK_SLOT_ID slots[2];
    n = 0;
    CHECK(f->C_GetSlotList(CK_TRUE, slots, &n) == CKR_BUFFER_TOO_SMALL && n == 1);
    n = 2;
    CHECK(f->C_GetSlotList(CK_TRUE, slots, &n) == CKR_OK && n == 1 && slots[0] == 0);
    CK_TOKEN_INFO token;
    CHECK(f->C_GetTokenInfo(0, &token) == CKR_OK && memcmp(token.label, "signet ", 7) == 0);
    CHECK(f->C_GetTokenInfo(7, &token) == CKR_SLOT_ID_INVALID);
    CK_MECHANISM_TYPE mechs[8];
    n = 8;
    CHECK(f->C_GetMechanismList(0, mechs, &n) == CKR_OK && n == 2 && mechs[0] == CKM_ECDSA);

    CK_SESSION_HANDLE h = open_session();
    CHECK(f->C_OpenSession(0, 0, NULL, NULL, &h) == CKR_SESSION_PARALLEL_NOT_SUPPORTED);
    CHECK(f->C_OpenSession(0, CKF_SERIAL_SESSION, NULL, NULL, NULL) == CKR_ARGUMENTS_BAD);

    /* Find the private key by class and read its attributes. */
    CK_OBJECT_CLASS cls = CKO_PRIVATE_KEY;
    CK_ATTRIBUTE tmpl[] = {{CKA_CLASS, &cls, sizeof cls}};
    CHECK(f->C_FindObjectsInit(h, tmpl, 1) == CKR_OK);
    CK_OBJECT_HANDLE found[4];
    CHECK(f->C_FindObjects(h, found, 4, &n) == CKR_OK && n == 1 && found[0] == 1);
    CHECK(f->C_FindObjects(h, NULL, 4, &n) == CKR_ARGUMENTS_BAD);
    CHECK(f->C_FindObjectsFinal(h) == CKR_OK);
    CHECK(f->C_FindObjectsInit(h, NULL, 1) == CKR_ARGUMENTS_BAD);
    CK_ATTRIBUTE id = {CKA_ID, NULL, 0};
    CHECK(f->C_GetAttributeValue(h, 1, &id, 1) == CKR_OK && id.ulValueLen == 20);
    id.pValue = malloc(id.ulValueLen);
    CHECK(f->C_GetAttributeValue(h, 1, &id, 1) == CKR_OK);
    free(id.pValue);
    CK_BYTE value[64];
    CK_ATTRIBUTE secret = {CKA_VALUE, value, sizeof value};
    CHECK(f->C_GetAttributeValue(h, 1, &secret, 1) == CKR_ATTRIBUTE_SENSITIVE);
    CHECK(secret.ulValueLen == CK_UNAVAILABLE_INFORMATION);
    CHECK(f->C_GetAttributeValue(h, 1, NULL, 1) == CKR_ARGUMENTS_BAD);

    /* One signature: length query and a small buffer first (both count nothing). */
    CK_MECHANISM m = {CKM_ECDSA, NULL, 0};
    CHECK(f->C_Sign(h, digest, 32, NULL, &n) == CKR_OPERATION_NOT_INITIALIZED);
    CHECK(f->C_SignInit(h, &m, 1) == CKR_OK);
    CHECK(f->C_SignInit(h, &m, 1) == CKR_OPERATION_ACTIVE);
    n = 0;
    CHECK(f->C_Sign(h, digest, 32, NULL, &n) == CKR_OK && n == 64);
    CK_BYTE sig[80];
    n = 10;
    CHECK(f->C_Sign(h, digest, 32, sig, &n) == CKR_BUFFER_TOO_SMALL && n == 64);
    n = sizeof sig;
    CHECK(f->C_Sign(h, digest, 32, sig, &n) == CKR_OK && n == 64);
    FILE *out = fopen(argv[2], "wb");
    CHECK(out && fwrite(sig, 1, 64, out) == 64);
    if (out) fclose(out);
    /* NULL data with a length, NULL length: refused, and the operation is gone. */
    CHECK(f->C_SignInit(h, &m, 1) == CKR_OK);
    CHECK(f->C_Sign(h, NULL, 32, sig, &n) == CKR_ARGUMENTS_BAD);
    CHECK(f->C_Sign(h, digest, 32, sig, &n) == CKR_OPERATION_NOT_INITIALIZED);
    CHECK(f->C_SignInit(h, &m, 2) == CKR_KEY_FUNCTION_NOT_PERMITTED);
    CK_MECHANISM rsa = {CKM_RSA_PKCS, NULL, 0};
    CHECK(f->C_SignInit(h, &rsa, 1) == CKR_MECHANISM_INVALID);
    CHECK(f->C_SignInit(0xdead, &m, 1) == CKR_SESSION_HANDLE_INVALID);

    /* Four threads, 40 attempts, 19 signatures left in the budget of 20. */
    memcpy(thread_digest, digest, 32);
    pthread_t t[4];
    int ok[4][2] = {{0}};
    for (int i = 0; i < 4; i++) CHECK(pthread_create(&t[i], NULL, signer, ok[i]) == 0);
    for (int i = 0; i < 4; i++) pthread_join(t[i], NULL);
    CHECK(ok[0][0] + ok[1][0] + ok[2][0] + ok[3][0] == 19);
    CHECK(ok[0][1] + ok[1][1] + ok[2][1] + ok[3][1] == 0);

    CHECK(f->C_CloseSession(h) == CKR_OK);
    CHECK(f->C_CloseSession(h) == CKR_SESSION_HANDLE_INVALID);
    CHECK(f->C_Finalize(NULL) == CKR_OK);
    CHECK(f->C_Finalize(NULL) == CKR_CRYPTOKI_NOT_INITIALIZED);
    dlclose(lib);
    if (failures) fprintf(stderr, "test_module: %d checks failed\n", failures);
    else printf("test_module: all checks passed\n");
    return failures ? 1 : 0;
}
