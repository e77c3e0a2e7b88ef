#include "models/host/workload_runner.h"

#include "aie_tiles/host/reference.h"
#include "common/log.h"
#include "models/host_queue.h"

#include <cmath>
#include <cstring>
#include <random>

namespace aie4sim::models::host {

namespace {

std::uint64_t align_up(std::uint64_t v, std::uint64_t a) {
    return (v + a - 1) & ~(a - 1);
}

} // namespace

WorkloadResult run_gemm(HostDriver& driver, unsigned vf, const WorkloadRequest& request,
                        std::uint64_t base) {
    namespace th = tiles::host;
    WorkloadResult result;
    result.vf = vf;
    const th::GemmSpec& g = request.gemm;
    const HostDriver::ArrayView view = driver.array_view(vf);
    th::PartitionShape shape{view.columns, view.core_rows, view.mem_rows};
    result.visible_columns = view.columns;
    th::Workload w;
    try {
        w = th::build_gemm(g, shape);
    } catch (const th::BuildError& e) {
        result.error = e.what();
        return result;
    }
    result.op = w.op;
    result.plan = w.plan;
    result.useful_ops = w.useful_ops;
    result.columns = w.columns_used;

    // Inputs, dense, seeded.
    std::mt19937 rng(request.seed);
    const std::size_t mk = std::size_t{g.m} * g.k;
    const std::size_t kn = std::size_t{g.k} * g.n;
    std::vector<std::int8_t> a8(mk), b8(kn);
    std::vector<std::uint16_t> a16(mk), b16(kn);
    if (g.type == th::GemmType::int8_int32) {
        for (auto& v : a8) {
            v = static_cast<std::int8_t>(rng());
        }
        for (auto& v : b8) {
            v = static_cast<std::int8_t>(rng());
        }
    } else {
        std::uniform_real_distribution<float> d(-2.0f, 2.0f);
        for (auto& v : a16) {
            v = th::float_to_bf16(d(rng));
        }
        for (auto& v : b16) {
            v = th::float_to_bf16(d(rng));
        }
    }

    // Host memory: queue, command word, trace, arguments, control code, buffers.
    SparseMemory& mem = driver.host().memory();
    std::uint64_t at = base;
    QueueHandle queue = open_queue(driver, vf, view.columns * view.core_rows, at);
    at += std::uint64_t{8} * 4096;
    const std::uint64_t command_word = at;
    const std::uint32_t header = hq::kStateNew | (hq::kStartDpu << hq::kOpcodeShift) |
                                 (std::uint32_t{sizeof(hq::StartDpu) / 4} << hq::kCountShift);
    mem.write(command_word, &header, 4);
    const std::uint64_t trace = at + 64;
    at += 4096;
    const std::uint64_t args = at;
    at += 4096;
    const std::uint64_t code = at;
    mem.write(code, w.control_code.data(), w.control_code.size());
    if (request.start_dpu) {
        hq::StartDpu dpu{};
        dpu.dtrace_buffer = trace;
        dpu.instruction_buffer = code;
        dpu.instruction_size = static_cast<std::uint32_t>(w.control_code.size());
        mem.write(command_word + 4, &dpu, sizeof dpu);
    }
    at = align_up(at + w.control_code.size(), 4096);
    std::vector<std::uint64_t> addresses;
    for (const th::HostBuffer& b : w.buffers) {
        addresses.push_back(at);
        std::vector<std::uint8_t> bytes(b.bytes(), 0);
        if (b.name == "A") {
            bytes = th::pack(b, g.type == th::GemmType::int8_int32
                                    ? static_cast<const void*>(a8.data())
                                    : static_cast<const void*>(a16.data()));
        } else if (b.name == "B") {
            bytes = th::pack(b, g.type == th::GemmType::int8_int32
                                    ? static_cast<const void*>(b8.data())
                                    : static_cast<const void*>(b16.data()));
        }
        mem.write(at, bytes.data(), bytes.size());
        at = align_up(at + bytes.size(), 4096);
    }
    mem.write(args, addresses.data(), addresses.size() * 8);

    Command c;
    c.control_code = request.start_dpu ? 0 : code;
    c.arguments = args;
    c.argument_count = static_cast<std::uint32_t>(addresses.size());
    c.completion_signal = command_word;
    c.trace = trace;
    result.submitted = sc_core::sc_time_stamp();
    const std::uint64_t seq = submit(driver, queue, c);
    if (!wait_for(driver, queue, seq, sc_core::sc_time(10, sc_core::SC_SEC))) {
        result.error = "the command did not complete within 10 s of simulated time";
        return result;
    }
    result.completed_at = sc_core::sc_time_stamp();
    std::uint32_t state = 0;
    mem.read(command_word, &state, 4);
    hq::TraceRecord record{};
    mem.read(trace, &record, sizeof record);
    if (record.magic == hq::kTraceMagic) {
        result.cycles = record.cycles;
        result.started = sc_core::sc_time(static_cast<double>(record.start_ns), sc_core::SC_NS);
        result.finished = sc_core::sc_time(static_cast<double>(record.end_ns), sc_core::SC_NS);
    }
    driver.destroy_context(queue.context);
    if ((state & hq::kStateMask) != hq::kStateCompleted) {
        result.error = "the command ended in state " + std::to_string(state & hq::kStateMask);
        return result;
    }
    result.completed = true;

    // The output against the reference.
    const th::HostBuffer* out = nullptr;
    std::uint64_t out_address = 0;
    for (std::size_t i = 0; i < w.buffers.size(); ++i) {
        if (w.buffers[i].role == th::BufferRole::output) {
            out = &w.buffers[i];
            out_address = addresses[i];
        }
    }
    if (out == nullptr) {
        result.error = "the workload has no output buffer";
        return result;
    }
    std::vector<std::uint8_t> device(out->bytes());
    mem.read(out_address, device.data(), device.size());
    const std::vector<std::uint8_t> dense = th::unpack(*out, device.data());
    if (g.type == th::GemmType::int8_int32) {
        const auto expected = th::gemm_i8_reference(a8, b8, g.m, g.k, g.n);
        result.verified = std::memcmp(dense.data(), expected.data(), expected.size() * 4) == 0;
        if (!result.verified) {
            result.error = "the result differs from the CPU reference";
        }
    } else {
        std::vector<double> exact, bound;
        th::gemm_bf16_exact(a16, b16, g.m, g.k, g.n, exact, bound);
        result.verified = true;
        for (std::size_t i = 0; i < exact.size(); ++i) {
            float v = 0;
            std::memcpy(&v, dense.data() + 4 * i, 4);
            if (std::fabs(static_cast<double>(v) - exact[i]) > bound[i] + 1e-30) {
                result.verified = false;
                result.error = "element " + std::to_string(i) + " is outside the fp32 bound";
                break;
            }
        }
    }
    return result;
}

} // namespace aie4sim::models::host
