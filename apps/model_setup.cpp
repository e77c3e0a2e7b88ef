#include "apps/model_setup.h"

#include "common/config_node.h"
#include "common/log.h"

#include <iostream>
#include <sstream>
#include <systemc>

namespace aie4sim::apps {

bool parse_options(const Arguments& args,
                   const boost::program_options::options_description& options,
                   boost::program_options::variables_map& vm) {
    namespace po = boost::program_options;
    po::store(po::command_line_parser(args).options(options).run(), vm);
    if (vm.count("help") != 0U) {
        std::cout << options;
        return false;
    }
    po::notify(vm);
    return true;
}

void configure_model_log(const std::string& spec) {
    common::log_configure(spec);
    common::log_set_time_source([] {
        std::ostringstream os;
        os << sc_core::sc_time_stamp();
        return os.str();
    });
}

std::optional<models::DeviceConfig> load_config_or_report(const std::string& command,
                                                          const std::string& path) {
    try {
        return models::load_device_config(path);
    } catch (const common::ConfigError& e) {
        std::cerr << "aie4sim " << command << ": " << e.what() << "\n";
        return std::nullopt;
    }
}

} // namespace aie4sim::apps
