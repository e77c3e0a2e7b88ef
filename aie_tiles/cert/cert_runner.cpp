#include "aie_tiles/cert/cert_runner.h"

#include "aie_tiles/cert/run_state.h"
#include "aie_tiles/cert/uc.h"
#include "common/log.h"

#include <memory>

namespace aie4sim::tiles::cert {

const char* status_name(Status status) {
    switch (status) {
    case Status::ok:
        return "ok";
    case Status::format_error:
        return "format error";
    case Status::address_error:
        return "address error";
    case Status::argument_error:
        return "argument error";
    case Status::timeout:
        return "timeout";
    case Status::device_error:
        return "device error";
    case Status::refused:
        return "refused";
    case Status::deadlock:
        return "deadlock";
    case Status::aborted:
        return "aborted";
    }
    return "?";
}

RunResult CertRunner::run(const std::vector<UcTask>& ucs, unsigned first_column,
                          unsigned column_count, const HostRead& read, const RunOptions& options) {
    const sc_core::sc_time start = simulation_now();
    RunResult result;
    auto refuse = [&](Status status, std::string why) {
        result.status = status;
        result.error = std::move(why);
        return result;
    };
    const unsigned columns = array_.geometry().columns;
    if (column_count == 0 || first_column >= columns || column_count > columns - first_column) {
        return refuse(Status::address_error, "partition columns " + std::to_string(first_column) +
                                                 "+" + std::to_string(column_count) +
                                                 " outside the array's " + std::to_string(columns) +
                                                 " columns");
    }
    if (ucs.empty()) {
        return refuse(Status::format_error, "a command with no uC");
    }
    for (std::size_t i = 0; i < ucs.size(); ++i) {
        if (ucs[i].column >= column_count) {
            return refuse(Status::address_error,
                          "uC " + std::to_string(ucs[i].column) + " is not a column of the " +
                              std::to_string(column_count) + "-column partition");
        }
        for (std::size_t j = 0; j < i; ++j) {
            if (ucs[j].column == ucs[i].column) {
                return refuse(Status::format_error,
                              "uC " + std::to_string(ucs[i].column) + " is given two programs");
            }
        }
    }
    RunState state(array_, first_column, column_count, options);
    std::vector<std::unique_ptr<Uc>> list;
    for (const UcTask& task : ucs) {
        list.push_back(std::make_unique<Uc>(state, task, read));
        state.add_uc(list.back().get());
    }
    std::size_t running = list.size();
    sc_core::sc_event all_done;
    for (auto& uc : list) {
        Uc* u = uc.get();
        sc_core::sc_spawn([u, &running, &all_done] {
            u->main();
            if (--running == 0) {
                all_done.notify(sc_core::SC_ZERO_TIME);
            }
        });
    }
    while (running > 0) {
        sc_core::wait(all_done);
    }
    result.status = state.status();
    result.error = state.error();
    if (result.status == Status::ok && options.stop != nullptr && options.stop->requested) {
        result.status = Status::aborted;
        result.error = "stopped before the end";
    }
    if (result.status == Status::ok) {
        state.check_device("end of the command");
        result.status = state.status();
        result.error = state.error();
    }
    for (const auto& uc : list) {
        result.instructions += uc->instructions();
        result.pages += uc->pages();
    }
    result.events = std::move(state.events);
    result.cycles = array_.context().to_cycles(simulation_now() - start);
    AIE4SIM_LOG(debug, "cert",
                "command on columns " << first_column << "+" << column_count << " (" << ucs.size()
                                      << " uC): " << status_name(result.status) << " after "
                                      << result.cycles << " cycles, " << result.instructions
                                      << " instructions, " << result.pages << " page(s)");
    return result;
}

} // namespace aie4sim::tiles::cert
