#pragma once
// The statistics a workload mix reports (plain C++): nearest-rank percentiles and Jain's
// fairness index. The sweep's metrics use the same definitions (docs/sweeps.md).

#include <vector>

namespace aie4sim::models::host {

// The nearest-rank percentile: the smallest sample with at least p % of the samples at or
// below it (p in (0, 100]); 0 for no samples. The samples need not be sorted.
double percentile(std::vector<double> samples, double p);

// Jain's index (sum x)^2 / (n * sum x^2): 1 when every share is the same, 1/n when one gets
// everything; 0 when there are no shares or all are zero.
double jain_index(const std::vector<double>& shares);

} // namespace aie4sim::models::host
