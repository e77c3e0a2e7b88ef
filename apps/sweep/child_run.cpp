#include "apps/sweep/child_run.h"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <thread>

extern char** environ;

namespace aie4sim::apps::sweep {

ChildRun::ChildRun(const std::vector<std::string>& argv, const std::string& log, double timeout_s)
    : start_(Clock::now()), deadline_(start_ + std::chrono::duration_cast<Clock::duration>(
                                                   std::chrono::duration<double>(timeout_s))),
      timeout_s_(timeout_s) {
    std::vector<char*> args;
    args.reserve(argv.size() + 1);
    for (const auto& a : argv) {
        args.push_back(const_cast<char*>(a.c_str()));
    }
    args.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    const int rc = posix_spawn(&pid_, args[0], &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) {
        done_ = true;
        outcome_.error = "cannot start " + argv[0] + ": " + std::strerror(rc);
    }
}

ChildRun::~ChildRun() {
    if (!done_ && pid_ > 0) {
        ::kill(pid_, SIGKILL);
        int status = 0;
        ::waitpid(pid_, &status, 0);
    }
}

bool ChildRun::poll() {
    if (done_) {
        return true;
    }
    int status = 0;
    rusage usage{};
    const pid_t r = ::wait4(pid_, &status, WNOHANG, &usage);
    if (r == 0) {
        if (Clock::now() > deadline_ && !outcome_.timed_out) {
            outcome_.timed_out = true;
            ::kill(pid_, SIGKILL);
        }
        return false;
    }
    done_ = true;
    outcome_.wall_seconds = std::chrono::duration<double>(Clock::now() - start_).count();
    if (r < 0) {
        outcome_.error =
            std::string("waiting for the point's process failed: ") + std::strerror(errno);
        return true;
    }
    outcome_.peak_rss_kib = usage.ru_maxrss;
    if (WIFEXITED(status)) {
        outcome_.exit_code = WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
        outcome_.signal = WTERMSIG(status);
        outcome_.error = outcome_.timed_out
                             ? "timed out after " + std::to_string(timeout_s_) + " s (killed)"
                             : std::string("killed by signal ") + std::to_string(outcome_.signal) +
                                   " (" + strsignal(outcome_.signal) + ")";
    }
    return true;
}

const ChildOutcome& ChildRun::wait() {
    while (!poll()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return outcome_;
}

} // namespace aie4sim::apps::sweep
