/*
 * sentiment.c — scoring customer comments with the VADER-compatible sentiment model
 * from C (C11): one batch call over an array of comments, one of which is not UTF-8 and
 * one of which is NULL, then a single-text call checked against the batch. Exits
 * non-zero on any unexpected result.
 *
 * The Vader mode is used here because its scores are fixed to the reference
 * vaderSentiment 3.3.2, so the example can check exact numbers. For customer comments
 * the Cx mode (CXM_SENTIMENT_MODE_CX) reads waits, refunds and the like better; it is
 * shown, with explanations, custom entries and calibration, in sentiment_cx.c. Bad rows
 * and lengths work the same in both modes.
 *
 *   cc -std=c11 -I include examples/c/sentiment.c target/release/libcxm.a \
 *      -lpthread -ldl -lm -o sentiment
 *   ./sentiment
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cxm.h"

static int fail(const char *what, cxm_status st) {
    fprintf(stderr, "%s: %s: %s\n", what, cxm_status_name((int32_t)st),
            cxm_last_error_message());
    return 1;
}

static const char *row_reason(cxm_row_status s) {
    switch (s) {
    case CXM_ROW_OK: return "ok";
    case CXM_ROW_NULL: return "NULL text";
    case CXM_ROW_INVALID_UTF8: return "invalid UTF-8";
    default: return "?";
    }
}

int main(void) {
    /* "caf\xe9" is Latin-1, not UTF-8: that row gets a reason, not a crash. */
    const char *comments[] = {
        "The staff were friendly and helpful.",
        "Terrible experience, the order arrived broken.",
        "Delivery was on time.",
        "Great service \xf0\x9f\x98\x81!", /* with an emoji, U+1F601 */
        "The caf\xe9 was lovely",
        NULL,
        "The agent was rude and unhelpful.",
    };
    enum { N = sizeof comments / sizeof comments[0] };

    cxm_sentiment_model *model = NULL;
    cxm_status st = cxm_sentiment_model_new(CXM_SENTIMENT_MODE_VADER, &model);
    if (st != CXM_OK) return fail("cxm_sentiment_model_new", st);

    cxm_sentiment_scores scores[N];
    cxm_row_status status[N];
    /* lengths NULL: every text is NUL-terminated. */
    st = cxm_sentiment_score_batch(model, comments, NULL, N, scores, status);
    if (st != CXM_OK) {
        cxm_sentiment_model_free(model);
        return fail("cxm_sentiment_score_batch", st);
    }

    int bad = 0;
    printf("%8s %6s %6s %6s  %-14s %s\n", "compound", "pos", "neu", "neg", "row", "text");
    for (size_t i = 0; i < N; i++) {
        printf("%8.4f %6.3f %6.3f %6.3f  %-14s %s\n", scores[i].compound, scores[i].pos,
               scores[i].neu, scores[i].neg, row_reason(status[i]),
               status[i] == CXM_ROW_OK ? comments[i] : "(not scored)");
        if ((status[i] == CXM_ROW_OK) == isnan(scores[i].compound)) bad++;
    }
    if (status[4] != CXM_ROW_INVALID_UTF8 || status[5] != CXM_ROW_NULL) bad++;
    if (fabs(scores[0].compound - 0.7184) > 1e-6 || fabs(scores[1].compound + 0.7351) > 1e-6)
        bad++;

    /* One text with an explicit length (no NUL needed): the same scores as in the batch. */
    const char *text = comments[6];
    cxm_sentiment_scores one;
    st = cxm_sentiment_score(model, text, strlen(text), &one);
    if (st != CXM_OK) {
        cxm_sentiment_model_free(model);
        return fail("cxm_sentiment_score", st);
    }
    if (memcmp(&one, &scores[6], sizeof one) != 0) bad++;
    printf("single: %.4f (same as the batch)\n", one.compound);

    /* The single-text call rejects invalid UTF-8 with a status. */
    st = cxm_sentiment_score(model, comments[4], CXM_NUL_TERMINATED, &one);
    printf("single, invalid UTF-8: %s: %s\n", cxm_status_name((int32_t)st),
           cxm_last_error_message());
    if (st != CXM_INVALID_UTF8) bad++;

    cxm_sentiment_model_free(model);
    if (bad) {
        fprintf(stderr, "%d unexpected results\n", bad);
        return 1;
    }
    printf("sentiment: all checks passed\n");
    return 0;
}
