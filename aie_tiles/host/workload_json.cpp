#include "aie_tiles/host/workload_json.h"

#include <boost/json.hpp>
#include <fstream>
#include <stdexcept>

namespace aie4sim::tiles::host {

std::string describe_workload_json(const Workload& w) {
    boost::json::object root;
    root["op"] = w.op;
    root["plan"] = w.plan;
    root["columns_used"] = w.columns_used;
    root["cores_used"] = w.cores_used;
    root["useful_ops"] = w.useful_ops;
    root["control_code_bytes"] = w.control_code.size();
    boost::json::array buffers;
    for (std::size_t i = 0; i < w.buffers.size(); ++i) {
        const HostBuffer& b = w.buffers[i];
        boost::json::object o;
        o["argument"] = i;
        o["name"] = b.name;
        o["role"] = buffer_role_name(b.role);
        o["type"] = data_type_name(b.type);
        o["rows"] = b.rows;
        o["cols"] = b.cols;
        o["ld"] = b.ld;
        o["alloc_rows"] = b.alloc_rows;
        o["bytes"] = b.bytes();
        o["layout"] = "row-major, element (r,c) at (r*ld + c) * element size; padding zero";
        buffers.push_back(std::move(o));
    }
    root["buffers"] = std::move(buffers);
    return boost::json::serialize(root);
}

void write_workload_files(const Workload& w, const std::string& prefix) {
    std::ofstream bin(prefix + ".bin", std::ios::binary);
    bin.write(reinterpret_cast<const char*>(w.control_code.data()),
              static_cast<std::streamsize>(w.control_code.size()));
    std::ofstream json(prefix + ".json");
    json << describe_workload_json(w) << "\n";
    if (!bin || !json) {
        throw std::runtime_error("cannot write " + prefix + ".bin / .json");
    }
}

} // namespace aie4sim::tiles::host
