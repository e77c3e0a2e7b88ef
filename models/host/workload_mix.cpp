#include "models/host/workload_mix.h"

#include "common/config_node.h"

#include <boost/json.hpp>
#include <cmath>
#include <limits>
#include <regex>
#include <sstream>

namespace aie4sim::models::host {

namespace wl = tiles::workload;
using common::ConfigNode;

namespace {

constexpr std::uint64_t kMaxElements = std::uint64_t{1} << 28;

std::string shape_text(std::uint32_t m, std::uint32_t k, std::uint32_t n) {
    return std::to_string(m) + "x" + std::to_string(k) + "x" + std::to_string(n);
}

wl::EltwiseOp eltwise_op(const ConfigNode& node, std::string_view key, const std::string& text) {
    if (text == "add") {
        return wl::EltwiseOp::add;
    }
    if (text == "mul") {
        return wl::EltwiseOp::mul;
    }
    if (text == "relu") {
        return wl::EltwiseOp::relu;
    }
    node.fail(key, "add, mul or relu, got \"" + text + "\"");
}

wl::DataType stream_type(const ConfigNode& node) {
    return node.get_choice("type", "int8", {"int8", "bf16"}) == "bf16" ? wl::DataType::bf16
                                                                       : wl::DataType::int8;
}

wl::EltwiseSpec eltwise_step(const ConfigNode& node, wl::EltwiseOp op) {
    wl::EltwiseSpec e;
    e.op = op;
    e.type = stream_type(node);
    e.count = static_cast<std::uint32_t>(node.get_uint("count", 65536, 1, kMaxElements));
    e.shift = static_cast<unsigned>(node.get_uint("shift", 0, 0, 31));
    return e;
}

JobSpec parse_job(const ConfigNode& node) {
    JobSpec job;
    const std::string op = node.get_choice(
        "op", "", {"gemm", "eltwise", "eltwise_chain", "softmax", "copy", "transformer"});
    job.weight = static_cast<unsigned>(node.get_uint("weight", 1, 1, 1000));
    if (op == "gemm") {
        node.expect_only({"op", "weight", "shape", "type"});
        static const std::regex shape(R"(([1-9][0-9]{0,8})x([1-9][0-9]{0,8})x([1-9][0-9]{0,8}))");
        const std::string text = node.get_string("shape", "256x256x256");
        std::smatch m;
        if (!std::regex_match(text, m, shape)) {
            node.fail("shape", "a GEMM shape MxKxN such as \"256x256x256\", got \"" + text + "\"");
        }
        wl::GemmSpec g;
        g.m = static_cast<std::uint32_t>(std::stoul(m[1]));
        g.k = static_cast<std::uint32_t>(std::stoul(m[2]));
        g.n = static_cast<std::uint32_t>(std::stoul(m[3]));
        const bool bf16 = node.get_choice("type", "int8", {"int8", "bf16"}) == "bf16";
        g.type = bf16 ? wl::GemmType::bf16_fp32 : wl::GemmType::int8_int32;
        job.steps.emplace_back(g);
        job.name = "gemm " + shape_text(g.m, g.k, g.n) + (bf16 ? " bf16" : " int8");
    } else if (op == "eltwise") {
        node.expect_only({"op", "weight", "kind", "type", "count", "shift"});
        const wl::EltwiseSpec e =
            eltwise_step(node, eltwise_op(node, "kind", node.get_string("kind", "add")));
        job.steps.emplace_back(e);
        job.name = node.get_string("kind", "add") + " " + std::to_string(e.count) + " " +
                   wl::data_type_name(e.type);
    } else if (op == "eltwise_chain") {
        node.expect_only({"op", "weight", "steps", "type", "count", "shift"});
        job.kind = JobKind::eltwise_chain;
        const std::string steps = node.get_string("steps", "add,mul,relu");
        std::stringstream in(steps);
        std::string step;
        while (std::getline(in, step, ',')) {
            job.steps.emplace_back(eltwise_step(node, eltwise_op(node, "steps", step)));
        }
        if (job.steps.size() < 2 || job.steps.size() > 16) {
            node.fail("steps",
                      "2 to 16 comma-separated steps (add, mul, relu), got \"" + steps + "\"");
        }
        const auto& first = std::get<wl::EltwiseSpec>(job.steps.front());
        job.name = "chain " + steps + " " + std::to_string(first.count) + " " +
                   wl::data_type_name(first.type);
    } else if (op == "softmax") {
        node.expect_only({"op", "weight", "rows", "cols"});
        wl::SoftmaxSpec s;
        s.rows = static_cast<std::uint32_t>(node.get_uint("rows", 64, 1, 65536));
        s.cols = static_cast<std::uint32_t>(node.get_uint("cols", 256, 1, 65536));
        job.steps.emplace_back(s);
        job.name = "softmax " + std::to_string(s.rows) + "x" + std::to_string(s.cols);
    } else if (op == "copy") {
        node.expect_only({"op", "weight", "bytes"});
        wl::CopySpec c;
        c.bytes = node.get_uint("bytes", 65536, 1, kMaxElements);
        job.steps.emplace_back(c);
        job.name = "copy " + std::to_string(c.bytes);
    } else if (op == "transformer") {
        node.expect_only({"op", "weight", "seq", "d_model", "d_ff"});
        job.kind = JobKind::transformer;
        job.transformer.seq = static_cast<std::uint32_t>(node.get_uint("seq", 64, 1, 4095));
        job.transformer.d_model = static_cast<std::uint32_t>(node.get_uint("d_model", 64, 1, 4095));
        job.transformer.d_ff = static_cast<std::uint32_t>(node.get_uint("d_ff", 128, 1, 4095));
        job.steps = transformer_steps(job.transformer);
        job.name = "transformer " + std::to_string(job.transformer.seq) + "/" +
                   std::to_string(job.transformer.d_model) + "/" +
                   std::to_string(job.transformer.d_ff);
    } else {
        node.fail("op", "required: gemm, eltwise, eltwise_chain, softmax, copy or transformer");
    }
    return job;
}

Arrival parse_arrival(const ConfigNode& node, const Arrival& fallback) {
    if (!node.present()) {
        return fallback;
    }
    Arrival a;
    const std::string pattern =
        node.get_choice("pattern", "", {"closed_loop", "fixed_rate", "burst"});
    if (pattern == "closed_loop") {
        node.expect_only({"pattern", "outstanding"});
        a.pattern = ArrivalPattern::closed_loop;
        a.outstanding = static_cast<unsigned>(node.get_uint("outstanding", 1, 1, 32));
    } else if (pattern == "fixed_rate") {
        node.expect_only({"pattern", "per_ms"});
        a.pattern = ArrivalPattern::fixed_rate;
        if (!node.has("per_ms")) {
            node.fail("per_ms", "required: jobs per simulated millisecond");
        }
        a.per_ms = node.get_double("per_ms", 0, 1e-3, 1e6);
    } else if (pattern == "burst") {
        node.expect_only({"pattern", "size", "every_us"});
        a.pattern = ArrivalPattern::burst;
        a.burst = static_cast<unsigned>(node.get_uint("size", 1, 1, 1000));
        if (!node.has("every_us")) {
            node.fail("every_us", "required: the period of the bursts in simulated us");
        }
        a.every_us = node.get_double("every_us", 0, 1e-3, 1e9);
    } else {
        node.fail("pattern", "required: closed_loop, fixed_rate or burst");
    }
    return a;
}

VfMix parse_vf_mix(const ConfigNode& node, const VfMix& fallback) {
    node.expect_only({"arrival", "workloads"});
    VfMix m;
    m.arrival = parse_arrival(node.child("arrival"), fallback.arrival);
    const auto workloads = node.children("workloads");
    if (workloads.empty()) {
        if (fallback.jobs.empty()) {
            node.fail("workloads", "required: a non-empty list of workloads");
        }
        m.jobs = fallback.jobs;
    }
    for (const ConfigNode& w : workloads) {
        m.jobs.push_back(parse_job(w));
    }
    return m;
}

std::string without_prefix(const std::string& message) {
    const std::string prefix = "config: ";
    return message.rfind(prefix, 0) == 0 ? message.substr(prefix.size()) : message;
}

} // namespace

const char* arrival_pattern_name(ArrivalPattern pattern) {
    switch (pattern) {
    case ArrivalPattern::closed_loop:
        return "closed_loop";
    case ArrivalPattern::fixed_rate:
        return "fixed_rate";
    case ArrivalPattern::burst:
        return "burst";
    }
    return "?";
}

std::string Arrival::describe() const {
    std::ostringstream s;
    switch (pattern) {
    case ArrivalPattern::closed_loop:
        s << "closed N=" << outstanding;
        break;
    case ArrivalPattern::fixed_rate:
        s << per_ms << "/ms";
        break;
    case ArrivalPattern::burst:
        s << burst << " every " << every_us << "us";
        break;
    }
    return s.str();
}

double arrival_offset_us(const Arrival& a, std::uint64_t k) {
    switch (a.pattern) {
    case ArrivalPattern::fixed_rate:
        return static_cast<double>(k) * 1000.0 / a.per_ms;
    case ArrivalPattern::burst: {
        const std::uint64_t burst_index = k / a.burst; // whole bursts before job k
        return static_cast<double>(burst_index) * a.every_us;
    }
    case ArrivalPattern::closed_loop:
        break;
    }
    throw std::logic_error("arrival_offset_us: a closed loop has no arrival times");
}

std::uint64_t arrivals_within(const Arrival& a, double duration_us, std::uint64_t max_jobs) {
    if (duration_us <= 0) {
        return max_jobs;
    }
    std::uint64_t n = 0;
    switch (a.pattern) {
    case ArrivalPattern::fixed_rate:
        // Offsets k * 1000 / per_ms < duration.
        n = static_cast<std::uint64_t>(std::ceil(duration_us * a.per_ms / 1000.0));
        break;
    case ArrivalPattern::burst:
        n = static_cast<std::uint64_t>(std::ceil(duration_us / a.every_us)) * a.burst;
        break;
    case ArrivalPattern::closed_loop:
        throw std::logic_error("arrivals_within: a closed loop has no arrival times");
    }
    // Guard the rounding of ceil at the boundary: keep only offsets below the duration.
    while (n > 0 && arrival_offset_us(a, n - 1) >= duration_us) {
        --n;
    }
    return max_jobs == 0 ? n : std::min(n, max_jobs);
}

const VfMix& WorkloadMix::for_vf(unsigned vf) const {
    auto it = per_vf.find(vf);
    return it == per_vf.end() ? all : it->second;
}

std::vector<wl::WorkloadSpec> transformer_steps(const TransformerSpec& t) {
    const auto bf16 = [](std::uint32_t m, std::uint32_t k, std::uint32_t n) {
        return wl::GemmSpec{m, k, n, wl::GemmType::bf16_fp32};
    };
    wl::EltwiseSpec relu;
    relu.op = wl::EltwiseOp::relu;
    relu.type = wl::DataType::bf16;
    relu.count = t.seq * t.d_ff;
    return {bf16(t.seq, t.d_model, t.seq),
            wl::SoftmaxSpec{t.seq, t.seq},
            bf16(t.seq, t.seq, t.d_model),
            bf16(t.seq, t.d_model, t.d_ff),
            relu,
            bf16(t.seq, t.d_ff, t.d_model)};
}

WorkloadMix parse_mix(const boost::json::value& document) {
    try {
        if (!document.is_object()) {
            throw MixError("mix: must be a JSON object");
        }
        const ConfigNode root = ConfigNode::root(document);
        root.expect_only({"name", "duration_us", "jobs", "default", "vfs"});
        WorkloadMix mix;
        mix.name = root.get_string("name", "mix");
        mix.duration_us = root.get_double("duration_us", 0, 0, 1e9);
        mix.jobs = root.get_uint("jobs", 0, 0, 1000000);
        if (mix.duration_us <= 0 && mix.jobs == 0) {
            root.fail("duration_us", "a mix needs a bound: duration_us (simulated) or jobs (per "
                                     "VF), or both");
        }
        const ConfigNode defaults = root.child("default");
        if (defaults.present()) {
            mix.all = parse_vf_mix(defaults, VfMix{});
        }
        const ConfigNode vfs = root.child("vfs");
        if (vfs.present()) {
            const auto& object = document.as_object().at("vfs").as_object();
            for (const auto& entry : object) {
                const std::string key(entry.key());
                static const std::regex number("[1-9][0-9]{0,2}");
                if (!std::regex_match(key, number) || std::stoul(key) > 255) {
                    vfs.fail(key, "a VF number from 1 to 255");
                }
                mix.per_vf[static_cast<unsigned>(std::stoul(key))] =
                    parse_vf_mix(vfs.child(key), mix.all);
            }
        }
        if (!defaults.present() && mix.per_vf.empty()) {
            root.fail("default", "required unless \"vfs\" describes every VF");
        }
        return mix;
    } catch (const common::ConfigError& e) {
        throw MixError("mix: " + without_prefix(e.what()));
    }
}

WorkloadMix load_mix(const std::string& text) {
    boost::json::value document;
    try {
        const auto first = text.find_first_not_of(" \t\r\n");
        if (first != std::string::npos && text[first] == '{') {
            document = common::parse_config_text(text, "--mix");
        } else {
            document = common::parse_config_file(text);
        }
    } catch (const common::ConfigError& e) {
        throw MixError("mix: " + without_prefix(e.what()));
    }
    return parse_mix(document);
}

} // namespace aie4sim::models::host
