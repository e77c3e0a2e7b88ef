#pragma once
// Ending a child process that this one started (the model, QEMU), politely first.

#ifndef BOOST_PROCESS_USE_STD_FS
#define BOOST_PROCESS_USE_STD_FS
#endif
#include <boost/process/child.hpp>

namespace aie4sim::apps {

// SIGTERM, so that the child can say goodbye to its peer and flush its log; SIGKILL if it is
// still running 3 s later. Does nothing to a child that has already ended.
void stop_child(boost::process::child& child);

} // namespace aie4sim::apps
