// aie4sim: the emulator's command line.
#include "apps/commands.h"

#include <cstdlib>
#include <iostream>
#include <stdlib.h>
#include <systemc>

namespace {

void usage(std::ostream& out) {
    out << "usage: aie4sim <command> [options]   (aie4sim <command> --help for its options)\n"
           "commands:\n"
           "  demo    the full system: a guest with the real driver runs a GEMM on every VF\n"
           "  guest   boot a Linux guest in QEMU against the model and run commands in it\n"
           "  model   run the device model, serving QEMUs over a socket\n"
           "  run     run the device without QEMU: a host model drives every VF (standalone)\n"
           "  sweep   run a sweep manifest's points (local cores or a Slurm job array), report\n"
           "  vms     SR-IOV as deployed: a host VM owns the PF, each guest VM gets one VF\n";
}

} // namespace

// Our own main: SystemC prints its banner when the kernel starts unless told not to, and a
// command line tool's output is not the place for it.
int main(int argc, char* argv[]) {
    setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
    return sc_core::sc_elab_and_sim(argc, argv);
}

int sc_main(int argc, char* argv[]) {
    if (argc < 2) {
        usage(std::cerr);
        return 2;
    }
    const std::string command = argv[1];
    const aie4sim::apps::Arguments args(argv + 2, argv + argc);
    try {
        if (command == "model") {
            return aie4sim::apps::model_command(args);
        }
        if (command == "guest") {
            return aie4sim::apps::guest_command(args);
        }
        if (command == "demo") {
            return aie4sim::apps::demo_command(args);
        }
        if (command == "run") {
            return aie4sim::apps::run_command(args);
        }
        if (command == "vms") {
            return aie4sim::apps::vms_command(args);
        }
        if (command == "sweep") {
            return aie4sim::apps::sweep_command(args);
        }
        if (command == "--help" || command == "-h" || command == "help") {
            usage(std::cout);
            return 0;
        }
    } catch (const std::exception& e) {
        std::cerr << "aie4sim " << command << ": " << e.what() << "\n";
        return 2;
    }
    std::cerr << "aie4sim: unknown command \"" << command << "\"\n";
    usage(std::cerr);
    return 2;
}
