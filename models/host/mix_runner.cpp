#include "models/host/mix_runner.h"

#include "aie_tiles/workload/aiebu_tool.h"
#include "aie_tiles/workload/control_elf.h"
#include "aie_tiles/workload/reference.h"
#include "aie_tiles/workload/workload_data.h"
#include "common/align.h"
#include "models/host/process_join.h"
#include "models/queue/ert_command.h"

#include <cmath>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <random>

namespace aie4sim::models::host {

namespace {

namespace wl = tiles::workload;
using Bytes = std::vector<std::uint8_t>;

constexpr std::uint32_t kQueueCapacity = 32; // the 7.3.4 driver's limit on outstanding commands
constexpr std::uint64_t kCommandSlot = 4096; // command BO, its trace record at +2048
sc_core::sc_time command_timeout() {
    return {10, sc_core::SC_SEC};
}
constexpr std::uint8_t kPoison = 0xA5; // outputs are filled with it before each run

std::size_t output_index(const wl::Workload& w) {
    for (std::size_t i = 0; i < w.buffers.size(); ++i) {
        if (w.buffers[i].role == wl::BufferRole::output) {
            return i;
        }
    }
    throw wl::BuildError(w.op + ": no output buffer");
}

// A workload built and assembled for one partition shape: the same control code serves every
// VF with that shape, so aiebu-asm runs once per distinct program.
struct Program {
    wl::Workload workload;
    wl::ControlCode code;
};

class ProgramCache {
public:
    std::shared_ptr<const Program> get(const wl::WorkloadSpec& spec,
                                       const wl::PartitionShape& shape) {
        wl::Workload w = wl::build_workload(spec, shape);
        auto& slot = programs_[w.assembly];
        if (!slot) {
            auto p = std::make_shared<Program>();
            const Bytes elf = wl::assemble_workload(w);
            p->code = wl::load_control_elf(elf.data(), elf.size());
            p->workload = std::move(w);
            slot = std::move(p);
        }
        return slot;
    }

private:
    std::map<std::string, std::shared_ptr<const Program>> programs_;
};

// A program with its buffers in host memory and its instruction buffer patched for them.
struct Placed {
    std::shared_ptr<const Program> program;
    std::vector<std::uint64_t> addresses; // per kernel argument
    std::uint64_t image = 0;
};

class Arena {
public:
    Arena(std::uint64_t base, std::uint64_t bytes) : at_(base), end_(base + bytes) {}
    std::uint64_t take(std::uint64_t bytes) {
        const std::uint64_t a = at_;
        at_ = common::align_up(at_ + std::max<std::uint64_t>(bytes, 1), 4096);
        if (at_ > end_) {
            throw MixError("mix: a VF's buffers outgrew its host memory region");
        }
        return a;
    }

private:
    std::uint64_t at_;
    std::uint64_t end_;
};

// One VF's hardware context and queue, shared by all its jobs: submissions wait for room in
// the queue, completions are collected by whichever job wakes on the context's MSI-X first.
class VfQueue {
public:
    struct Done {
        std::uint32_t state = 0;
        hq::TraceRecord trace{};
        sc_core::sc_time at;
    };

    VfQueue(HostDriver& driver, unsigned vf, std::uint32_t num_tiles, Arena& arena)
        : driver_(driver), vf_(vf) {
        const std::uint64_t queue = arena.take(hq::QueueLayout::bytes(kQueueCapacity));
        slots_ = arena.take(kQueueCapacity * kCommandSlot);
        queue_ = open_queue(driver, vf, num_tiles, queue, kQueueCapacity);
    }

    // Submits the programs back to back (as one runlist when `runlist`); returns each one's
    // sequence number and doorbell time.
    std::vector<std::pair<std::uint64_t, sc_core::sc_time>>
    submit(const std::vector<const Placed*>& programs, bool runlist) {
        while (busy_) {
            sc_core::wait(free_);
        }
        busy_ = true; // a runlist's packets must follow each other in the queue
        wait_for_room(programs.size());
        std::vector<std::pair<std::uint64_t, sc_core::sc_time>> out;
        for (std::size_t i = 0; i < programs.size(); ++i) {
            const Placed& p = *programs[i];
            const std::uint64_t seq = queue_.write_index;
            const std::uint64_t bo = slots_ + (seq % kQueueCapacity) * kCommandSlot;
            const std::uint64_t trace = bo + 2048;
            const hq::TraceRecord blank{};
            driver_.host().memory().write(trace, &blank, sizeof blank);
            const hq::StartDpu dpu = hq::start_dpu_for(p.program->code.ucs, p.image, trace);
            const std::vector<std::uint32_t> words = hq::encode_start_dpu(dpu);
            driver_.host().memory().write(bo, words.data(), words.size() * 4);
            hq::Command command = hq::command_from_start_dpu(dpu, bo);
            command.not_last = runlist && i + 1 < programs.size();
            const sc_core::sc_time at = sc_core::sc_time_stamp();
            out.emplace_back(host::submit(driver_, queue_, command), at);
        }
        busy_ = false;
        free_.notify(sc_core::SC_ZERO_TIME);
        return out;
    }

    std::optional<Done> await(std::uint64_t seq) {
        const sc_core::sc_time deadline = sc_core::sc_time_stamp() + command_timeout();
        for (;;) {
            const std::uint64_t seen = interrupts();
            collect();
            auto it = done_.find(seq);
            if (it != done_.end()) {
                Done d = it->second;
                done_.erase(it);
                return d;
            }
            const sc_core::sc_time now = sc_core::sc_time_stamp();
            if (now >= deadline ||
                !driver_.host().wait_interrupt(vf_, queue_.context.msix, seen, deadline - now)) {
                return std::nullopt;
            }
        }
    }

    void close() { driver_.destroy_context(queue_.context); }

private:
    std::uint64_t interrupts() const { return driver_.host().interrupts(vf_, queue_.context.msix); }

    // Takes every completion the device has published: its state and trace record are read
    // before the slot can be reused (a submission waits for `processed_`, not read_index).
    void collect() {
        std::uint64_t read_index = 0;
        driver_.host().memory().read(queue_.layout.base, &read_index, 8);
        while (processed_ < read_index) {
            const std::uint64_t bo = slots_ + (processed_ % kQueueCapacity) * kCommandSlot;
            Done d;
            driver_.host().memory().read(bo, &d.state, 4);
            driver_.host().memory().read(bo + 2048, &d.trace, sizeof d.trace);
            d.at = sc_core::sc_time_stamp();
            done_[processed_++] = d;
        }
    }

    void wait_for_room(std::size_t n) {
        for (;;) {
            const std::uint64_t seen = interrupts();
            collect();
            if (queue_.write_index + n - processed_ <= kQueueCapacity) {
                return;
            }
            driver_.host().wait_interrupt(vf_, queue_.context.msix, seen, command_timeout());
        }
    }

    HostDriver& driver_;
    unsigned vf_;
    QueueHandle queue_;
    std::uint64_t slots_ = 0;
    std::uint64_t processed_ = 0;
    std::map<std::uint64_t, Done> done_;
    bool busy_ = false;
    sc_core::sc_event free_;
};

template <typename T> Bytes bytes_of(const std::vector<T>& v) {
    Bytes b(v.size() * sizeof(T));
    std::memcpy(b.data(), v.data(), b.size());
    return b;
}

// fp32 results -> bf16 inputs of the next step, each value multiplied by `scale` first.
Bytes fp32_to_bf16(const Bytes& fp32, float scale) {
    std::vector<std::uint16_t> out(fp32.size() / 4);
    for (std::size_t i = 0; i < out.size(); ++i) {
        float f = 0;
        std::memcpy(&f, fp32.data() + 4 * i, 4);
        out[i] = wl::float_to_bf16(f * scale);
    }
    return bytes_of(out);
}

Bytes random_bf16(std::size_t n, std::mt19937& rng) {
    std::uniform_real_distribution<float> dist(-2.0f, 2.0f);
    std::vector<std::uint16_t> v(n);
    for (auto& e : v) {
        e = wl::float_to_bf16(dist(rng));
    }
    return bytes_of(v);
}

// One kind of job of one VF: its programs and a pool of buffer sets (one set per job in flight).
struct JobType {
    const JobSpec* spec = nullptr;
    std::vector<std::shared_ptr<const Program>> programs; // per step
    std::vector<Bytes> fixed; // dense inputs that never change (see VfRunner::fixed_inputs)
    wl::WorkloadData single;  // single: its inputs and expected output
    std::vector<std::unique_ptr<std::vector<Placed>>> free_sets;
};

class VfRunner {
public:
    VfRunner(HostDriver& driver, unsigned vf, const WorkloadMix& mix, ProgramCache& cache,
             std::uint32_t seed, Arena arena)
        : driver_(driver), vf_(vf), mix_(mix), vf_mix_(mix.for_vf(vf)), cache_(cache),
          arena_(arena), rng_(seed ^ (0x9E3779B9u * vf)), seed_(seed) {
        result_.vf = vf;
        result_.arrival = vf_mix_.arrival.describe();
    }

    // Builds and assembles every workload for the VF's partition and opens its queue.
    void prepare() {
        if (vf_mix_.jobs.empty()) {
            throw MixError("mix: VF " + std::to_string(vf_) +
                           " has no workloads (neither under \"vfs\" nor a \"default\")");
        }
        const HostDriver::ArrayView view = driver_.array_view(vf_);
        const wl::PartitionShape shape{view.columns, view.core_rows, view.mem_rows};
        result_.columns = view.columns;
        for (const JobSpec& job : vf_mix_.jobs) {
            auto type = std::make_unique<JobType>();
            type->spec = &job;
            try {
                for (const wl::WorkloadSpec& step : job.steps) {
                    type->programs.push_back(cache_.get(step, shape));
                }
            } catch (const std::exception& e) {
                throw MixError("mix: VF " + std::to_string(vf_) + ": workload \"" + job.name +
                               "\" on its " + std::to_string(view.columns) +
                               "-column partition: " + e.what());
            }
            fixed_inputs(*type, static_cast<std::uint32_t>(types_.size()));
            total_weight_ += job.weight;
            types_.push_back(std::move(type));
        }
        queue_ = std::make_unique<VfQueue>(driver_, vf_, view.columns * view.core_rows, arena_);
    }

    // Runs the arrival pattern from `start` until the bounds, then waits for every job.
    void run(sc_core::sc_time start) {
        start_ = start;
        std::vector<sc_core::sc_process_handle> jobs;
        const Arrival& a = vf_mix_.arrival;
        if (a.pattern == ArrivalPattern::closed_loop) {
            for (unsigned i = 0; i < a.outstanding; ++i) {
                jobs.push_back(sc_core::sc_spawn([this] {
                    while (may_start()) {
                        run_job(next_job_++, sc_core::sc_time_stamp());
                    }
                }));
            }
        } else {
            const std::uint64_t n = arrivals_within(a, mix_.duration_us, mix_.jobs);
            for (std::uint64_t k = 0; k < n; ++k) {
                const sc_core::sc_time at =
                    start_ + sc_core::sc_time(arrival_offset_us(a, k), sc_core::SC_US);
                if (at > sc_core::sc_time_stamp()) {
                    sc_core::wait(at - sc_core::sc_time_stamp());
                }
                jobs.push_back(
                    sc_core::sc_spawn([this, k] { run_job(k, sc_core::sc_time_stamp()); }));
            }
        }
        join_all(jobs);
        queue_->close();
    }

    VfMixResult take_result() { return std::move(result_); }

private:
    bool may_start() const {
        const bool count_ok = mix_.jobs == 0 || next_job_ < mix_.jobs;
        const bool time_ok =
            mix_.duration_us <= 0 ||
            sc_core::sc_time_stamp() < start_ + sc_core::sc_time(mix_.duration_us, sc_core::SC_US);
        return count_ok && time_ok;
    }

    JobType& pick() {
        // mt19937's output is the same everywhere (unlike the standard distributions).
        std::uint64_t r = rng_() % total_weight_;
        for (auto& t : types_) {
            if (r < t->spec->weight) {
                return *t;
            }
            r -= t->spec->weight;
        }
        return *types_.back();
    }

    void fixed_inputs(JobType& t, std::uint32_t position) {
        const std::uint32_t data_seed = seed_ + vf_ + 7919 * position;
        const wl::Workload& first = t.programs.front()->workload;
        switch (t.spec->kind) {
        case JobKind::single:
            t.single = wl::make_workload_data(first, data_seed);
            break;
        case JobKind::eltwise_chain: {
            // x of step 0, then each binary step's y (dense; x of a later step is the result of
            // the step before).
            const wl::WorkloadData d = wl::make_workload_data(first, data_seed);
            t.fixed.push_back(wl::unpack(first.buffers[0], d.inputs[0].data()));
            for (std::size_t i = 0; i < t.programs.size(); ++i) {
                const wl::Workload& w = t.programs[i]->workload;
                const wl::WorkloadData di = wl::make_workload_data(w, data_seed + 1 + i);
                t.fixed.push_back(w.buffers.size() == 3
                                      ? wl::unpack(w.buffers[1], di.inputs[1].data())
                                      : Bytes{});
            }
            break;
        }
        case JobKind::transformer: {
            const TransformerSpec& s = t.spec->transformer;
            std::mt19937 rng(data_seed);
            for (std::size_t n : {std::size_t{s.seq} * s.d_model,     // Q
                                  std::size_t{s.d_model} * s.seq,     // K^T
                                  std::size_t{s.seq} * s.d_model,     // V
                                  std::size_t{s.d_model} * s.d_ff,    // W1
                                  std::size_t{s.d_ff} * s.d_model}) { // W2
                t.fixed.push_back(random_bf16(n, rng));
            }
            break;
        }
        }
    }

    Placed place(const std::shared_ptr<const Program>& p,
                 const std::vector<std::optional<std::uint64_t>>& given) {
        Placed out;
        out.program = p;
        const wl::Workload& w = p->workload;
        for (std::size_t i = 0; i < w.buffers.size(); ++i) {
            out.addresses.push_back(
                i < given.size() && given[i] ? *given[i] : arena_.take(w.buffers[i].bytes()));
        }
        const Bytes image = wl::patched_image(p->code, out.addresses);
        out.image = arena_.take(image.size());
        driver_.host().memory().write(out.image, image.data(), image.size());
        return out;
    }

    std::unique_ptr<std::vector<Placed>> take_set(JobType& t) {
        if (!t.free_sets.empty()) {
            auto set = std::move(t.free_sets.back());
            t.free_sets.pop_back();
            return set;
        }
        auto set = std::make_unique<std::vector<Placed>>();
        std::optional<std::uint64_t> previous_out;
        for (const auto& p : t.programs) {
            // A chain's step reads its x where the step before wrote its result: no copy.
            std::vector<std::optional<std::uint64_t>> given;
            if (t.spec->kind == JobKind::eltwise_chain && previous_out) {
                given.push_back(previous_out);
            }
            set->push_back(place(p, given));
            previous_out = set->back().addresses[output_index(p->workload)];
        }
        if (t.spec->kind == JobKind::single) {
            write_inputs(set->front(), t.single.inputs);
        }
        return set;
    }

    void write_inputs(const Placed& p, const std::vector<Bytes>& device_layout) {
        const wl::Workload& w = p.program->workload;
        for (std::size_t i = 0; i < w.buffers.size(); ++i) {
            if (w.buffers[i].role == wl::BufferRole::input && !device_layout[i].empty()) {
                driver_.host().memory().write(p.addresses[i], device_layout[i].data(),
                                              device_layout[i].size());
            }
        }
    }

    void poison_output(const Placed& p) {
        const wl::Workload& w = p.program->workload;
        const std::size_t out = output_index(w);
        const Bytes fill(w.buffers[out].bytes(), kPoison);
        driver_.host().memory().write(p.addresses[out], fill.data(), fill.size());
    }

    Bytes read_output(const Placed& p) {
        const wl::Workload& w = p.program->workload;
        const std::size_t out = output_index(w);
        Bytes device(w.buffers[out].bytes());
        driver_.host().memory().read(p.addresses[out], device.data(), device.size());
        return device;
    }

    CommandRecord record_for(const JobType& t, const Placed& p, std::uint64_t job,
                             sc_core::sc_time arrived) {
        CommandRecord r;
        r.job = t.spec->name;
        r.op = p.program->workload.op;
        r.job_index = job;
        r.arrived = arrived;
        r.ops = p.program->workload.useful_ops;
        return r;
    }

    // Waits for a submitted command and fills in its times and state; false if it failed.
    bool finish(CommandRecord& r, std::uint64_t seq) {
        const std::optional<VfQueue::Done> done = queue_->await(seq);
        if (!done) {
            r.error = "the command did not complete within 10 s of simulated time";
            return false;
        }
        r.completed = done->at;
        if (done->trace.magic == hq::kTraceMagic) {
            r.started = sc_core::sc_time(static_cast<double>(done->trace.start_ns), sc_core::SC_NS);
            r.finished = sc_core::sc_time(static_cast<double>(done->trace.end_ns), sc_core::SC_NS);
            r.cycles = done->trace.cycles;
        }
        if ((done->state & hq::kStateMask) != hq::kStateCompleted) {
            r.error = std::string("the command ended in state ") +
                      hq::ert_state_name(done->state & hq::kStateMask);
            return false;
        }
        return true;
    }

    // Checks a step's output against the reference for the inputs it was given; returns the
    // output (dense) for the next step.
    Bytes verify(CommandRecord& r, const Placed& p, const wl::WorkloadData& data) {
        const wl::Workload& w = p.program->workload;
        const std::size_t out = output_index(w);
        const Bytes device = read_output(p);
        const std::string problem = wl::check_output(w, data, out, device.data());
        r.ok = problem.empty();
        r.error = problem;
        return wl::unpack(w.buffers[out], device.data());
    }

    void run_job(std::uint64_t index, sc_core::sc_time arrived) {
        JobType& t = pick();
        JobRecord job;
        job.name = t.spec->name;
        job.index = index;
        job.arrived = arrived;
        std::vector<CommandRecord> records;
        try {
            auto set = take_set(t);
            switch (t.spec->kind) {
            case JobKind::single:
                run_single(t, *set, index, arrived, records);
                break;
            case JobKind::eltwise_chain:
                run_chain(t, *set, index, arrived, records);
                break;
            case JobKind::transformer:
                run_transformer(t, *set, index, arrived, records);
                break;
            }
            t.free_sets.push_back(std::move(set));
        } catch (const std::exception& e) {
            CommandRecord r;
            r.job = t.spec->name;
            r.job_index = index;
            r.arrived = arrived;
            r.error = e.what();
            records.push_back(r);
        }
        job.commands = static_cast<unsigned>(records.size());
        job.ok = !records.empty();
        for (const CommandRecord& r : records) {
            job.ok = job.ok && r.ok;
            job.completed = std::max(job.completed, r.completed);
        }
        for (CommandRecord& r : records) {
            result_.commands.push_back(std::move(r));
        }
        result_.jobs.push_back(job);
    }

    void run_single(JobType& t, std::vector<Placed>& set, std::uint64_t index,
                    sc_core::sc_time arrived, std::vector<CommandRecord>& records) {
        const Placed& p = set.front();
        poison_output(p);
        CommandRecord r = record_for(t, p, index, arrived);
        const auto submitted = queue_->submit({&p}, false);
        r.submitted = submitted.front().second;
        if (finish(r, submitted.front().first)) {
            verify(r, p, t.single);
        }
        records.push_back(std::move(r));
    }

    void run_chain(JobType& t, std::vector<Placed>& set, std::uint64_t index,
                   sc_core::sc_time arrived, std::vector<CommandRecord>& records) {
        // x of step 0 and the y of every binary step; x of step i > 0 is step i-1's result.
        const wl::Workload& w0 = set.front().program->workload;
        driver_.host().memory().write(set.front().addresses[0],
                                      wl::pack(w0.buffers[0], t.fixed[0].data()).data(),
                                      w0.buffers[0].bytes());
        std::vector<const Placed*> programs;
        for (std::size_t i = 0; i < set.size(); ++i) {
            const wl::Workload& w = set[i].program->workload;
            if (w.buffers.size() == 3) {
                const Bytes y = wl::pack(w.buffers[1], t.fixed[1 + i].data());
                driver_.host().memory().write(set[i].addresses[1], y.data(), y.size());
            }
            poison_output(set[i]);
            programs.push_back(&set[i]);
        }
        const auto submitted = queue_->submit(programs, true);
        bool all_completed = true;
        for (std::size_t i = 0; i < set.size(); ++i) {
            CommandRecord r = record_for(t, set[i], index, arrived);
            r.submitted = submitted[i].second;
            all_completed = finish(r, submitted[i].first) && all_completed;
            records.push_back(std::move(r));
        }
        if (!all_completed) {
            return;
        }
        // Each step against the reference of what it was given: the step before's real result.
        Bytes x = t.fixed[0];
        for (std::size_t i = 0; i < set.size(); ++i) {
            const wl::Workload& w = set[i].program->workload;
            std::vector<Bytes> dense(w.buffers.size());
            dense[0] = x;
            if (w.buffers.size() == 3) {
                dense[1] = t.fixed[1 + i];
            }
            x = verify(records[records.size() - set.size() + i], set[i],
                       wl::workload_data_for(w, dense));
        }
    }

    // One step of a sequential chain: write its inputs, run it, check it; its result, dense.
    std::optional<Bytes> step(JobType& t, const Placed& p, const std::vector<Bytes>& dense,
                              std::uint64_t index, sc_core::sc_time arrived,
                              std::vector<CommandRecord>& records) {
        const wl::Workload& w = p.program->workload;
        const wl::WorkloadData data = wl::workload_data_for(w, dense);
        write_inputs(p, data.inputs);
        poison_output(p);
        CommandRecord r = record_for(t, p, index, arrived);
        const auto submitted = queue_->submit({&p}, false);
        r.submitted = submitted.front().second;
        std::optional<Bytes> out;
        if (finish(r, submitted.front().first)) {
            out = verify(r, p, data);
        }
        const bool ok = r.ok;
        records.push_back(std::move(r));
        return ok ? out : std::nullopt;
    }

    void run_transformer(JobType& t, std::vector<Placed>& set, std::uint64_t index,
                         sc_core::sc_time arrived, std::vector<CommandRecord>& records) {
        const TransformerSpec& s = t.spec->transformer;
        const Bytes& q = t.fixed[0];
        const Bytes& kt = t.fixed[1];
        const Bytes& v = t.fixed[2];
        const Bytes& w1 = t.fixed[3];
        const Bytes& w2 = t.fixed[4];
        auto run = [&](std::size_t i, std::vector<Bytes> dense) {
            dense.resize(set[i].program->workload.buffers.size());
            return step(t, set[i], dense, index, arrived, records);
        };
        // Attention: scores = Q K^T (fp32), scaled by 1/sqrt(d) into bf16 on the host.
        const auto scores = run(0, {q, kt});
        if (!scores) {
            return;
        }
        const float scale = 1.0f / std::sqrt(static_cast<float>(s.d_model));
        const auto p = run(1, {fp32_to_bf16(*scores, scale)});
        if (!p) {
            return;
        }
        const auto attended = run(2, {*p, v});
        if (!attended) {
            return;
        }
        // MLP: relu(H W1) W2.
        const auto hidden = run(3, {fp32_to_bf16(*attended, 1.0f), w1});
        if (!hidden) {
            return;
        }
        const auto activated = run(4, {fp32_to_bf16(*hidden, 1.0f)});
        if (!activated) {
            return;
        }
        run(5, {*activated, w2});
    }

    HostDriver& driver_;
    unsigned vf_;
    const WorkloadMix& mix_;
    const VfMix& vf_mix_;
    ProgramCache& cache_;
    Arena arena_;
    std::mt19937 rng_;
    std::uint32_t seed_;
    std::vector<std::unique_ptr<JobType>> types_;
    unsigned total_weight_ = 0;
    std::unique_ptr<VfQueue> queue_;
    sc_core::sc_time start_;
    std::uint64_t next_job_ = 0;
    VfMixResult result_;
};

} // namespace

void check_mix(const WorkloadMix& mix, unsigned vfs, const DeviceConfig& config) {
    const tiles::Geometry& g = config.aie.geometry;
    for (unsigned vf = 1; vf <= vfs; ++vf) {
        const VfMix& m = mix.for_vf(vf);
        if (m.jobs.empty()) {
            throw MixError("mix: VF " + std::to_string(vf) +
                           " has no workloads (neither under \"vfs\" nor a \"default\")");
        }
        const ColumnRange slice =
            vf_columns(config.scheduler, vf, config.sriov.total_vfs, g.columns);
        const wl::PartitionShape shape{slice.count, g.core_rows, g.mem_rows};
        for (const JobSpec& job : m.jobs) {
            for (const wl::WorkloadSpec& step : job.steps) {
                try {
                    (void)wl::build_workload(step, shape);
                } catch (const std::exception& e) {
                    throw MixError("mix: VF " + std::to_string(vf) + ": workload \"" + job.name +
                                   "\" on its " + std::to_string(slice.count) +
                                   "-column partition: " + e.what());
                }
            }
        }
    }
    for (const auto& [vf, m] : mix.per_vf) {
        if (vf > vfs) {
            throw MixError("mix: vfs." + std::to_string(vf) + ": the run has " +
                           std::to_string(vfs) + " VF(s)");
        }
    }
}

MixResult run_mix(HostDriver& driver, const WorkloadMix& mix, unsigned vfs, std::uint32_t seed,
                  std::uint64_t first_region, std::uint64_t region_bytes) {
    ProgramCache cache;
    std::vector<std::unique_ptr<VfRunner>> runners;
    for (unsigned vf = 1; vf <= vfs; ++vf) {
        runners.push_back(std::make_unique<VfRunner>(
            driver, vf, mix, cache, seed,
            Arena(first_region + (vf - 1) * region_bytes, region_bytes)));
        runners.back()->prepare();
    }
    MixResult result;
    result.start = sc_core::sc_time_stamp();
    std::vector<sc_core::sc_process_handle> running;
    for (auto& r : runners) {
        VfRunner* runner = r.get();
        running.push_back(sc_core::sc_spawn([runner, &result] { runner->run(result.start); }));
    }
    join_all(running);
    result.end = result.start;
    for (auto& r : runners) {
        result.vfs.push_back(r->take_result());
        for (const CommandRecord& c : result.vfs.back().commands) {
            result.end = std::max(result.end, c.completed);
        }
    }
    return result;
}

} // namespace aie4sim::models::host
