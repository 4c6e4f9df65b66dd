/*
 * segment_many.c — NPS, CSAT and CES by store × channel × daypart in one call with
 * cxm_segment_from_columns_many (C11).
 *
 * The survey arrives as C arrays (say, from a columnar store): one array per question,
 * integer codes for the categorical columns, epoch-second timestamps. One call scans the
 * rows once for all three questions and returns one segment table per question. The
 * program checks that each table equals a separate cxm_segment_from_columns call, and
 * that a failing call leaves every output NULL. Exits non-zero on any unexpected result.
 *
 *   cc -std=c11 -I include examples/c/segment_many.c -L target/release -lcxm \
 *      -o segment_many && ./segment_many
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cxm.h"

#define N_ROWS 6000
#define K 3

static int failures = 0;

static void fail(const char *what, cxm_status st) {
    failures++;
    fprintf(stderr, "FAILED %s: %s: %s\n", what, cxm_status_name((int32_t)st),
            cxm_last_error_message());
}

/* A small deterministic generator, so every run segments the same data. */
static unsigned long long rng_state = 42;
static unsigned draw(unsigned below) {
    rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (unsigned)((rng_state >> 33) % below);
}

/* The survey, column by column. */
static double nps[N_ROWS], csat[N_ROWS], ces[N_ROWS], weights[N_ROWS];
static bool ces_present[N_ROWS];
static int32_t store[N_ROWS], channel[N_ROWS];
static int64_t timestamps[N_ROWS];

static void make_survey(void) {
    const int64_t jan_1_2025 = 1735689600; /* 2025-01-01T00:00:00Z */
    for (size_t i = 0; i < N_ROWS; i++) {
        store[i] = i % 97 == 0 ? -1 : (int32_t)draw(4); /* -1: store unknown */
        channel[i] = (int32_t)draw(3);
        timestamps[i] = jan_1_2025 + (int64_t)draw(31 * 24 * 3600);
        int local_hour = (int)((timestamps[i] / 3600 + 1) % 24); /* UTC+01:00 */
        /* York in the evening is where things go wrong. */
        int bad = store[i] == 1 && local_hour >= 17 && local_hour <= 21;
        nps[i] = bad ? draw(9) : 4 + draw(7);
        csat[i] = bad ? 1 + draw(4) : 2 + draw(4);
        ces[i] = bad ? 1 + draw(5) : 3 + draw(5);
        ces_present[i] = draw(10) != 0; /* 10% skipped the CES question */
        weights[i] = 0.5 + draw(100) / 100.0;
    }
}

static const char *flag_name(cxm_flag f) {
    switch (f) {
    case CXM_FLAG_WORSE: return "worse";
    case CXM_FLAG_BETTER: return "better";
    case CXM_FLAG_SUPPRESSED: return "suppressed";
    default: return "n.s.";
    }
}

/* Prints the overall value and the significantly worse groups of one table. */
static void print_table(const char *title, const cxm_segment_table *t) {
    cxm_segment_overall all = {.size = sizeof all};
    cxm_status st = cxm_segment_table_overall(t, &all);
    if (st != CXM_OK) {
        fail("cxm_segment_table_overall", st);
        return;
    }
    printf("%s: overall %.2f [%.2f, %.2f], %llu answers, %llu missing, %llu groups\n", title,
           all.value, all.low, all.high, (unsigned long long)all.n,
           (unsigned long long)all.missing, (unsigned long long)all.groups);
    for (size_t i = 0; i < cxm_segment_table_len(t); i++) {
        cxm_segment_row r = {.size = sizeof r};
        st = cxm_segment_table_row(t, i, &r);
        if (st != CXM_OK) {
            fail("cxm_segment_table_row", st);
            return;
        }
        if (r.flag != CXM_FLAG_WORSE) continue;
        printf("  %-9s %-9s %-9s n=%4llu  %7.2f vs rest %7.2f  q=%.2g  %s\n",
               cxm_segment_table_key(t, i, 0), cxm_segment_table_key(t, i, 1),
               cxm_segment_table_key(t, i, 2), (unsigned long long)r.n, r.value, r.rest,
               r.q_value, flag_name(r.flag));
    }
}

/* The JSON of a table (NULL after reporting a failure); free with cxm_string_free. */
static char *json_of(const cxm_segment_table *t) {
    char *json = NULL;
    cxm_status st = cxm_segment_table_to_json(t, &json);
    if (st != CXM_OK) fail("cxm_segment_table_to_json", st);
    return json;
}

int main(void) {
    make_survey();

    const char *stores[] = {"Leeds", "York", "Bristol", "Cardiff"};
    const char *channels[] = {"in-store", "web", "app"};
    cxm_code_dimension dims[] = {
        {.name = "store", .codes = store, .levels = stores, .n_levels = 4},
        {.name = "channel", .codes = channel, .levels = channels, .n_levels = 3},
    };
    cxm_time_bucket daypart[] = {CXM_TIME_BUCKET_DAYPART};
    cxm_segment_shared_columns cols = {
        .size = sizeof cols,
        .n_rows = N_ROWS,
        .weights = weights,
        .dims = dims,
        .n_dims = 2,
        .timestamps = timestamps,
        .time_buckets = daypart,
        .n_time_buckets = 1,
        .utc_offset_minutes = 60,
    };
    /* Array elements have no `size`: they are frozen types. */
    cxm_answer_column answers[K] = {
        {.metric = CXM_METRIC_NPS, .scores = nps, .name = "q1_recommend"},
        {.metric = CXM_METRIC_CSAT, .csat_points = 5, .scores = csat, .name = "q2_satisfied"},
        {.metric = CXM_METRIC_CES, .scores = ces, .present = ces_present, .name = "q3_effort"},
    };
    const char *titles[K] = {"NPS", "CSAT%", "CES mean"};
    cxm_segment_options opts = {.size = sizeof opts, .min_n = 40};

    /* 1. One pass, three tables: tables[i] answers answers[i]. */
    cxm_segment_table *tables[K];
    cxm_status st =
        cxm_segment_from_columns_many(answers, K, &cols, CXM_POLICY_REJECT, &opts, tables);
    if (st != CXM_OK) {
        fail("cxm_segment_from_columns_many", st);
        return 1;
    }
    printf("cxm %s — %d rows, %d questions by store × channel × daypart\n\n", cxm_version(),
           N_ROWS, K);
    for (int i = 0; i < K; i++) print_table(titles[i], tables[i]);

    /* 2. Each table equals a separate cxm_segment_from_columns call on its column. */
    int equal = 0;
    for (int i = 0; i < K; i++) {
        cxm_segment_columns one = {
            .size = sizeof one,
            .n_rows = cols.n_rows,
            .metric = answers[i].metric,
            .csat_points = answers[i].csat_points,
            .scores = answers[i].scores,
            .present = answers[i].present,
            .weights = cols.weights,
            .dims = cols.dims,
            .n_dims = cols.n_dims,
            .timestamps = cols.timestamps,
            .time_buckets = cols.time_buckets,
            .n_time_buckets = cols.n_time_buckets,
            .utc_offset_minutes = cols.utc_offset_minutes,
        };
        cxm_segment_table *separate = NULL;
        st = cxm_segment_from_columns(&one, CXM_POLICY_REJECT, &opts, &separate);
        if (st != CXM_OK) {
            fail("cxm_segment_from_columns", st);
            continue;
        }
        char *a = json_of(tables[i]), *b = json_of(separate);
        if (a && b && strcmp(a, b) == 0) {
            equal++;
        } else {
            failures++;
            fprintf(stderr, "FAILED table %d differs from the separate call\n", i);
        }
        cxm_string_free(a);
        cxm_string_free(b);
        cxm_segment_table_free(separate);
    }
    for (int i = 0; i < K; i++) cxm_segment_table_free(tables[i]);

    /* 3. All or nothing: a failure sets every tables[i] to NULL (freeing them again would
     *    be a double free under valgrind if it did not). */
    int errors_ok = 0;
    nps[123] = 11; /* out of the 0-10 scale */
    st = cxm_segment_from_columns_many(answers, K, &cols, CXM_POLICY_REJECT, &opts, tables);
    if (st == CXM_INVALID_SCORE && cxm_last_error_row() == 123 &&
        strstr(cxm_last_error_message(), "column `q1_recommend`")) {
        errors_ok++;
        printf("\nbad score:   %s\n", cxm_last_error_message());
    } else {
        fail("a bad score must be CXM_INVALID_SCORE at row 123", st);
    }
    nps[123] = 10;
    answers[2].metric = 7;
    st = cxm_segment_from_columns_many(answers, K, &cols, CXM_POLICY_REJECT, &opts, tables);
    if (st == CXM_INVALID_ARGUMENT && strstr(cxm_last_error_message(), "answers[2].metric")) {
        errors_ok++;
        printf("bad metric:  %s\n", cxm_last_error_message());
    } else {
        fail("an unknown metric must be CXM_INVALID_ARGUMENT", st);
    }
    for (int i = 0; i < K; i++) {
        if (tables[i] != NULL) {
            failures++;
            fprintf(stderr, "FAILED tables[%d] is not NULL after a failure\n", i);
        }
        cxm_segment_table_free(tables[i]);
    }
    st = cxm_segment_from_columns_many(answers, 0, &cols, CXM_POLICY_REJECT, &opts, tables);
    if (st == CXM_INVALID_ARGUMENT) {
        errors_ok++;
        printf("k = 0:       %s\n", cxm_last_error_message());
    } else {
        fail("k = 0 must be CXM_INVALID_ARGUMENT", st);
    }

    printf("\nsegment_many: %d/%d tables equal separate calls, %d/3 errors as expected, "
           "%d failures\n",
           equal, K, errors_ok, failures);
    return failures ? 1 : 0;
}
