// `aie4sim guest`: boots a Linux guest against the model and runs commands in it.
#include "apps/commands.h"
#include "apps/guest_launcher.h"
#include "apps/model_setup.h"

#include <boost/program_options.hpp>
#include <fstream>
#include <iostream>
#include <sstream>

namespace aie4sim::apps {

namespace po = boost::program_options;

int guest_command(const Arguments& args) {
    GuestOptions o;
    std::string exec;
    std::string script_file;
    std::string time;
    std::string qemu;
    std::string kernel;
    std::string initramfs;
    std::string run_dir;
    std::string model_log;
    std::vector<std::string> files;
    po::options_description options(
        "aie4sim guest: boot a Linux guest in QEMU against the model, run commands as root,\n"
        "stream the console, and exit with the commands' status");
    options.add_options()("help", "show this help")("config", po::value(&o.config_file),
                                                    "device description (JSON) for the model")(
        "exec", po::value(&exec), "shell commands to run in the guest after boot")(
        "script", po::value(&script_file), "a shell script to run in the guest after boot")(
        "file", po::value(&files),
        "HOST[:NAME]: a host file the guest gets at /aie4sim/files/NAME (repeatable)")(
        "time", po::value(&time)->default_value("free"),
        "free | lockstep | deterministic (lockstep plus QEMU -icount: repeatable runs)")(
        "quantum-ns", po::value(&o.quantum_ns)->default_value(100000),
        "lockstep quantum: QEMU synchronises with the model every N ns of virtual time")(
        "timeout", po::value(&o.timeout_s)->default_value(900), "seconds before giving up")(
        "log", po::value(&o.model_log_spec)->default_value("info"), "the model's log levels")(
        "model-log", po::value(&model_log), "keep the model's log in this file")(
        "run-dir", po::value(&run_dir), "folder for the run's files (default: a new temp folder)")(
        "keep", po::bool_switch(&o.keep_run_dir), "keep the run folder")(
        "memory", po::value(&o.memory_mb)->default_value(2048), "guest memory (MiB)")(
        "cpus", po::value(&o.cpus)->default_value(0),
        "guest CPUs (0: enough for the interrupt vectors of every VF "
        "the configuration allows)")("iommu", po::bool_switch(&o.iommu),
                                     "put a virtual Intel IOMMU in front of the device")(
        "carveout", po::value(&o.carveout)->default_value(o.carveout),
        "guest memory reserved for the driver's carveouts, SIZE@ADDR (\"none\" for none)")(
        "append", po::value(&o.kernel_args), "extra kernel command line arguments")(
        "qemu-arg", po::value(&o.qemu_args), "an extra QEMU argument (repeatable)")(
        "model-arg", po::value(&o.model_args), "an extra `aie4sim model` argument (repeatable)")(
        "quiet", "do not echo the guest console")("qemu", po::value(&qemu), "QEMU binary")(
        "kernel", po::value(&kernel), "guest kernel")("initramfs", po::value(&initramfs),
                                                      "guest image");
    po::variables_map vm;
    if (!parse_options(args, options, vm)) {
        return 0;
    }
    if (!exec.empty() == !script_file.empty()) {
        throw std::invalid_argument("give exactly one of --exec 'COMMANDS' or --script FILE");
    }
    if (!exec.empty()) {
        o.script = "#!/bin/sh\n" + exec + "\n";
    } else {
        std::ifstream in(script_file);
        if (!in) {
            throw std::runtime_error("cannot read " + script_file);
        }
        std::ostringstream content;
        content << in.rdbuf();
        o.script = content.str();
    }
    if (time == "lockstep") {
        o.time = GuestTime::lockstep;
    } else if (time == "deterministic") {
        o.time = GuestTime::deterministic;
    } else if (time != "free") {
        throw std::invalid_argument("--time must be free, lockstep or deterministic");
    }
    if (!qemu.empty()) {
        o.artifacts.qemu = qemu;
    }
    if (!kernel.empty()) {
        o.artifacts.kernel = kernel;
    }
    if (!initramfs.empty()) {
        o.artifacts.initramfs = initramfs;
    }
    if (o.carveout == "none") {
        o.carveout.clear();
    }
    if (o.cpus == 0) {
        const auto loaded = load_config_or_report("guest", o.config_file);
        if (!loaded) {
            return 2;
        }
        o.cpus = vcpus_for_vfs(loaded->sriov.total_vfs);
    }
    for (const std::string& f : files) {
        o.files.push_back(parse_payload_file(f));
    }
    o.run_dir = run_dir;
    o.model_log = model_log;
    o.echo_console = vm.count("quiet") == 0U;
    return run_guest(o);
}

} // namespace aie4sim::apps
