#include "models/host/mix_statistics.h"

#include <algorithm>
#include <cmath>

namespace aie4sim::models::host {

double percentile(std::vector<double> samples, double p) {
    if (samples.empty()) {
        return 0;
    }
    std::sort(samples.begin(), samples.end());
    const auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * samples.size()));
    return samples[std::clamp<std::size_t>(rank, 1, samples.size()) - 1];
}

double jain_index(const std::vector<double>& shares) {
    double sum = 0;
    double squares = 0;
    for (double x : shares) {
        sum += x;
        squares += x * x;
    }
    return squares > 0 ? sum * sum / (static_cast<double>(shares.size()) * squares) : 0.0;
}

} // namespace aie4sim::models::host
