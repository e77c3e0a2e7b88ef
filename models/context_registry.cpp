#include "models/context_registry.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace aie4sim::models {

namespace {
const std::vector<ContextRegistry::Record> kNone;
} // namespace

ContextRegistry::ContextRegistry(unsigned functions) : records_(functions) {}

ContextRegistry::Record ContextRegistry::add(const HwContext& info) {
    if (info.function >= records_.size()) {
        throw std::out_of_range("no function " + std::to_string(info.function) +
                                " for a hardware context");
    }
    auto record = std::make_shared<ContextRecord>();
    record->info = info;
    record->owner = next_owner_++;
    records_[info.function].push_back(record);
    return record;
}

template <typename Match> void ContextRegistry::remove_where(unsigned function, Match match) {
    if (function >= records_.size()) {
        return;
    }
    auto& list = records_[function];
    // One at a time: the listener may look at the registry while it is told.
    for (auto it = std::find_if(list.begin(), list.end(), match); it != list.end();
         it = std::find_if(list.begin(), list.end(), match)) {
        Record gone = *it;
        gone->destroyed = true;
        list.erase(it);
        if (listener_ != nullptr) {
            listener_->context_removed(*gone);
        }
    }
}

bool ContextRegistry::remove(unsigned function, std::uint32_t id) {
    if (!find(function, id)) {
        return false;
    }
    remove_where(function, [id](const Record& r) { return r->info.id == id; });
    return true;
}

void ContextRegistry::remove_partition(unsigned function, std::uint32_t partition_id) {
    remove_where(function,
                 [partition_id](const Record& r) { return r->info.partition_id == partition_id; });
}

void ContextRegistry::clear(unsigned function) {
    remove_where(function, [](const Record&) { return true; });
}

const std::vector<ContextRegistry::Record>& ContextRegistry::of(unsigned function) const {
    return function < records_.size() ? records_[function] : kNone;
}

ContextRegistry::Record ContextRegistry::find(unsigned function, std::uint32_t id) const {
    for (const Record& r : of(function)) {
        if (r->info.id == id) {
            return r;
        }
    }
    return nullptr;
}

ContextRegistry::Record ContextRegistry::by_doorbell(unsigned function, std::uint32_t page) const {
    for (const Record& r : of(function)) {
        if (r->info.doorbell_offset == page) {
            return r;
        }
    }
    return nullptr;
}

} // namespace aie4sim::models
