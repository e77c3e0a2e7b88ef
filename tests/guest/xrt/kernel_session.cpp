#include "kernel_session.h"

#include <cstdio>
#include <cstdlib>
#include <stdexcept>

namespace xrt_programs {

namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point start) {
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

} // namespace

KernelSession::KernelSession(const std::string& bdf, const WorkloadLayout& layout)
    : layout_(layout), device_(bdf), device_name_(device_.get_info<xrt::info::device::name>()),
      elf_(layout.elf), context_(device_, elf_), kernel_(context_, layout.kernel) {
    for (const Argument& a : layout_.arguments) {
        if (a.index != buffers_.size()) {
            throw std::runtime_error(layout_.file + ": argument indexes are not 0, 1, 2, ...");
        }
        buffers_.emplace_back(device_, a.bytes);
    }
    run_ = xrt::run(kernel_);
    for (unsigned i = 0; i < buffers_.size(); ++i) {
        // As xrt::bo: set_arg's template would take the derived xrt::ext::bo for a scalar.
        run_.set_arg(static_cast<int>(i), static_cast<const xrt::bo&>(buffers_[i]));
    }
}

std::uint8_t* KernelSession::data(unsigned index) {
    return buffers_.at(index).map<std::uint8_t*>();
}

void KernelSession::to_device(unsigned index) {
    buffers_.at(index).sync(XCL_BO_SYNC_BO_TO_DEVICE);
}

void KernelSession::from_device(unsigned index) {
    buffers_.at(index).sync(XCL_BO_SYNC_BO_FROM_DEVICE);
}

double KernelSession::run_once(std::chrono::milliseconds timeout) {
    const auto start = Clock::now();
    run_.start();
    if (run_.wait2(timeout) == std::cv_status::timeout) {
        // xrt::run aborts the process when it is destroyed with its command pending, so this
        // cannot unwind: say what happened and leave; closing the device node tears the
        // context down.
        std::fprintf(stderr, "%s: run %u did not complete within %lld ms (state %s)\n",
                     layout_.op.c_str(), runs_, static_cast<long long>(timeout.count()),
                     state_name(run_.state()).c_str());
        std::fflush(nullptr);
        std::_Exit(kExitTimeout);
    }
    ++runs_;
    return ms_since(start);
}

std::string state_name(ert_cmd_state state) {
    switch (state) {
    case ERT_CMD_STATE_NEW:
        return "ERT_CMD_STATE_NEW";
    case ERT_CMD_STATE_QUEUED:
        return "ERT_CMD_STATE_QUEUED";
    case ERT_CMD_STATE_RUNNING:
        return "ERT_CMD_STATE_RUNNING";
    case ERT_CMD_STATE_COMPLETED:
        return "ERT_CMD_STATE_COMPLETED";
    case ERT_CMD_STATE_ERROR:
        return "ERT_CMD_STATE_ERROR";
    case ERT_CMD_STATE_ABORT:
        return "ERT_CMD_STATE_ABORT";
    case ERT_CMD_STATE_SUBMITTED:
        return "ERT_CMD_STATE_SUBMITTED";
    case ERT_CMD_STATE_TIMEOUT:
        return "ERT_CMD_STATE_TIMEOUT";
    case ERT_CMD_STATE_NORESPONSE:
        return "ERT_CMD_STATE_NORESPONSE";
    default:
        return "state " + std::to_string(static_cast<int>(state));
    }
}

} // namespace xrt_programs
