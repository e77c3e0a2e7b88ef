// `aie4sim guest`: placeholder until the launcher lands (see issue 3).
#include "apps/commands.h"

#include <stdexcept>

namespace aie4sim::apps {

int guest_command(const Arguments& /*args*/) {
    throw std::runtime_error("the guest launcher is not built yet");
}

} // namespace aie4sim::apps
