#include "workload_layout.h"

#include <boost/json.hpp>
#include <boost/json/src.hpp> // Boost.JSON compiled into the program: the guest has no libboost_json
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace xrt_programs {

namespace json = boost::json;

namespace {

[[noreturn]] void bad(const std::string& file, const std::string& what) {
    throw std::runtime_error(file + ": " + what);
}

const json::value& field(const json::object& o, const char* name, const std::string& file,
                         const std::string& where) {
    const json::value* v = o.if_contains(name);
    if (v == nullptr) {
        bad(file, where + "\"" + name + "\" is missing");
    }
    return *v;
}

std::string text(const json::object& o, const char* name, const std::string& file,
                 const std::string& where = "") {
    const json::value& v = field(o, name, file, where);
    if (!v.is_string()) {
        bad(file, where + "\"" + name + "\" is not a string");
    }
    return std::string(v.get_string());
}

std::uint64_t number(const json::object& o, const char* name, const std::string& file,
                     const std::string& where = "") {
    const json::value& v = field(o, name, file, where);
    if (!v.is_number()) {
        bad(file, where + "\"" + name + "\" is not a number");
    }
    std::error_code ec;
    const auto n = v.to_number<std::uint64_t>(ec);
    if (ec) {
        bad(file, where + "\"" + name + "\" is not a non-negative integer");
    }
    return n;
}

} // namespace

const Argument& WorkloadLayout::argument(const std::string& name) const {
    for (const Argument& a : arguments) {
        if (a.name == name) {
            return a;
        }
    }
    bad(file, "no kernel argument \"" + name + "\"");
}

WorkloadLayout read_workload_layout(const std::string& path) {
    std::ifstream in(path);
    if (!in) {
        throw std::runtime_error("cannot read " + path);
    }
    std::stringstream content;
    content << in.rdbuf();
    std::error_code ec;
    const json::value doc = json::parse(content.str(), ec);
    if (ec || !doc.is_object()) {
        bad(path, "not a JSON object (" + ec.message() + ")");
    }
    const json::object& root = doc.get_object();
    if (text(root, "format", path) != "aie4sim-workload-layout/1") {
        bad(path, "unknown format \"" + text(root, "format", path) + "\"");
    }
    WorkloadLayout w;
    w.file = path;
    w.op = text(root, "op", path);
    w.kernel = text(root, "kernel", path);
    w.useful_ops = number(root, "useful_ops", path);
    w.columns_used = static_cast<unsigned>(number(root, "columns_used", path));
    const json::value& files = field(root, "files", path, "");
    if (!files.is_object()) {
        bad(path, "\"files\" is not an object");
    }
    const std::filesystem::path elf = text(files.get_object(), "elf", path, "files: ");
    w.elf = (std::filesystem::absolute(path).parent_path() / elf).lexically_normal().string();
    const json::value& spec_value = field(root, "spec", path, "");
    if (!spec_value.is_object()) {
        bad(path, "\"spec\" is not an object");
    }
    const json::object& spec = spec_value.get_object();
    w.kind = text(spec, "kind", path, "spec: ");
    if (w.kind == "gemm") {
        w.m = static_cast<std::uint32_t>(number(spec, "m", path, "spec: "));
        w.k = static_cast<std::uint32_t>(number(spec, "k", path, "spec: "));
        w.n = static_cast<std::uint32_t>(number(spec, "n", path, "spec: "));
        w.type = text(spec, "type", path, "spec: ");
    }
    const json::value& args = field(root, "arguments", path, "");
    if (!args.is_array()) {
        bad(path, "\"arguments\" is not an array");
    }
    for (const json::value& v : args.get_array()) {
        if (!v.is_object()) {
            bad(path, "an argument is not an object");
        }
        const json::object& o = v.get_object();
        const std::string where = "arguments[" + std::to_string(w.arguments.size()) + "]: ";
        Argument a;
        a.index = static_cast<unsigned>(number(o, "index", path, where));
        a.name = text(o, "name", path, where);
        a.role = text(o, "role", path, where);
        a.type = text(o, "type", path, where);
        a.element_bytes = static_cast<unsigned>(number(o, "element_bytes", path, where));
        a.rows = static_cast<std::uint32_t>(number(o, "rows", path, where));
        a.cols = static_cast<std::uint32_t>(number(o, "cols", path, where));
        a.ld = static_cast<std::uint32_t>(number(o, "ld", path, where));
        a.alloc_rows = static_cast<std::uint32_t>(number(o, "alloc_rows", path, where));
        a.bytes = number(o, "bytes", path, where);
        if (a.cols > a.ld || a.rows > a.alloc_rows ||
            a.bytes < std::uint64_t{a.alloc_rows} * a.ld * a.element_bytes) {
            bad(path, where + "shape does not fit in its bytes");
        }
        w.arguments.push_back(a);
    }
    return w;
}

} // namespace xrt_programs
