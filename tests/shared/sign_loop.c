/* One surface of the shared-state test: signs files through the C state API
 * until the budget is exhausted, and prints how many it signed.
 * Usage: sign_loop STATE_DIR USER FILE_PREFIX FIRST [once] */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "signet.h"

int main(int argc, char **argv) {
    if (argc != 5 && !(argc == 6 && strcmp(argv[5], "once") == 0)) {
        fprintf(stderr, "usage: sign_loop STATE USER PREFIX FIRST [once]\n");
        return 2;
    }
    int once = argc == 6;
    /* Start together with the other surfaces: wait for $SIGNET_GO to exist. */
    const char *go = getenv("SIGNET_GO");
    while (go != NULL && access(go, F_OK) != 0) {
        const struct timespec pause = {0, 5000000};
        nanosleep(&pause, NULL);
    }
    signet_state_options *opts = NULL;
    signet_state *state = NULL;
    if (signet_state_options_new(&opts) != SIGNET_RESULT_OK ||
        signet_state_options_set_user(opts, (const uint8_t *)argv[2], strlen(argv[2])) != SIGNET_RESULT_OK) {
        fprintf(stderr, "sign_loop: options\n");
        return 2;
    }
    signet_result r = signet_state_open((const uint8_t *)argv[1], strlen(argv[1]), opts, &state);
    signet_state_options_free(opts);
    if (r != SIGNET_RESULT_OK) {
        fprintf(stderr, "sign_loop: open: %s\n", signet_result_code_str(r));
        return 2;
    }
    int signed_count = 0;
    for (long i = strtol(argv[4], NULL, 10);; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s%ld", argv[3], i);
        r = signet_state_sign_file(state, (const uint8_t *)path, strlen(path), 0);
        if (r == SIGNET_RESULT_SIGN_BUDGET_EXHAUSTED) {
            break;
        }
        if (r != SIGNET_RESULT_OK) {
            fprintf(stderr, "sign_loop: %s: %s\n", path, signet_result_code_str(r));
            signet_state_free(state);
            return 1;
        }
        signed_count++;
        if (once) {
            break;
        }
    }
    signet_state_free(state);
    printf("%d\n", signed_count);
    return 0;
}
