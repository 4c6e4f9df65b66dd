/*
 * sentiment_cx.c — the customer-feedback (Cx) sentiment mode from C (C11): a batch of
 * customer comments scored at once, the explanation of one score as JSON, a custom
 * lexicon entry, a model saved to JSON and restored, and a calibration from compound to
 * the NPS the same customers gave (fit, predict, JSON round trip). Every handle and string
 * is freed. Exits non-zero on any unexpected result.
 *
 *   cc -std=c11 -I include examples/c/sentiment_cx.c target/release/libcxm.a \
 *      -lpthread -ldl -lm -o sentiment_cx
 *   ./sentiment_cx
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cxm.h"

static int checks = 0;
static int failures = 0;

/* Counts a check; prints the condition when it does not hold. */
#define CHECK(cond)                                                                      \
    do {                                                                                 \
        checks++;                                                                        \
        if (!(cond)) {                                                                   \
            failures++;                                                                  \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);    \
        }                                                                                \
    } while (0)

/* A call that must succeed; on failure prints the status and message. */
static int ok(const char *what, cxm_status st) {
    checks++;
    if (st == CXM_OK) return 1;
    failures++;
    fprintf(stderr, "%s: %s: %s\n", what, cxm_status_name((int32_t)st),
            cxm_last_error_message());
    return 0;
}

static const char *label(double compound) {
    return compound >= 0.05 ? "positive" : compound <= -0.05 ? "negative" : "neutral";
}

int main(void) {
    const char *comments[] = {
        "I waited 2 hours on hold.",
        "Couldn't be happier!",
        "The agent sorted it out in five minutes, thanks.",
        "Delivery was late again and nobody called back.",
        "No complaints, the refund arrived quickly.",
        "Great app but it crashes every time I pay.",
    };
    /* The NPS answer each commenter gave (0-10). */
    const double nps[] = {2, 10, 9, 3, 9, 5};
    enum { N = sizeof comments / sizeof comments[0] };

    cxm_sentiment_model *cx = NULL, *custom = NULL, *restored = NULL;
    cxm_calibration *cal = NULL, *cal2 = NULL;
    char *explain = NULL, *model_json = NULL, *cal_json = NULL, *cal_json2 = NULL;

    /* --- batch scoring in the Cx mode ------------------------------------------------ */
    if (!ok("cxm_sentiment_model_new", cxm_sentiment_model_new(CXM_SENTIMENT_MODE_CX, &cx)))
        goto done;
    cxm_sentiment_scores scores[N];
    cxm_row_status status[N];
    if (!ok("cxm_sentiment_score_batch",
            cxm_sentiment_score_batch(cx, comments, NULL, N, scores, status)))
        goto done;
    printf("%8s  %-8s  %s\n", "compound", "label", "comment");
    for (size_t i = 0; i < N; i++) {
        printf("%8.4f  %-8s  %s\n", scores[i].compound, label(scores[i].compound), comments[i]);
        CHECK(status[i] == CXM_ROW_OK);
        CHECK(scores[i].compound >= -1 && scores[i].compound <= 1);
    }
    /* A long wait reads as negative, "couldn't be happier" as positive. */
    CHECK(scores[0].compound <= -0.05);
    CHECK(scores[1].compound >= 0.05);
    CHECK(scores[3].compound <= -0.05);
    CHECK(scores[4].compound >= 0.05);

    /* --- why: the explanation of one score ------------------------------------------- */
    if (!ok("cxm_sentiment_explain_json",
            cxm_sentiment_explain_json(cx, comments[0], strlen(comments[0]), &explain)))
        goto done;
    printf("\nexplain: %s\n", explain);
    CHECK(strncmp(explain, "{\"mode\":\"cx\",\"scores\":{", 23) == 0);
    CHECK(strstr(explain, "\"contributions\":[{") != NULL);
    CHECK(strstr(explain, "\"clauses\":[{") != NULL);

    /* Invalid UTF-8 is a status, not a crash; *out is NULL. */
    char *none = explain;
    CHECK(cxm_sentiment_explain_json(cx, "caf\xe9", CXM_NUL_TERMINATED, &none) ==
          CXM_INVALID_UTF8);
    CHECK(none == NULL);
    printf("explain, invalid UTF-8: %s\n", cxm_last_error_message());

    /* --- a custom lexicon entry ------------------------------------------------------ */
    const char *entries[] = {"queue jump"};
    const double valences[] = {2.0};
    if (!ok("cxm_sentiment_model_with_entries",
            cxm_sentiment_model_with_entries(cx, entries, NULL, valences, 1, &custom)))
        goto done;
    const char *text = "They let me queue jump at the desk.";
    cxm_sentiment_scores before, after;
    if (!ok("cxm_sentiment_score", cxm_sentiment_score(cx, text, strlen(text), &before)) ||
        !ok("cxm_sentiment_score", cxm_sentiment_score(custom, text, strlen(text), &after)))
        goto done;
    printf("\n\"%s\": %.4f, with \"queue jump\" = +2: %.4f\n", text, before.compound,
           after.compound);
    CHECK(after.compound > before.compound);
    CHECK(after.compound >= 0.05);

    /* A bad valence is an argument error naming the entry; no model is made. */
    const double too_big[] = {7.0};
    cxm_sentiment_model *bad = custom;
    CHECK(cxm_sentiment_model_with_entries(cx, entries, NULL, too_big, 1, &bad) ==
          CXM_INVALID_ARGUMENT);
    CHECK(bad == NULL);
    printf("bad valence: %s\n", cxm_last_error_message());

    /* The model (mode + custom entries) to JSON and back: the same scores. */
    if (!ok("cxm_sentiment_model_to_json", cxm_sentiment_model_to_json(custom, &model_json)) ||
        !ok("cxm_sentiment_model_from_json",
            cxm_sentiment_model_from_json(model_json, CXM_NUL_TERMINATED, &restored)))
        goto done;
    printf("model: %s\n", model_json);
    cxm_sentiment_scores again;
    if (!ok("cxm_sentiment_score", cxm_sentiment_score(restored, text, strlen(text), &again)))
        goto done;
    CHECK(memcmp(&again, &after, sizeof again) == 0);

    /* --- calibration: compound -> expected NPS answer and P(detractor) ---------------- */
    double compound[N];
    for (size_t i = 0; i < N; i++) compound[i] = scores[i].compound;
    if (!ok("cxm_calibration_fit",
            cxm_calibration_fit(compound, nps, N, CXM_METRIC_NPS, 0, &cal)))
        goto done;
    const double at[] = {-0.9, -0.5, 0.0, 0.5, 0.9};
    enum { M = sizeof at / sizeof at[0] };
    double expected[M], p_negative[M];
    if (!ok("cxm_calibration_predict",
            cxm_calibration_predict(cal, at, M, expected, p_negative)))
        goto done;
    printf("\n%8s  %12s  %12s\n", "compound", "expected NPS", "P(detractor)");
    for (size_t i = 0; i < M; i++) {
        printf("%8.2f  %12.2f  %12.2f\n", at[i], expected[i], p_negative[i]);
        CHECK(expected[i] >= 0 && expected[i] <= 10);
        CHECK(p_negative[i] >= 0 && p_negative[i] <= 1);
        if (i > 0) CHECK(expected[i] >= expected[i - 1] && p_negative[i] <= p_negative[i - 1]);
    }
    CHECK(expected[0] < expected[M - 1]);

    /* JSON round trip: the restored calibration predicts the same, bit for bit. */
    if (!ok("cxm_calibration_to_json", cxm_calibration_to_json(cal, &cal_json)) ||
        !ok("cxm_calibration_from_json",
            cxm_calibration_from_json(cal_json, strlen(cal_json), &cal2)) ||
        !ok("cxm_calibration_to_json", cxm_calibration_to_json(cal2, &cal_json2)))
        goto done;
    printf("calibration: %s\n", cal_json);
    CHECK(strcmp(cal_json, cal_json2) == 0);
    double expected2[M];
    if (!ok("cxm_calibration_predict", cxm_calibration_predict(cal2, at, M, expected2, NULL)))
        goto done;
    CHECK(memcmp(expected, expected2, sizeof expected) == 0);

    /* Another format version is refused with its own status. */
    cxm_calibration *future = cal2;
    CHECK(cxm_calibration_from_json("{\"format_version\":99}", CXM_NUL_TERMINATED, &future) ==
          CXM_FORMAT_VERSION);
    CHECK(future == NULL);
    printf("version 99: %s\n", cxm_last_error_message());

    /* An answer off the scale names its row. */
    const double off_scale[] = {2, 10, 9, 3, 11, 5};
    CHECK(cxm_calibration_fit(compound, off_scale, N, CXM_METRIC_NPS, 0, &future) ==
          CXM_INVALID_SCORE);
    CHECK(cxm_last_error_row() == 4 && future == NULL);

done:
    cxm_string_free(cal_json2);
    cxm_string_free(cal_json);
    cxm_string_free(model_json);
    cxm_string_free(explain);
    cxm_calibration_free(cal2);
    cxm_calibration_free(cal);
    cxm_sentiment_model_free(restored);
    cxm_sentiment_model_free(custom);
    cxm_sentiment_model_free(cx);
    printf("\nsentiment_cx: %d checks passed, %d failed\n", checks - failures, failures);
    return failures ? 1 : 0;
}
