#include "models/host/workload_runner.h"

#include "aie_tiles/workload/aiebu_tool.h"
#include "aie_tiles/workload/control_elf.h"
#include "aie_tiles/workload/workload_data.h"
#include "common/align.h"
#include "models/queue/ert_command.h"

namespace aie4sim::models::host {

namespace wl = tiles::workload;

WorkloadResult run_workload(HostDriver& driver, unsigned vf, const WorkloadRequest& request,
                            std::uint64_t base) {
    WorkloadResult result;
    result.vf = vf;
    const HostDriver::ArrayView view = driver.array_view(vf);
    const wl::PartitionShape shape{view.columns, view.core_rows, view.mem_rows};
    result.visible_columns = view.columns;
    wl::Workload w;
    wl::ControlCode code;
    try {
        w = wl::build_workload(request.spec, shape);
        const auto elf = wl::assemble_workload(w);
        code = wl::load_control_elf(elf.data(), elf.size());
    } catch (const std::exception& e) {
        result.error = e.what();
        return result;
    }
    result.op = w.op;
    result.plan = w.plan;
    result.useful_ops = w.useful_ops;
    result.columns = w.columns_used;
    for (const wl::ControlCode::Uc& uc : code.ucs) {
        result.pages += uc.pages;
    }
    const wl::WorkloadData data = wl::make_workload_data(w, request.seed);

    // Host memory: queue, command BO (+ trace record), argument words, instruction buffer,
    // then the kernel's buffers.
    SparseMemory& mem = driver.host().memory();
    std::uint64_t at = base;
    QueueHandle queue = open_queue(driver, vf, view.columns * view.core_rows, at);
    at = common::align_up(at + hq::QueueLayout::bytes(queue.layout.capacity), 4096);
    const std::uint64_t command_bo = at;
    const std::uint64_t trace = at + 2048;
    at += 4096;
    const std::uint64_t arguments = at;
    at += 4096;
    const std::uint64_t instructions = at;
    at = common::align_up(at + code.image.size(), 4096);
    std::vector<std::uint64_t> addresses;
    for (std::size_t i = 0; i < w.buffers.size(); ++i) {
        addresses.push_back(at);
        std::vector<std::uint8_t> bytes = data.inputs[i];
        bytes.resize(w.buffers[i].bytes(), 0);
        mem.write(at, bytes.data(), bytes.size());
        at = common::align_up(at + bytes.size(), 4096);
    }
    std::vector<std::uint8_t> image;
    try {
        image = request.device_patch ? code.image : wl::patched_image(code, addresses);
    } catch (const std::exception& e) {
        result.error = e.what();
        return result;
    }
    mem.write(instructions, image.data(), image.size());
    mem.write(arguments, addresses.data(), addresses.size() * 8);

    const hq::StartDpu dpu = hq::start_dpu_for(code.ucs, instructions, trace);
    const std::vector<std::uint32_t> words = hq::encode_start_dpu(dpu);
    mem.write(command_bo, words.data(), words.size() * 4);
    hq::Command command = hq::command_from_start_dpu(dpu, command_bo);
    if (request.device_patch) {
        for (hq::UcCommand& uc : command.ucs) {
            uc.args = arguments;
            uc.args_len = static_cast<std::uint32_t>(addresses.size() * 8);
        }
    }
    result.submitted = sc_core::sc_time_stamp();
    const std::uint64_t seq = submit(driver, queue, command);
    if (!wait_for(driver, queue, seq, sc_core::sc_time(10, sc_core::SC_SEC))) {
        result.error = "the command did not complete within 10 s of simulated time";
        return result;
    }
    result.completed_at = sc_core::sc_time_stamp();
    std::uint32_t state = 0;
    mem.read(command_bo, &state, 4);
    hq::TraceRecord record{};
    mem.read(trace, &record, sizeof record);
    if (record.magic == hq::kTraceMagic) {
        result.cycles = record.cycles;
        result.started = sc_core::sc_time(static_cast<double>(record.start_ns), sc_core::SC_NS);
        result.finished = sc_core::sc_time(static_cast<double>(record.end_ns), sc_core::SC_NS);
    }
    driver.destroy_context(queue.context);
    if ((state & hq::kStateMask) != hq::kStateCompleted) {
        result.error =
            std::string("the command ended in state ") + hq::ert_state_name(state & hq::kStateMask);
        return result;
    }
    result.completed = true;
    result.verified = true;
    for (std::size_t i = 0; i < w.buffers.size(); ++i) {
        if (w.buffers[i].role != wl::BufferRole::output) {
            continue;
        }
        std::vector<std::uint8_t> device(w.buffers[i].bytes());
        mem.read(addresses[i], device.data(), device.size());
        const std::string problem = wl::check_output(w, data, i, device.data());
        if (!problem.empty()) {
            result.verified = false;
            result.error = problem;
        }
    }
    return result;
}

} // namespace aie4sim::models::host
