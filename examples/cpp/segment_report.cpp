// segment_report.cpp — the CX report of examples/c/segment_report.c in C++17, with RAII
// wrappers over libcxm's handles and exceptions for its status codes.
//
//   c++ -std=c++17 -I include examples/cpp/segment_report.cpp -L target/release -lcxm
//       -o segment_report_cpp
//   ./segment_report_cpp examples/data/responses.csv
// (cxm-ffi/run_c_tests.sh builds and runs it, also under valgrind.)
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "cxm.h"

namespace cx {

// A failed libcxm call: its status and the library's message (which names the function).
class Error : public std::runtime_error {
public:
    explicit Error(cxm_status status)
        : std::runtime_error(std::string(cxm_status_name(static_cast<int32_t>(status))) + ": " +
                             cxm_last_error_message()),
          status_(status) {}
    cxm_status status() const noexcept { return status_; }

private:
    cxm_status status_;
};

inline void check(cxm_status status) {
    if (status != CXM_OK) throw Error(status);
}

// Versioned structs must carry their size; value-initialize everything else to zero
// (= defaults).
template <typename T>
T sized() {
    T value{};
    value.size = sizeof(T);
    return value;
}

// unique_ptr deleters calling the matching cxm_*_free.
template <typename T, void (*Free)(T*)>
struct Deleter {
    void operator()(T* p) const noexcept { Free(p); }
};
using Table = std::unique_ptr<cxm_table, Deleter<cxm_table, cxm_table_free>>;
using SegmentTable =
    std::unique_ptr<cxm_segment_table, Deleter<cxm_segment_table, cxm_segment_table_free>>;
using HotspotList =
    std::unique_ptr<cxm_hotspot_list, Deleter<cxm_hotspot_list, cxm_hotspot_list_free>>;
using NpsSummary =
    std::unique_ptr<cxm_nps_summary, Deleter<cxm_nps_summary, cxm_nps_summary_free>>;
using OwnedString = std::unique_ptr<char, Deleter<char, cxm_string_free>>;

Table read_csv(const std::string& path, const cxm_csv_mapping& mapping, cxm_policy policy) {
    cxm_table* raw = nullptr;
    check(cxm_table_read_csv(path.c_str(), &mapping, policy, &raw));
    return Table(raw);
}

SegmentTable segment(const Table& table, const cxm_segment_spec& spec,
                     const cxm_segment_options* opts = nullptr) {
    cxm_segment_table* raw = nullptr;
    check(cxm_segment(table.get(), &spec, opts, &raw));
    return SegmentTable(raw);
}

struct Group {
    std::string key;
    cxm_segment_row row;
};

// The groups of a segment table, keys joined with " × ".
std::vector<Group> groups(const SegmentTable& t) {
    std::vector<Group> out;
    const std::size_t dims = cxm_segment_table_dims(t.get());
    for (std::size_t i = 0; i < cxm_segment_table_len(t.get()); ++i) {
        Group g{"", sized<cxm_segment_row>()};
        check(cxm_segment_table_row(t.get(), i, &g.row));
        for (std::size_t j = 0; j < dims; ++j) {
            if (j) g.key += " × ";
            g.key += cxm_segment_table_key(t.get(), i, j);
        }
        out.push_back(std::move(g));
    }
    return out;
}

void print_worst(const SegmentTable& t, std::size_t limit) {
    auto rows = groups(t);
    rows.erase(std::remove_if(rows.begin(), rows.end(),
                              [](const Group& g) { return g.row.flag == CXM_FLAG_SUPPRESSED; }),
               rows.end());
    std::sort(rows.begin(), rows.end(),
              [](const Group& a, const Group& b) { return a.row.value < b.row.value; });
    for (std::size_t k = 0; k < rows.size() && k < limit; ++k) {
        const auto& r = rows[k].row;
        std::printf("  %-40s n=%5llu  %7.1f [%6.1f, %6.1f]  cost %.2f  %s\n",
                    rows[k].key.c_str(), static_cast<unsigned long long>(r.n), r.value, r.low,
                    r.high, r.cost, r.flag == CXM_FLAG_WORSE ? "worse" : "");
    }
}

}  // namespace cx

int main(int argc, char** argv) {
    if (argc < 2) {
        std::cerr << "usage: " << argv[0] << " responses.csv\n";
        return 2;
    }
    try {
        const char* attributes[] = {"store", "region", "channel", "touchpoint"};
        auto mapping = cx::sized<cxm_csv_mapping>();
        mapping.nps = "nps";
        mapping.csat = "csat";
        mapping.ces = "ces";
        mapping.weight = "weight";
        mapping.timestamp = "timestamp";
        mapping.comment = "comment";
        mapping.respondent_id = "response_id";
        mapping.attributes = attributes;
        mapping.n_attributes = 4;
        const cx::Table table = cx::read_csv(argv[1], mapping, CXM_POLICY_SKIP);

        auto load = cx::sized<cxm_load_report>();
        cx::check(cxm_table_load_report(table.get(), &load));
        std::cout << "cxm " << cxm_version() << ": " << load.rows_accepted << " of "
                  << load.rows_in << " rows accepted\n\n";

        auto nps = cx::sized<cxm_nps_result>();
        auto csat = cx::sized<cxm_csat_result>();
        auto ces = cx::sized<cxm_ces_result>();
        // Adjusted-Wald interval for NPS, 90% confidence.
        auto opts = cx::sized<cxm_metric_options>();
        opts.confidence = 0.90;
        opts.nps_interval = CXM_NPS_INTERVAL_ADJUSTED_WALD;
        cx::check(cxm_table_nps(table.get(), &opts, &nps));
        cx::check(cxm_table_csat(table.get(), &opts, &csat));
        cx::check(cxm_table_ces(table.get(), &opts, &ces));
        std::printf("NPS   %6.1f  90%% [%6.1f, %6.1f] (adjusted Wald)\n", nps.nps,
                    nps.interval.low, nps.interval.high);
        std::printf("CSAT  %6.1f%% 90%% [%6.1f, %6.1f]\n", csat.csat, csat.interval.low,
                    csat.interval.high);
        std::printf("CES   %6.2f  90%% [%6.2f, %6.2f]\n\n", ces.mean, ces.interval.low,
                    ces.interval.high);
        if (!std::isfinite(nps.nps)) throw std::runtime_error("NPS is not finite");

        const char* store[] = {"store"};
        auto spec = cx::sized<cxm_segment_spec>();
        spec.metric = CXM_METRIC_NPS;
        spec.utc_offset_minutes = 60;
        spec.attributes = store;
        spec.n_attributes = 1;
        std::cout << "Worst stores by NPS:\n";
        cx::print_worst(cx::segment(table, spec), 5);

        const cxm_time_bucket daypart[] = {CXM_TIME_BUCKET_DAYPART};
        spec.time_buckets = daypart;
        spec.n_time_buckets = 1;
        std::cout << "\nWorst store × daypart cells by NPS:\n";
        const auto cells = cx::segment(table, spec);
        cx::print_worst(cells, 5);

        // The same table as JSON, for a dashboard.
        char* json_raw = nullptr;
        cx::check(cxm_segment_table_to_json(cells.get(), &json_raw));
        const cx::OwnedString json(json_raw);
        std::cout << "  (JSON: " << std::string(json.get()).size() << " bytes)\n";

        const char* dims[] = {"store", "channel", "touchpoint"};
        const cxm_time_bucket buckets[] = {CXM_TIME_BUCKET_WEEKDAY, CXM_TIME_BUCKET_DAYPART};
        auto hot_spec = spec;
        hot_spec.attributes = dims;
        hot_spec.n_attributes = 3;
        hot_spec.time_buckets = buckets;
        hot_spec.n_time_buckets = 2;
        auto hot_opts = cx::sized<cxm_hotspot_options>();
        hot_opts.top = 10;
        cxm_hotspot_list* hot_raw = nullptr;
        cx::check(cxm_hotspots(table.get(), &hot_spec, &hot_opts, &hot_raw));
        const cx::HotspotList hotspots(hot_raw);
        std::cout << "\nTop hotspots:\n";
        for (std::size_t i = 0; i < cxm_hotspot_list_len(hotspots.get()); ++i) {
            auto h = cx::sized<cxm_hotspot>();
            cx::check(cxm_hotspot_list_get(hotspots.get(), i, &h));
            std::string conditions;
            for (std::size_t j = 0; j < h.n_conditions; ++j) {
                const char* dim = nullptr;
                const char* label = nullptr;
                cx::check(cxm_hotspot_list_condition(hotspots.get(), i, j, &dim, &label));
                conditions += (j ? ", " : "") + std::string(dim) + " is " + label;
            }
            std::printf("  %zu. %-60s cost %.2f pts\n", i + 1, conditions.c_str(), h.cost);
        }

        // Mergeable summaries: two partitions summarised apart, merged, then finished.
        const double part_a[] = {10, 9, 3, 8};
        const double part_b[] = {0, 10, 10};
        cxm_nps_summary* ra = nullptr;
        cxm_nps_summary* rb = nullptr;
        cx::check(cxm_nps_summary_new(&ra));
        const cx::NpsSummary a(ra);
        cx::check(cxm_nps_summary_new(&rb));
        const cx::NpsSummary b(rb);
        cx::check(cxm_nps_summary_extend(a.get(), part_a, nullptr, 4));
        cx::check(cxm_nps_summary_extend(b.get(), part_b, nullptr, 3));
        cx::check(cxm_nps_summary_merge(a.get(), b.get()));
        auto merged = cx::sized<cxm_nps_result>();
        cx::check(cxm_nps_summary_finish(a.get(), nullptr, &merged));
        std::printf("\nMerged partitions: NPS %.1f over n=%llu\n", merged.nps,
                    static_cast<unsigned long long>(merged.sample.n));

        // Errors are exceptions carrying the status.
        try {
            const double bad[] = {11};
            auto r = cx::sized<cxm_nps_result>();
            cx::check(cxm_nps(bad, nullptr, 1, nullptr, &r));
            std::cerr << "expected an error\n";
            return 1;
        } catch (const cx::Error& e) {
            if (e.status() != CXM_INVALID_SCORE) throw;
            std::cout << "Caught as expected: " << e.what() << "\n";
        }
    } catch (const std::exception& e) {
        std::cerr << "error: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
