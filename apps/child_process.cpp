#include "apps/child_process.h"

#include <chrono>
#include <csignal>
#include <thread>

namespace aie4sim::apps {

void stop_child(boost::process::child& child) {
    if (!child.valid() || !child.running()) {
        return;
    }
    ::kill(child.id(), SIGTERM);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
    while (child.running() && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    if (child.running()) {
        child.terminate();
    }
}

} // namespace aie4sim::apps
