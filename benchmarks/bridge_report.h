#pragma once
// bridge_bench's report: the host, the baseline memcpy, and for each load condition the MMIO
// latencies, the paths that served them on each side, what every thread did, the idle CPU
// use, DMA throughput, and the targets; printed and as JSON.

#include "benchmarks/bridge_runs.h"

#include <boost/json.hpp>
#include <string>

namespace aie4sim::bench {

struct HostInfo {
    std::string node;
    std::string cpu;
    std::string kernel;
    std::string kernel_version;
    std::string machine;
    long nproc = 0;
    std::string cpus; // --cpus, empty for all
    double load = 0;
};

HostInfo describe_host(const std::string& cpus);
void print_host(const HostInfo& h, const Settings& s);
boost::json::value host_json(const HostInfo& h);

struct MemcpyFigure {
    double mb_per_s = 0; // median of repeated copies between two warm buffers
};
MemcpyFigure measure_memcpy(unsigned bytes);

void print_pass(const PassResult& pass, const Settings& s, const MemcpyFigure& memcpy_figure);
boost::json::value pass_json(const PassResult& pass, const Settings& s,
                             const MemcpyFigure& memcpy_figure);

} // namespace aie4sim::bench
