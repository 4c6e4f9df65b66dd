/*
 * errors.c — every kind of bad input given to libcxm from C, with the status code and
 * message it must produce (C11). Exits non-zero on any unexpected result.
 *
 *   cc -std=c11 -I include examples/c/errors.c -L target/release -lcxm -o errors
 *   ./errors
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cxm.h"

static int checks = 0, failures = 0;

/* Asserts `got == want` and that the last error message contains `fragment`. */
static void expect_at(int line, const char *what, cxm_status got, cxm_status want,
                      const char *fragment) {
    const char *msg = cxm_last_error_message();
    checks++;
    if (got != want) {
        failures++;
        fprintf(stderr, "line %d: %s: got %s, want %s (message: %s)\n", line, what,
                cxm_status_name((int32_t)got), cxm_status_name((int32_t)want), msg);
    } else if (fragment && !strstr(msg, fragment)) {
        failures++;
        fprintf(stderr, "line %d: %s: message \"%s\" lacks \"%s\"\n", line, what, msg,
                fragment);
    } else {
        printf("ok   %-22s %-40s %s\n", cxm_status_name((int32_t)got), what,
               got == CXM_OK ? "" : msg);
    }
}
#define EXPECT(call, want, fragment) expect_at(__LINE__, #call, (call), (want), (fragment))

static void require_at(int line, const char *what, int cond) {
    checks++;
    if (!cond) {
        failures++;
        fprintf(stderr, "line %d: %s does not hold\n", line, what);
    }
}
#define REQUIRE(cond) require_at(__LINE__, #cond, (cond))

static void metrics(void) {
    cxm_nps_result r = {.size = sizeof r};
    const double good[] = {10, 9, 3};

    /* NULL pointers: an array may be NULL only when its length is 0. */
    EXPECT(cxm_nps(NULL, NULL, 3, NULL, &r), CXM_NULL_POINTER, "`scores` is NULL");
    EXPECT(cxm_nps(good, NULL, 3, NULL, NULL), CXM_NULL_POINTER, "`out`");
    REQUIRE(cxm_last_error_row() == -1);

    /* Empty input. */
    EXPECT(cxm_nps(NULL, NULL, 0, NULL, &r), CXM_EMPTY_INPUT, "empty input");
    const double zero_w[] = {0, 0, 0};
    EXPECT(cxm_nps(good, zero_w, 3, NULL, &r), CXM_EMPTY_INPUT, "positive weight");

    /* NaN and infinity. */
    const double with_nan[] = {10, NAN, 3};
    EXPECT(cxm_nps(with_nan, NULL, 3, NULL, &r), CXM_NON_FINITE, "row 1");
    REQUIRE(cxm_last_error_row() == 1);
    const double with_inf[] = {INFINITY};
    EXPECT(cxm_nps(with_inf, NULL, 1, NULL, &r), CXM_NON_FINITE, "not finite");

    /* Out-of-range and non-integer scores. */
    const double eleven[] = {10, 9, 11};
    EXPECT(cxm_nps(eleven, NULL, 3, NULL, &r), CXM_INVALID_SCORE, "row 2");
    REQUIRE(cxm_last_error_row() == 2);
    const double half[] = {7.5};
    EXPECT(cxm_nps(half, NULL, 1, NULL, &r), CXM_INVALID_SCORE, "7.5");
    cxm_csat_result c = {.size = sizeof c};
    const double six[] = {6};
    EXPECT(cxm_csat(six, NULL, 1, 5, NULL, &c), CXM_INVALID_SCORE, "CSAT 1-5");
    EXPECT(cxm_csat(six, NULL, 1, 1, NULL, &c), CXM_INVALID_ARGUMENT, "points");
    cxm_ces_result e = {.size = sizeof e};
    const double eight[] = {8};
    EXPECT(cxm_ces(eight, NULL, 1, NULL, &e), CXM_INVALID_SCORE, "CES 1-7");

    /* Negative, NaN and infinite weights. */
    const double neg_w[] = {1, -2, 1};
    EXPECT(cxm_nps(good, neg_w, 3, NULL, &r), CXM_INVALID_WEIGHT, "weight -2");
    const double nan_w[] = {1, 1, NAN};
    EXPECT(cxm_nps(good, nan_w, 3, NULL, &r), CXM_INVALID_WEIGHT, "row 2");
    const double inf_w[] = {INFINITY, 1, 1};
    EXPECT(cxm_nps(good, inf_w, 3, NULL, &r), CXM_INVALID_WEIGHT, "row 0");

    /* Versioned structs: `size` unset, reserved bits, unknown enum values. */
    cxm_nps_result unsized = {0};
    EXPECT(cxm_nps(good, NULL, 3, NULL, &unsized), CXM_INVALID_ARGUMENT,
           "sizeof(cxm_nps_result)");
    cxm_metric_options opts = {.size = sizeof opts, .nps_interval = 9};
    EXPECT(cxm_nps(good, NULL, 3, &opts, &r), CXM_INVALID_ARGUMENT, "nps_interval");
    opts = (cxm_metric_options){.size = sizeof opts, .confidence = 1.5};
    EXPECT(cxm_nps(good, NULL, 3, &opts, &r), CXM_INVALID_ARGUMENT, "confidence");
    opts = (cxm_metric_options){.size = sizeof opts, ._reserved = 1};
    EXPECT(cxm_nps(good, NULL, 3, &opts, &r), CXM_INVALID_ARGUMENT, "reserved");

    /* And the good call, which clears the message. */
    EXPECT(cxm_nps(good, NULL, 3, NULL, &r), CXM_OK, NULL);
    REQUIRE(strcmp(cxm_last_error_message(), "") == 0);
    REQUIRE(fabs(r.nps - 100.0 / 3.0) < 1e-9);
    REQUIRE(r.size == sizeof r);

    /* Summaries: bad JSON, another format version, NULL handles. */
    cxm_nps_summary *s = NULL;
    EXPECT(cxm_nps_summary_from_json("{not json", &s), CXM_SERIALIZATION, "serialization");
    REQUIRE(s == NULL);
    EXPECT(cxm_nps_summary_new(&s), CXM_OK, NULL);
    EXPECT(cxm_nps_summary_push(s, 12, 1), CXM_INVALID_SCORE, "row 0");
    EXPECT(cxm_nps_summary_push(s, 10, -1), CXM_INVALID_WEIGHT, "weight -1");
    EXPECT(cxm_nps_summary_finish(s, NULL, &r), CXM_EMPTY_INPUT, NULL);
    EXPECT(cxm_nps_summary_push(s, 10, 1), CXM_OK, NULL);
    char *json = NULL;
    EXPECT(cxm_nps_summary_to_json(s, &json), CXM_OK, NULL);
    char *version = json ? strstr(json, "\"format_version\":1") : NULL;
    REQUIRE(version != NULL);
    if (version) {
        version[17] = '7'; /* "format_version":7 */
        cxm_nps_summary *old = NULL;
        EXPECT(cxm_nps_summary_from_json(json, &old), CXM_FORMAT_VERSION, "version 7");
        cxm_nps_summary_free(old);
    }
    cxm_string_free(json);
    EXPECT(cxm_nps_summary_merge(s, NULL), CXM_NULL_POINTER, "`other`");
    EXPECT(cxm_nps_summary_push(NULL, 10, 1), CXM_NULL_POINTER, "`s`");
    cxm_nps_summary_free(s);
    cxm_nps_summary_free(NULL);
}

static void tables(void) {
    /* Row 0 good; row 1 NaN; 2 out of range; 3 negative weight; 4 bad timestamp;
       5 invalid UTF-8; 6 NULL string; 7 good. */
    const double nps[] = {10, NAN, 11, 5, 5, 5, 5, 9};
    const double weights[] = {1, 1, 1, -1, 1, 1, 1, 1};
    const char *when[] = {"2025-03-04T18:30:00+01:00", "0", "0", "0",
                          "half past six", "0", "0", "1741109400"};
    const char *store[] = {"Leeds", "Leeds", "Leeds", "Leeds",
                           "Leeds", "Le\xff" "eds", NULL, "York"};
    cxm_attribute_column attrs[] = {{.name = "store", .values = store}};
    cxm_table_input input = {
        .size = sizeof input,
        .n_rows = 8,
        .nps = nps,
        .weights = weights,
        .timestamp_text = when,
        .attributes = attrs,
        .n_attributes = 1,
    };
    cxm_table *t = NULL;

    /* Skip: every bad row counted under its reason. */
    EXPECT(cxm_table_new(&input, CXM_POLICY_SKIP, &t), CXM_OK, NULL);
    cxm_load_report rep = {.size = sizeof rep};
    EXPECT(cxm_table_load_report(t, &rep), CXM_OK, NULL);
    REQUIRE(rep.rows_in == 8 && rep.rows_accepted == 2 && rep.rows_skipped == 6);
    REQUIRE(rep.skipped_non_finite == 1 && rep.skipped_invalid_score == 1);
    REQUIRE(rep.skipped_invalid_weight == 1 && rep.skipped_invalid_timestamp == 1);
    REQUIRE(rep.skipped_invalid_utf8 == 1 && rep.skipped_malformed_record == 1);
    REQUIRE(cxm_table_len(t) == 2);
    cxm_table_free(t);
    t = NULL;

    /* Reject: the first bad row is the error; slide the window to meet each one. */
    struct {
        size_t first;
        cxm_status want;
        const char *fragment;
    } cases[] = {
        {1, CXM_NON_FINITE, "not finite"},        {2, CXM_INVALID_SCORE, "score 11"},
        {3, CXM_INVALID_WEIGHT, "weight -1"},     {4, CXM_INVALID_TIMESTAMP, "half past six"},
        {5, CXM_INVALID_UTF8, "not valid UTF-8"}, {6, CXM_NULL_POINTER, "NULL string"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        size_t f = cases[k].first;
        cxm_attribute_column sub_attrs[] = {{.name = "store", .values = store + f}};
        cxm_table_input sub = input;
        sub.n_rows = 8 - f;
        sub.nps = nps + f;
        sub.weights = weights + f;
        sub.timestamp_text = when + f;
        sub.attributes = sub_attrs;
        EXPECT(cxm_table_new(&sub, CXM_POLICY_REJECT, &t), cases[k].want, cases[k].fragment);
        REQUIRE(t == NULL);
        if (cases[k].want != CXM_NULL_POINTER) REQUIRE(cxm_last_error_row() == 0);
    }

    /* Declared lengths: a code beyond the declared number of levels, a count without
       its array, a struct whose size is not set. */
    const double two[] = {10, 9};
    const int32_t codes[] = {0, 2};
    const char *levels[] = {"web", "app"};
    cxm_attribute_column coded[] = {
        {.name = "channel", .codes = codes, .levels = levels, .n_levels = 2}};
    cxm_table_input small = {
        .size = sizeof small, .n_rows = 2, .nps = two, .attributes = coded, .n_attributes = 1};
    EXPECT(cxm_table_new(&small, CXM_POLICY_SKIP, &t), CXM_INVALID_ARGUMENT,
           "code 2 is not below the number of levels 2");
    small.attributes = NULL;
    EXPECT(cxm_table_new(&small, CXM_POLICY_SKIP, &t), CXM_NULL_POINTER,
           "input->attributes");
    small.n_attributes = 0;
    small.size = 0;
    EXPECT(cxm_table_new(&small, CXM_POLICY_SKIP, &t), CXM_INVALID_ARGUMENT,
           "sizeof(cxm_table_input)");
    small.size = sizeof small;
    EXPECT(cxm_table_new(&small, 7, &t), CXM_INVALID_ARGUMENT, "policy");
    cxm_attribute_column bad_name[] = {{.name = "ch\xff", .values = levels}};
    small.attributes = bad_name;
    small.n_attributes = 1;
    EXPECT(cxm_table_new(&small, CXM_POLICY_SKIP, &t), CXM_INVALID_UTF8, "name");
    small.n_attributes = 0;
    small.n_rows = 0;
    EXPECT(cxm_table_new(&small, CXM_POLICY_SKIP, &t), CXM_EMPTY_INPUT, "zero rows");
    EXPECT(cxm_table_new(NULL, CXM_POLICY_SKIP, &t), CXM_NULL_POINTER, "`input`");

    /* CSV: bad path, missing column, bad cells, header only. */
    const char *attr_names[] = {"store"};
    cxm_csv_mapping m = {.size = sizeof m,
                         .nps = "nps",
                         .timestamp = "when",
                         .attributes = attr_names,
                         .n_attributes = 1};
    EXPECT(cxm_table_read_csv("/nonexistent/responses.csv", &m, CXM_POLICY_SKIP, &t), CXM_IO,
           "/nonexistent/responses.csv");
    EXPECT(cxm_table_read_csv(NULL, &m, CXM_POLICY_SKIP, &t), CXM_NULL_POINTER, "`path`");
    EXPECT(cxm_table_read_csv("x.csv", NULL, CXM_POLICY_SKIP, &t), CXM_NULL_POINTER,
           "`mapping`");
    const char csv[] = "when,store,nps\n"
                       "2025-03-04T18:30:00+01:00,Leeds,10\n"
                       "2025-03-04T18:40:00+01:00,York,ten\n";
    EXPECT(cxm_table_read_csv_buffer((const uint8_t *)csv, sizeof csv - 1, &m,
                                     CXM_POLICY_REJECT, &t),
           CXM_INVALID_NUMBER, "`ten`");
    REQUIRE(cxm_last_error_row() == 1);
    /* A record with the wrong number of fields: an I/O error under reject, a counted
       malformed record under skip. */
    const char short_record[] = "when,store,nps\n"
                                "2025-03-04T18:30:00+01:00,Leeds,10\n"
                                "2025-03-04T18:40:00+01:00,York\n";
    EXPECT(cxm_table_read_csv_buffer((const uint8_t *)short_record, sizeof short_record - 1,
                                     &m, CXM_POLICY_REJECT, &t),
           CXM_IO, "record has 2 fields");
    REQUIRE(cxm_last_error_row() == 1);
    EXPECT(cxm_table_read_csv_buffer((const uint8_t *)short_record, sizeof short_record - 1,
                                     &m, CXM_POLICY_SKIP, &t),
           CXM_OK, NULL);
    cxm_load_report csv_rep = {.size = sizeof csv_rep};
    EXPECT(cxm_table_load_report(t, &csv_rep), CXM_OK, NULL);
    REQUIRE(csv_rep.rows_in == 2 && csv_rep.skipped_malformed_record == 1);
    cxm_table_free(t);
    t = NULL;
    const char header_only[] = "when,store,nps\n";
    EXPECT(cxm_table_read_csv_buffer((const uint8_t *)header_only, sizeof header_only - 1, &m,
                                     CXM_POLICY_SKIP, &t),
           CXM_EMPTY_INPUT, "no data rows");
    m.ces = "ces";
    EXPECT(cxm_table_read_csv_buffer((const uint8_t *)csv, sizeof csv - 1, &m,
                                     CXM_POLICY_SKIP, &t),
           CXM_MISSING_COLUMN, "`ces` not found");
    REQUIRE(t == NULL);
}

static void segments(void) {
    double nps[60];
    const char *store[60];
    int64_t ts[60];
    for (int i = 0; i < 60; i++) {
        nps[i] = i % 2 ? 2 : 10;
        store[i] = i % 2 ? "B" : "A";
        ts[i] = 1741109400 + 3600 * (int64_t)i;
    }
    cxm_attribute_column attrs[] = {{.name = "store", .values = store}};
    cxm_table_input input = {.size = sizeof input,
                             .n_rows = 60,
                             .nps = nps,
                             .timestamps = ts,
                             .attributes = attrs,
                             .n_attributes = 1};
    cxm_table *t = NULL;
    EXPECT(cxm_table_new(&input, CXM_POLICY_REJECT, &t), CXM_OK, NULL);

    const char *by[] = {"store"};
    const char *unknown[] = {"region"};
    cxm_time_bucket bad_bucket[] = {42};
    cxm_segment_spec spec = {
        .size = sizeof spec, .metric = CXM_METRIC_NPS, .attributes = by, .n_attributes = 1};
    cxm_segment_table *seg = NULL;
    EXPECT(cxm_segment(NULL, &spec, NULL, &seg), CXM_NULL_POINTER, "`table`");
    EXPECT(cxm_segment(t, NULL, NULL, &seg), CXM_NULL_POINTER, "`spec`");
    spec.attributes = unknown;
    EXPECT(cxm_segment(t, &spec, NULL, &seg), CXM_MISSING_COLUMN, "`region` not found");
    spec.attributes = by;
    spec.metric = 5;
    EXPECT(cxm_segment(t, &spec, NULL, &seg), CXM_INVALID_ARGUMENT, "spec->metric");
    spec.metric = CXM_METRIC_CSAT;
    EXPECT(cxm_segment(t, &spec, NULL, &seg), CXM_MISSING_COLUMN, "`csat`");
    spec.metric = CXM_METRIC_NPS;
    spec.time_buckets = bad_bucket;
    spec.n_time_buckets = 1;
    EXPECT(cxm_segment(t, &spec, NULL, &seg), CXM_INVALID_ARGUMENT, "time_buckets[0]");
    spec.n_time_buckets = 0;
    cxm_segment_options opts = {.size = sizeof opts, .alpha = 1.5};
    EXPECT(cxm_segment(t, &spec, &opts, &seg), CXM_INVALID_ARGUMENT, "alpha");
    REQUIRE(seg == NULL);

    EXPECT(cxm_segment(t, &spec, NULL, &seg), CXM_OK, NULL);
    cxm_segment_row row = {.size = sizeof row};
    EXPECT(cxm_segment_table_row(seg, 0, &row), CXM_OK, NULL);
    REQUIRE(row.value == 100.0 && row.n == 30);
    EXPECT(cxm_segment_table_row(seg, 1, &row), CXM_OK, NULL);
    REQUIRE(row.flag == CXM_FLAG_WORSE);
    EXPECT(cxm_segment_table_row(seg, 2, &row), CXM_INVALID_ARGUMENT, "out of range");
    REQUIRE(cxm_segment_table_key(seg, 2, 0) == NULL);
    REQUIRE(strcmp(cxm_segment_table_key(seg, 1, 0), "B") == 0);

    /* Hot path from codes: a code beyond the declared number of levels. */
    int32_t codes[60];
    for (int i = 0; i < 60; i++) codes[i] = i % 2 ? 5 : 0;
    const char *levels[] = {"A", "B"};
    cxm_code_dimension dims[] = {{.name = "store", .codes = codes, .levels = levels,
                                  .n_levels = 2}};
    cxm_segment_columns cols = {.size = sizeof cols,
                                .n_rows = 60,
                                .metric = CXM_METRIC_NPS,
                                .scores = nps,
                                .dims = dims,
                                .n_dims = 1};
    cxm_segment_table *direct = NULL;
    EXPECT(cxm_segment_from_columns(&cols, CXM_POLICY_REJECT, NULL, &direct),
           CXM_INVALID_ARGUMENT, "code 5");
    for (int i = 0; i < 60; i++) codes[i] = i % 2;
    cxm_time_bucket hour[] = {CXM_TIME_BUCKET_HOUR};
    cols.time_buckets = hour;
    cols.n_time_buckets = 1;
    EXPECT(cxm_segment_from_columns(&cols, CXM_POLICY_REJECT, NULL, &direct),
           CXM_NULL_POINTER, "cols->timestamps");
    cols.timestamps = ts;
    EXPECT(cxm_segment_from_columns(&cols, CXM_POLICY_REJECT, NULL, &direct), CXM_OK, NULL);
    REQUIRE(cxm_segment_table_dims(direct) == 2);

    cxm_hotspot_list *hot = NULL;
    cxm_hotspot_options hopts = {.size = sizeof hopts, .max_depth = 4};
    EXPECT(cxm_hotspots(t, &spec, &hopts, &hot), CXM_INVALID_ARGUMENT, "max_depth");
    EXPECT(cxm_hotspots(t, &spec, NULL, &hot), CXM_OK, NULL);
    const char *dim = NULL, *label = NULL;
    EXPECT(cxm_hotspot_list_condition(hot, 99, 0, &dim, &label), CXM_INVALID_ARGUMENT,
           "out of range");

    cxm_hotspot_list_free(hot);
    cxm_segment_table_free(direct);
    cxm_segment_table_free(seg);
    cxm_table_free(t);
}

int main(void) {
    REQUIRE(strcmp(cxm_status_name(CXM_INVALID_SCORE), "CXM_INVALID_SCORE") == 0);
    REQUIRE(strcmp(cxm_status_name(999), "CXM_UNKNOWN_STATUS") == 0);
    REQUIRE(CXM_OK == 0 && CXM_NULL_POINTER == 2 && CXM_PANIC == 5 &&
            CXM_INVALID_ARGUMENT == 19);
    metrics();
    tables();
    segments();
    printf("errors: %d checks passed, %d failed\n", checks - failures, failures);
    return failures ? 1 : 0;
}
