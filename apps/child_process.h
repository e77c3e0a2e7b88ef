#pragma once
// Ending a child process that this one started (the model, QEMU), politely first.

#ifndef BOOST_PROCESS_USE_STD_FS
#define BOOST_PROCESS_USE_STD_FS
#endif
#include <boost/process/child.hpp>
#include <csignal>
#include <sys/prctl.h>

namespace aie4sim::apps {

// Children die with the launcher, even if it is killed with SIGKILL: pass as
// boost::process::extend::on_exec_setup.
struct DieWithParent {
    template <class Executor> void operator()(Executor& /*unused*/) const {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
    }
};

// SIGTERM, so that the child can say goodbye to its peer and flush its log; SIGKILL if it is
// still running 3 s later. Does nothing to a child that has already ended.
void stop_child(boost::process::child& child);

} // namespace aie4sim::apps
