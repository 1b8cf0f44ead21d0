/* Validates an order body given on the command line; exit 0 when valid. */
#include <signet.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv) {
    const char *body = argc > 1 ? argv[1] : "{}";
    signet_date at = {2025, 6, 1};
    signet_report *report = NULL;
    if (signet_order_validate((const uint8_t *)body, strlen(body), (const uint8_t *)"code_signing", 12, at, &report) !=
        SIGNET_RESULT_OK)
        return 2;
    bool valid = false;
    signet_report_is_valid(report, &valid);
    size_t count = 0;
    signet_report_finding_count(report, &count);
    printf("valid=%d findings=%zu\n", valid, count);
    signet_report_free(report);
    return valid ? 0 : 1;
}
