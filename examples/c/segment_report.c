/*
 * segment_report.c — a CX report from a survey CSV with libcxm (C11).
 *
 * Loads the responses, prints NPS / CSAT / CES with their intervals, the worst stores,
 * the worst store × daypart cells, and the slices that cost the NPS the most points.
 *
 *   cc -std=c11 -I include examples/c/segment_report.c -L target/release -lcxm \
 *      -o segment_report && ./segment_report examples/data/responses.csv
 *
 * The CSV has the columns of examples/data/responses.csv:
 *   response_id,timestamp,store,region,channel,touchpoint,nps,csat,ces,weight,...,comment
 * Timestamps carry a +01:00 offset, so dayparts are computed at UTC+60 minutes.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "cxm.h"

/* Prints the failed call and the library's message; the caller jumps to cleanup. */
static int report_error(const char *call, cxm_status st) {
    fprintf(stderr, "%s failed: %s: %s\n", call, cxm_status_name((int32_t)st),
            cxm_last_error_message());
    return 1;
}

#define CHECK(call)                                                                        \
    do {                                                                                   \
        cxm_status st_ = (call);                                                           \
        if (st_ != CXM_OK) {                                                               \
            exit_code = report_error(#call, st_);                                          \
            goto cleanup;                                                                  \
        }                                                                                  \
    } while (0)

typedef struct indexed_row {
    size_t index;
    cxm_segment_row row;
} indexed_row;

/* Unsuppressed groups first, lowest value first. */
static int by_value(const void *a, const void *b) {
    const cxm_segment_row *x = &((const indexed_row *)a)->row;
    const cxm_segment_row *y = &((const indexed_row *)b)->row;
    int xs = x->flag == CXM_FLAG_SUPPRESSED, ys = y->flag == CXM_FLAG_SUPPRESSED;
    if (xs != ys) return xs - ys;
    return (x->value > y->value) - (x->value < y->value);
}

static const char *flag_name(cxm_flag f) {
    switch (f) {
    case CXM_FLAG_WORSE: return "worse";
    case CXM_FLAG_BETTER: return "better";
    case CXM_FLAG_SUPPRESSED: return "suppressed";
    default: return "n.s.";
    }
}

/* Prints the `limit` lowest-scoring groups of a segment table. */
static int print_worst(const cxm_segment_table *t, size_t limit) {
    size_t n = cxm_segment_table_len(t);
    indexed_row *rows = calloc(n ? n : 1, sizeof *rows);
    if (!rows) return 1;
    for (size_t i = 0; i < n; i++) {
        rows[i].index = i;
        rows[i].row.size = sizeof rows[i].row;
        cxm_status st = cxm_segment_table_row(t, i, &rows[i].row);
        if (st != CXM_OK) {
            free(rows);
            return report_error("cxm_segment_table_row", st);
        }
    }
    qsort(rows, n, sizeof *rows, by_value);
    size_t dims = cxm_segment_table_dims(t);
    for (size_t k = 0; k < n && k < limit; k++) {
        const cxm_segment_row *r = &rows[k].row;
        char key[256] = "";
        size_t used = 0;
        for (size_t j = 0; j < dims && used < sizeof key; j++) {
            int w = snprintf(key + used, sizeof key - used, "%s%s", j ? " × " : "",
                             cxm_segment_table_key(t, rows[k].index, j));
            if (w < 0) break;
            used += (size_t)w;
        }
        printf("  %-40s n=%5llu  %7.1f [%6.1f, %6.1f]  vs rest %+6.1f  q=%.3g  %s\n", key,
               (unsigned long long)r->n, r->value, r->low, r->high, r->diff, r->q_value,
               flag_name(r->flag));
    }
    free(rows);
    return 0;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s responses.csv\n", argv[0]);
        return 2;
    }
    int exit_code = 0;
    cxm_table *table = NULL;
    cxm_segment_table *by_store = NULL, *by_store_daypart = NULL;
    cxm_hotspot_list *hotspots = NULL;

    printf("cxm %s — report on %s\n\n", cxm_version(), argv[1]);

    /* 1. Load: bad rows are skipped and counted, never silently lost. */
    const char *attributes[] = {"store", "region", "channel", "touchpoint"};
    cxm_csv_mapping mapping = {
        .size = sizeof(cxm_csv_mapping),
        .nps = "nps",
        .csat = "csat",
        .ces = "ces",
        .weight = "weight",
        .timestamp = "timestamp",
        .comment = "comment",
        .respondent_id = "response_id",
        .attributes = attributes,
        .n_attributes = sizeof attributes / sizeof *attributes,
    };
    CHECK(cxm_table_read_csv(argv[1], &mapping, CXM_POLICY_SKIP, &table));
    cxm_load_report load = {.size = sizeof load};
    CHECK(cxm_table_load_report(table, &load));
    printf("rows: %llu read, %llu accepted, %llu skipped (non-finite %llu, score %llu, "
           "number %llu, weight %llu, timestamp %llu, utf-8 %llu, malformed %llu)\n\n",
           (unsigned long long)load.rows_in, (unsigned long long)load.rows_accepted,
           (unsigned long long)load.rows_skipped, (unsigned long long)load.skipped_non_finite,
           (unsigned long long)load.skipped_invalid_score,
           (unsigned long long)load.skipped_invalid_number,
           (unsigned long long)load.skipped_invalid_weight,
           (unsigned long long)load.skipped_invalid_timestamp,
           (unsigned long long)load.skipped_invalid_utf8,
           (unsigned long long)load.skipped_malformed_record);

    /* 2. Headline metrics with 95% intervals (NULL options = defaults). */
    cxm_nps_result nps = {.size = sizeof nps};
    cxm_csat_result csat = {.size = sizeof csat};
    cxm_ces_result ces = {.size = sizeof ces};
    CHECK(cxm_table_nps(table, NULL, &nps));
    CHECK(cxm_table_csat(table, NULL, &csat));
    CHECK(cxm_table_ces(table, NULL, &ces));
    printf("NPS   %6.1f  [%6.1f, %6.1f]  promoters %.0f%%, detractors %.0f%%  (n=%llu, "
           "n_eff=%.0f)\n",
           nps.nps, nps.interval.low, nps.interval.high, 100 * nps.promoters,
           100 * nps.detractors, (unsigned long long)nps.sample.n, nps.sample.n_eff);
    printf("CSAT  %6.1f%% [%6.1f, %6.1f]  mean %.2f / %u  (n=%llu)\n", csat.csat,
           csat.interval.low, csat.interval.high, csat.mean, csat.points,
           (unsigned long long)csat.sample.n);
    printf("CES   %6.2f  [%6.2f, %6.2f]  agree %.0f%%  (n=%llu)\n\n", ces.mean,
           ces.interval.low, ces.interval.high, ces.agree, (unsigned long long)ces.sample.n);
    if (!isfinite(nps.nps) || nps.nps < -100 || nps.nps > 100) {
        fprintf(stderr, "NPS out of range\n");
        exit_code = 1;
        goto cleanup;
    }

    /* 3. Worst stores, then worst store × daypart cells (local time = UTC+01:00). */
    const char *store[] = {"store"};
    cxm_time_bucket daypart[] = {CXM_TIME_BUCKET_DAYPART};
    cxm_segment_spec spec = {
        .size = sizeof spec,
        .metric = CXM_METRIC_NPS,
        .utc_offset_minutes = 60,
        .attributes = store,
        .n_attributes = 1,
    };
    CHECK(cxm_segment(table, &spec, NULL, &by_store));
    cxm_segment_overall overall = {.size = sizeof overall};
    CHECK(cxm_segment_table_overall(by_store, &overall));
    printf("Worst stores by NPS (overall %.1f, %llu groups):\n", overall.value,
           (unsigned long long)overall.groups);
    if (print_worst(by_store, 5)) {
        exit_code = 1;
        goto cleanup;
    }

    spec.time_buckets = daypart;
    spec.n_time_buckets = 1;
    cxm_segment_options seg_opts = {.size = sizeof seg_opts, .min_n = 30};
    CHECK(cxm_segment(table, &spec, &seg_opts, &by_store_daypart));
    printf("\nWorst store × daypart cells by NPS:\n");
    if (print_worst(by_store_daypart, 5)) {
        exit_code = 1;
        goto cleanup;
    }

    /* 4. Hotspots: which slices cost the overall NPS the most points? */
    const char *dims[] = {"store", "channel", "touchpoint"};
    cxm_time_bucket buckets[] = {CXM_TIME_BUCKET_WEEKDAY, CXM_TIME_BUCKET_DAYPART};
    cxm_segment_spec hot_spec = {
        .size = sizeof hot_spec,
        .metric = CXM_METRIC_NPS,
        .utc_offset_minutes = 60,
        .attributes = dims,
        .n_attributes = 3,
        .time_buckets = buckets,
        .n_time_buckets = 2,
    };
    cxm_hotspot_options hot_opts = {.size = sizeof hot_opts, .max_depth = 3, .top = 10};
    CHECK(cxm_hotspots(table, &hot_spec, &hot_opts, &hotspots));
    printf("\nTop hotspots (points of NPS each slice costs):\n");
    for (size_t i = 0; i < cxm_hotspot_list_len(hotspots); i++) {
        cxm_hotspot h = {.size = sizeof h};
        CHECK(cxm_hotspot_list_get(hotspots, i, &h));
        printf("  %zu. %-55s n=%5llu  NPS %6.1f vs %6.1f  cost %.2f pts  q=%.2g\n", i + 1,
               cxm_hotspot_list_describe(hotspots, i), (unsigned long long)h.n, h.value,
               h.rest, h.cost, h.q_value);
    }

cleanup:
    cxm_hotspot_list_free(hotspots);
    cxm_segment_table_free(by_store_daypart);
    cxm_segment_table_free(by_store);
    cxm_table_free(table);
    return exit_code;
}
