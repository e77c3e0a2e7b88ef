#include "aie_tiles/array_context.h"

#include "common/log.h"

namespace aie4sim::tiles {

ArrayContext::ArrayContext(const ArrayConfig& config)
    : config_(config), cycle_(1.0 / config.timing.clock_hz, sc_core::SC_SEC),
      errors_(config.geometry.columns) {
    if (cycle_ == sc_core::SC_ZERO_TIME) {
        // Only possible with a time resolution coarser than the clock period.
        cycle_ = sc_core::sc_get_time_resolution();
    }
}

void ArrayContext::report_error(unsigned column, unsigned row, std::string source,
                                std::string message) {
    AIE4SIM_LOG(warn, "aie", "tile (" << column << "," << row << ") " << source << ": " << message);
    if (column >= errors_.size()) {
        return;
    }
    ColumnErrors& e = errors_[column];
    ++e.count;
    e.recent.push_back(
        ArrayError{column, row, std::move(source), std::move(message), sc_core::sc_time_stamp()});
    while (e.recent.size() > config_.error_log_depth) {
        e.recent.pop_front();
    }
    error_event_.notify(sc_core::SC_ZERO_TIME);
}

std::uint64_t ArrayContext::error_count(unsigned column) const {
    return column < errors_.size() ? errors_[column].count : 0;
}

std::uint64_t ArrayContext::active_error_count(unsigned column) const {
    return column < errors_.size() ? errors_[column].count - errors_[column].count_at_clear : 0;
}

std::vector<ArrayError> ArrayContext::errors(unsigned column) const {
    if (column >= errors_.size()) {
        return {};
    }
    return {errors_[column].recent.begin(), errors_[column].recent.end()};
}

void ArrayContext::clear_errors(unsigned column) {
    if (column < errors_.size()) {
        errors_[column].recent.clear();
        errors_[column].count_at_clear = errors_[column].count;
    }
}

} // namespace aie4sim::tiles
