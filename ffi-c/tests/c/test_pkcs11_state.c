/* A state whose key is on a PKCS#11 token, from C: a throwaway SoftHSM2
   token (made with softhsm2-util under a temporary SOFTHSM2_CONF), the key
   generated there through signet_init_options_set_pkcs11_key, the state
   reopened with signet_state_options_set_pin, a file signed and verified by
   `openssl cms -verify`, and the PKCS#11 errors returned with their numbers.
   The PIN never appears in an error message. */
#include <stdint.h>
#include <unistd.h>
#include "check.h"

#define MODULE "/usr/lib/softhsm/libsofthsm2.so"

static char base[64];

static int run(const char *cmd) { return system(cmd) == 0; }

int main(void) {
    snprintf(base, sizeof base, "/tmp/signet-c-p11-XXXXXX");
    if (!mkdtemp(base)) {
        perror("mkdtemp");
        return 1;
    }
    const char *module = getenv("SIGNET_TEST_PKCS11_MODULE");
    if (!module) module = MODULE;
    char conf[128], cmd[1024], uri[512], dir[128], file[128], msg[512];
    snprintf(conf, sizeof conf, "%s/softhsm2.conf", base);
    snprintf(cmd, sizeof cmd,
             "mkdir -p '%s/tokens' && printf 'directories.tokendir = %s/tokens\\nobjectstore.backend = file\\n' > '%s' && "
             "SOFTHSM2_CONF='%s' softhsm2-util --init-token --free --label c-state --pin 1234 --so-pin 5678 >/dev/null",
             base, base, conf, conf);
    CHECK(run(cmd));
    setenv("SOFTHSM2_CONF", conf, 1);
    unsetenv("SIGNET_PKCS11_PIN");

    snprintf(uri, sizeof uri, "pkcs11:token=c-state;object=signing;type=private?module-path=%s&pin-value=1234", module);
    snprintf(dir, sizeof dir, "%s/state", base);
    signet_init_options *init = NULL;
    CHECK_RESULT(signet_init_options_new(&init), SIGNET_RESULT_OK);
    CHECK_RESULT(signet_init_options_set_pkcs11_key(init, S("pkcs11:token=c;bogus"), true), SIGNET_RESULT_PKCS11_URI_INVALID);
    CHECK_RESULT(signet_init_options_set_pkcs11_key(NULL, S(uri), true), SIGNET_RESULT_NULL_POINTER);
    CHECK_RESULT(signet_init_options_set_pkcs11_key(init, S(uri), true), SIGNET_RESULT_OK);
    CHECK_RESULT(signet_init_options_set_budget(init, 1), SIGNET_RESULT_OK);
    signet_state *s = NULL;
    CHECK_RESULT(signet_state_init(S(dir), NULL, init, &s), SIGNET_RESULT_OK);
    signet_init_options_free(init);
    size_t n = 0;
    char json[8192];
    if (s) {
        CHECK_RESULT(signet_state_status_json(s, (uint8_t *)json, sizeof json, &n), SIGNET_RESULT_OK);
        CHECK(strstr(json, "\"token\":\"pkcs11\"") != NULL);
        CHECK(strstr(json, "\"protection\":\"hardware\"") != NULL);
        CHECK(strstr(json, "1234") == NULL);
        signet_state_free(s);
        s = NULL;
    }

    /* the stored URI holds no PIN: the options give it */
    signet_state_options *o = NULL;
    CHECK_RESULT(signet_state_options_new(&o), SIGNET_RESULT_OK);
    CHECK_RESULT(signet_state_options_set_pin(NULL, S("1234")), SIGNET_RESULT_NULL_POINTER);
    CHECK_RESULT(signet_state_options_set_pin(o, S("0000")), SIGNET_RESULT_OK);
    CHECK_RESULT(signet_state_open(S(dir), o, &s), SIGNET_RESULT_PKCS11_PIN_INCORRECT);
    CHECK_RESULT(signet_last_error_message(msg, sizeof msg, &n), SIGNET_RESULT_OK);
    CHECK(strstr(msg, "0000") == NULL);
    CHECK_RESULT(signet_state_options_set_pin(o, S("1234")), SIGNET_RESULT_OK);
    CHECK_RESULT(signet_state_open(S(dir), o, &s), SIGNET_RESULT_OK);
    signet_state_options_free(o);
    if (s) {
        snprintf(file, sizeof file, "%s/app.bin", base);
        FILE *f = fopen(file, "wb");
        CHECK(f != NULL);
        if (f) {
            fputs("built by CI\n", f);
            fclose(f);
        }
        CHECK_RESULT(signet_state_sign_file(s, S(file), 0), SIGNET_RESULT_OK);
        snprintf(cmd, sizeof cmd,
                 "openssl cms -verify -binary -inform DER -noverify -in '%s.p7s' -content '%s' -out /dev/null 2>/dev/null",
                 file, file);
        CHECK(run(cmd));
        /* a budget of one: the next signature is refused and nothing is written */
        snprintf(file, sizeof file, "%s/second.bin", base);
        f = fopen(file, "wb");
        if (f) {
            fputs("second\n", f);
            fclose(f);
        }
        CHECK_RESULT(signet_state_sign_file(s, S(file), 0), SIGNET_RESULT_SIGN_BUDGET_EXHAUSTED);
        snprintf(cmd, sizeof cmd, "%s.p7s", file);
        CHECK(access(cmd, F_OK) != 0);
        signet_state_free(s);
    }
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", base);
    CHECK(run(cmd));
    return finish("test_pkcs11_state");
}
