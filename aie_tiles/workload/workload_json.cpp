#include "aie_tiles/workload/workload_json.h"

#include "aie_tiles/workload/aiebu_tool.h"

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace aie4sim::tiles::workload {

namespace {

std::string base_name(const std::string& path) {
    return std::filesystem::path(path).filename().string();
}

void write_file(const std::string& path, const void* data, std::size_t size) {
    std::ofstream out(path, std::ios::binary);
    out.write(static_cast<const char*>(data), static_cast<std::streamsize>(size));
    if (!out) {
        throw std::runtime_error("cannot write " + path);
    }
}

boost::json::object spec_json(const WorkloadSpec& spec) {
    boost::json::object o;
    std::visit(
        [&](const auto& s) {
            using S = std::decay_t<decltype(s)>;
            if constexpr (std::is_same_v<S, GemmSpec>) {
                o["kind"] = "gemm";
                o["m"] = s.m;
                o["k"] = s.k;
                o["n"] = s.n;
                o["type"] = s.type == GemmType::int8_int32 ? "int8" : "bf16";
            } else if constexpr (std::is_same_v<S, EltwiseSpec>) {
                o["kind"] = "eltwise";
                o["op"] =
                    s.op == EltwiseOp::add ? "add" : (s.op == EltwiseOp::mul ? "mul" : "relu");
                o["type"] = data_type_name(s.type);
                o["count"] = s.count;
                o["shift"] = s.shift;
            } else if constexpr (std::is_same_v<S, SoftmaxSpec>) {
                o["kind"] = "softmax";
                o["rows"] = s.rows;
                o["cols"] = s.cols;
            } else {
                o["kind"] = "copy";
                o["bytes"] = s.bytes;
            }
        },
        spec);
    return o;
}

std::string data_file(const WorkloadFiles& f, const HostBuffer& b) {
    return f.prefix + "." + b.name + (b.role == BufferRole::output ? ".expected.bin" : ".bin");
}

} // namespace

std::string layout_json(const Workload& w, const WorkloadFiles& files, const WorkloadData* data) {
    boost::json::object root;
    root["format"] = kLayoutFormat;
    root["op"] = w.op;
    root["spec"] = spec_json(w.spec);
    root["plan"] = w.plan;
    root["columns_used"] = w.columns_used;
    root["cores_used"] = w.cores_used;
    root["useful_ops"] = w.useful_ops;
    root["partition"] = {{"columns", files.partition.columns},
                         {"core_rows", files.partition.core_rows},
                         {"mem_rows", files.partition.mem_rows}};
    root["kernel"] = "DPU";
    root["instance"] = "inst0";
    boost::json::object names;
    names["assembly"] = base_name(files.prefix + ".asm");
    names["config"] = base_name(files.prefix + ".config.json");
    if (files.elf) {
        names["elf"] = base_name(files.prefix + ".elf");
    }
    root["files"] = std::move(names);
    boost::json::array args;
    for (std::size_t i = 0; i < w.buffers.size(); ++i) {
        const HostBuffer& b = w.buffers[i];
        boost::json::object o;
        o["index"] = i;
        o["name"] = b.name;
        o["role"] = buffer_role_name(b.role);
        o["type"] = data_type_name(b.type);
        o["element_bytes"] = data_type_size(b.type);
        o["rows"] = b.rows;
        o["cols"] = b.cols;
        o["ld"] = b.ld;
        o["alloc_rows"] = b.alloc_rows;
        o["bytes"] = b.bytes();
        if (data != nullptr) {
            if (b.role == BufferRole::input) {
                o["data"] = base_name(data_file(files, b));
            } else if (b.role == BufferRole::output) {
                o["expected"] = base_name(data_file(files, b));
                o["compare"] = data->compare;
            }
        }
        args.push_back(std::move(o));
    }
    root["arguments"] = std::move(args);
    root["layout"] = "row-major: element (r, c) at byte (r * ld + c) * element_bytes; padding "
                     "(columns cols..ld-1, rows rows..alloc_rows-1) is zero in inputs and left "
                     "alone in outputs";
    if (data != nullptr) {
        root["data"] = {{"seed", data->seed}, {"generator", data->generator}};
    }
    return boost::json::serialize(root);
}

void write_workload_files(const Workload& w, const WorkloadFiles& files) {
    const std::string asm_path = files.prefix + ".asm";
    write_file(asm_path, w.assembly.data(), w.assembly.size());
    const std::string config = kernel_config_json(w, base_name(asm_path));
    write_file(files.prefix + ".config.json", config.data(), config.size());
    if (files.elf) {
        const auto elf = assemble_workload(w);
        write_file(files.prefix + ".elf", elf.data(), elf.size());
    }
    std::optional<WorkloadData> data;
    if (files.seed) {
        data = make_workload_data(w, *files.seed);
        for (std::size_t i = 0; i < w.buffers.size(); ++i) {
            const auto& bytes =
                w.buffers[i].role == BufferRole::input ? data->inputs[i] : data->expected[i];
            if (!bytes.empty()) {
                write_file(data_file(files, w.buffers[i]), bytes.data(), bytes.size());
            }
        }
    }
    const std::string layout = layout_json(w, files, data ? &*data : nullptr) + "\n";
    write_file(files.prefix + ".json", layout.data(), layout.size());
}

} // namespace aie4sim::tiles::workload
