/* The scenario vectors (tests/vectors/scenarios/) through the state API, as
   tests/integration/scenarios.rs runs them through signet-host: a fresh
   development state per case, each step opened as its user at the case's
   fixed clock, and each step's outcome code compared with the vector's.
   argv[1]: the steps flattened by ffi-c/tests/vectors.rs
   (derive_scenario_steps), one tab-separated line per step. */
#include <stdint.h>
#include <unistd.h>
#include "check.h"

#define MAX_FIELDS 32
#define MAX_STEPS 16
#define MAX_APPROVERS 16

typedef struct {
    char *f[MAX_FIELDS];
    int n;
} line;

static char work[64];
static char state_dir[128];
static int64_t now;
static const char *signer;
static int files;
static int steps_run;
static char json[16384];

static void split(char *text, line *l) {
    l->n = 0;
    char *save = NULL;
    for (char *t = strtok_r(text, "\t", &save); t && l->n < MAX_FIELDS; t = strtok_r(NULL, "\t", &save))
        l->f[l->n++] = t;
}

/* The value of `key=` in a step, or NULL. */
static const char *arg(const line *l, const char *key) {
    size_t k = strlen(key);
    for (int i = 3; i < l->n; i++)
        if (strncmp(l->f[i], key, k) == 0 && l->f[i][k] == '=') return l->f[i] + k + 1;
    return NULL;
}

static uint64_t num(const line *l, const char *key, uint64_t otherwise) {
    const char *v = arg(l, key);
    return v ? strtoull(v, NULL, 10) : otherwise;
}

static signet_state *open_as(const char *user, signet_result *r) {
    signet_state_options *o = NULL;
    CHECK_RESULT(signet_state_options_new(&o), SIGNET_RESULT_OK);
    CHECK_RESULT(signet_state_options_set_user(o, S(user)), SIGNET_RESULT_OK);
    CHECK_RESULT(signet_state_options_set_now(o, now), SIGNET_RESULT_OK);
    signet_state *s = NULL;
    *r = signet_state_open(S(state_dir), o, &s);
    signet_state_options_free(o);
    return s;
}

static uint32_t role(const char *name) {
    static const struct {
        const char *name;
        uint32_t role;
    } roles[] = {{"administrator", SIGNET_ROLE_ADMINISTRATOR},
                 {"manager", SIGNET_ROLE_MANAGER},
                 {"standard_user", SIGNET_ROLE_STANDARD_USER},
                 {"limited_user", SIGNET_ROLE_LIMITED_USER},
                 {"finance_manager", SIGNET_ROLE_FINANCE_MANAGER}};
    for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++)
        if (strcmp(roles[i].name, name) == 0) return roles[i].role;
    fprintf(stderr, "unknown role %s\n", name);
    CHECK(0);
    return 0;
}

static signet_result sign(signet_state *s, const line *l) {
    uint64_t count = num(l, "count", 1);
    char paths[MAX_STEPS][160];
    signet_str list[MAX_STEPS];
    CHECK(count <= MAX_STEPS);
    if (count > MAX_STEPS) count = MAX_STEPS;
    for (uint64_t i = 0; i < count; i++) {
        files++;
        snprintf(paths[i], sizeof paths[i], "%s/artifact-%d.bin", work, files);
        FILE *f = fopen(paths[i], "wb");
        CHECK(f != NULL);
        if (f) {
            fprintf(f, "scenario artifact %d", files);
            fclose(f);
        }
        list[i].ptr = (const uint8_t *)paths[i];
        list[i].len = strlen(paths[i]);
    }
    return signet_state_sign_files(s, list, (size_t)count, num(l, "grant", 0));
}

static signet_result grant_policy(signet_state *s, const line *l) {
    static signet_str names[MAX_STEPS][MAX_APPROVERS];
    signet_approval_step steps[MAX_STEPS];
    size_t n = 0;
    for (int i = 3; i < l->n; i++) {
        if (strncmp(l->f[i], "step=", 5) != 0) continue;
        CHECK(n < MAX_STEPS);
        if (n >= MAX_STEPS) break;
        char *threshold = l->f[i] + 5;
        char *approvers = strchr(threshold, ':');
        CHECK(approvers != NULL);
        if (!approvers) break;
        *approvers++ = '\0';
        size_t a = 0;
        char *save = NULL;
        for (char *t = strtok_r(approvers, ",", &save); t && a < MAX_APPROVERS; t = strtok_r(NULL, ",", &save)) {
            names[n][a].ptr = (const uint8_t *)t;
            names[n][a].len = strlen(t);
            a++;
        }
        steps[n].approvers = names[n];
        steps[n].approvers_len = a;
        steps[n].threshold = (uint8_t)strtoul(threshold, NULL, 10);
        n++;
    }
    uint64_t window = num(l, "max_window", 0);
    uint32_t ops = (uint32_t)num(l, "max_ops", 0);
    return signet_state_grant_policy(s, arg(l, "max_window") ? &window : NULL, arg(l, "max_ops") ? &ops : NULL,
                                     num(l, "ttl", 0), steps, n);
}

static signet_result grant_request(signet_state *s, const line *l) {
    uint32_t ops = (uint32_t)num(l, "ops", 0);
    int64_t until = now + (int64_t)num(l, "window", 0);
    signet_request_params p = {NULL, arg(l, "window") ? &until : NULL, arg(l, "ops") ? &ops : NULL, NULL, 0};
    return signet_state_grant_request(s, &p);
}

/* One acting step: the state opened as its user, then the action. */
static signet_result act(const line *l) {
    const char *action = l->f[0];
    signet_result r;
    signet_state *s = open_as(l->f[1], &r);
    if (r != SIGNET_RESULT_OK) return r;
    if (strcmp(action, "sign") == 0) {
        r = sign(s, l);
    } else if (strcmp(action, "budget_use") == 0) {
        r = signet_state_budget_use(s, NULL, num(l, "count", 0));
    } else if (strcmp(action, "budget_buy") == 0) {
        const char *name = arg(l, "role");
        signet_account a = {name ? role(name) : SIGNET_ROLE_STANDARD_USER, num(l, "subaccount", 0) != 0, false};
        r = signet_state_budget_buy(s, NULL, &a, num(l, "signatures", 0));
    } else if (strcmp(action, "budget_revoke") == 0) {
        r = signet_state_budget_revoke(s, NULL);
    } else if (strcmp(action, "budget_assign") == 0) {
        signet_account a = {SIGNET_ROLE_STANDARD_USER, false, num(l, "keylocker_lead", 0) != 0};
        const char *to = arg(l, "signer");
        r = signet_state_budget_assign(s, NULL, &a, (const uint8_t *)to, to ? strlen(to) : 0);
    } else if (strcmp(action, "grant_policy") == 0) {
        r = grant_policy(s, l);
    } else if (strcmp(action, "grant_request") == 0) {
        r = grant_request(s, l);
    } else if (strcmp(action, "grant_approve") == 0) {
        r = signet_state_grant_approve(s, num(l, "id", 0));
    } else if (strcmp(action, "grant_cancel") == 0) {
        r = signet_state_grant_cancel(s, num(l, "id", 0));
    } else if (strcmp(action, "grant_reject") == 0) {
        const char *comment = arg(l, "comment");
        r = signet_state_grant_reject(s, num(l, "id", 0), (const uint8_t *)comment, comment ? strlen(comment) : 0);
    } else {
        fprintf(stderr, "unknown action %s\n", action);
        CHECK(0);
        r = SIGNET_RESULT_INVALID_ARGUMENT;
    }
    signet_state_free(s);
    return r;
}

/* A check: the budget, or a request's grant, holds every `want=` member. */
static void check(const line *l, const char *what) {
    signet_result r;
    signet_state *s = open_as(signer, &r);
    CHECK_RESULT(r, SIGNET_RESULT_OK);
    if (!s) return;
    size_t n = 0;
    const char *scope = json;
    if (strcmp(l->f[0], "check_budget") == 0) {
        CHECK_RESULT(signet_state_budget_show(s, NULL, (uint8_t *)json, sizeof json, &n), SIGNET_RESULT_OK);
    } else {
        CHECK_RESULT(signet_state_grant_show(s, num(l, "id", 0), (uint8_t *)json, sizeof json, &n), SIGNET_RESULT_OK);
        scope = strstr(json, "\"grant\":{");
        CHECK(scope != NULL);
        if (!scope) scope = "";
        else scope += strlen("\"grant\":");
    }
    for (int i = 3; i < l->n; i++) {
        if (strncmp(l->f[i], "want=", 5) != 0) continue;
        int ok = json_has(scope, l->f[i] + 5);
        CHECK(ok);
        if (!ok) fprintf(stderr, "%s: %s not in %s\n", what, l->f[i] + 5, scope);
    }
    signet_state_free(s);
}

static void start_case(const line *l) {
    /* case NAME START SIGNER BUDGET DAYS */
    CHECK(l->n == 6);
    snprintf(work, sizeof work, "/tmp/signet-c-scenario-XXXXXX");
    CHECK(mkdtemp(work) != NULL);
    snprintf(state_dir, sizeof state_dir, "%s/state", work);
    now = strtoll(l->f[2], NULL, 10);
    signer = l->f[3];
    files = 0;
    signet_state_options *o = NULL;
    signet_init_options *i = NULL;
    CHECK_RESULT(signet_state_options_new(&o), SIGNET_RESULT_OK);
    CHECK_RESULT(signet_state_options_set_user(o, S(signer)), SIGNET_RESULT_OK);
    CHECK_RESULT(signet_state_options_set_now(o, now), SIGNET_RESULT_OK);
    CHECK_RESULT(signet_init_options_new(&i), SIGNET_RESULT_OK);
    CHECK_RESULT(signet_init_options_set_signer(i, S(signer)), SIGNET_RESULT_OK);
    CHECK_RESULT(signet_init_options_set_budget(i, strtoull(l->f[4], NULL, 10)), SIGNET_RESULT_OK);
    CHECK_RESULT(signet_init_options_set_days(i, (uint32_t)strtoul(l->f[5], NULL, 10)), SIGNET_RESULT_OK);
    signet_state *s = NULL;
    CHECK_RESULT(signet_state_init(S(state_dir), o, i, &s), SIGNET_RESULT_OK);
    signet_state_free(s);
    signet_init_options_free(i);
    signet_state_options_free(o);
}

static void end_case(void) {
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", work);
    CHECK(system(cmd) == 0);
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: test_scenarios STEPS.tsv\n");
        return 2;
    }
    size_t len = 0;
    unsigned char *text = read_file(argv[1], &len);
    if (!text) {
        fprintf(stderr, "cannot read %s\n", argv[1]);
        return 2;
    }
    char *all = malloc(len + 1);
    memcpy(all, text, len);
    all[len] = '\0';
    free(text);
    int cases = 0;
    char case_name[128] = "";
    int step = 0;
    char *save = NULL;
    for (char *raw = strtok_r(all, "\n", &save); raw; raw = strtok_r(NULL, "\n", &save)) {
        line l;
        split(raw, &l);
        if (l.n == 0) continue;
        if (strcmp(l.f[0], "case") == 0) {
            snprintf(case_name, sizeof case_name, "%s", l.n > 1 ? l.f[1] : "?");
            start_case(&l);
            cases++;
            step = 0;
            continue;
        }
        if (strcmp(l.f[0], "end") == 0) {
            end_case();
            continue;
        }
        CHECK(l.n >= 3);
        if (l.n < 3) continue;
        char what[192];
        snprintf(what, sizeof what, "%s step %d (%s)", case_name, step, l.f[0]);
        if (strcmp(l.f[0], "advance") == 0) {
            now += (int64_t)num(&l, "seconds", 0);
        } else if (strncmp(l.f[0], "check_", 6) == 0) {
            check(&l, what);
        } else {
            signet_result r = act(&l);
            const char *got = signet_result_code_str(r);
            int ok = got && strcmp(got, l.f[2]) == 0;
            CHECK(ok);
            if (!ok) {
                char msg[512];
                size_t n = 0;
                signet_last_error_message(msg, sizeof msg, &n);
                fprintf(stderr, "%s as %s: got %s (%s), expected %s\n", what, l.f[1], got ? got : "?", msg, l.f[2]);
            }
        }
        step++;
        steps_run++;
    }
    free(all);
    CHECK(cases >= 7 && steps_run > 60);
    printf("test_scenarios: %d cases, %d steps\n", cases, steps_run);
    return finish("test_scenarios");
}
