#include "aie_tiles/workload/aiebu_tool.h"

#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <mutex>
#include <sys/wait.h>
#include <unistd.h>

namespace aie4sim::tiles::workload {

namespace {

namespace fs = std::filesystem;

// A private folder for one run of the tool, removed afterwards.
class Scratch {
public:
    Scratch() {
        std::string pattern = (fs::temp_directory_path() / "aie4sim-aiebu-XXXXXX").string();
        if (mkdtemp(pattern.data()) == nullptr) {
            throw BuildError("cannot create a folder for aiebu-asm under " +
                             fs::temp_directory_path().string());
        }
        path_ = pattern;
    }
    ~Scratch() {
        std::error_code ignored;
        fs::remove_all(path_, ignored);
    }
    Scratch(const Scratch&) = delete;
    Scratch& operator=(const Scratch&) = delete;

    [[nodiscard]] const fs::path& path() const { return path_; }
    void write(const std::string& name, const std::string& text) const {
        std::ofstream out(path_ / name);
        out << text;
        if (!out) {
            throw BuildError("cannot write " + (path_ / name).string());
        }
    }
    [[nodiscard]] std::string read(const std::string& name) const {
        std::ifstream in(path_ / name, std::ios::binary);
        return std::string(std::istreambuf_iterator<char>(in), {});
    }

private:
    fs::path path_;
};

// Runs the tool in `dir` with its output captured in dir/aiebu.log; the exit status.
int run(const std::string& tool, const std::vector<std::string>& args, const fs::path& dir) {
    std::vector<std::string> storage{tool};
    storage.insert(storage.end(), args.begin(), args.end());
    std::vector<char*> argv;
    argv.reserve(storage.size() + 1);
    for (std::string& a : storage) {
        argv.push_back(a.data());
    }
    argv.push_back(nullptr);
    const std::string log = (dir / "aiebu.log").string();
    const pid_t pid = fork();
    if (pid < 0) {
        throw BuildError("cannot start " + tool);
    }
    if (pid == 0) {
        const int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd < 0 || chdir(dir.c_str()) != 0) {
            _exit(126);
        }
        dup2(fd, 1);
        dup2(fd, 2);
        execv(argv[0], argv.data());
        _exit(127);
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0) {
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// The ELFs this process made, by tool, arguments and inputs: the assembler is deterministic,
// and several VFs (or runs) often assemble the same workload.
std::vector<std::uint8_t> cached(const std::string& key,
                                 const std::function<std::vector<std::uint8_t>()>& make) {
    static std::mutex mutex;
    static std::map<std::string, std::vector<std::uint8_t>> elves;
    {
        const std::lock_guard<std::mutex> lock(mutex);
        const auto it = elves.find(key);
        if (it != elves.end()) {
            return it->second;
        }
    }
    std::vector<std::uint8_t> elf = make();
    const std::lock_guard<std::mutex> lock(mutex);
    elves.emplace(key, elf);
    return elf;
}

std::vector<std::uint8_t> assemble(const std::vector<std::string>& args, const Scratch& s) {
    const std::string tool = aiebu_asm_path();
    if (tool.empty()) {
        throw BuildError("no aiebu-asm: this build fetched none (AIE4SIM_XRT=OFF) and "
                         "AIE4SIM_AIEBU_ASM is not set");
    }
    if (access(tool.c_str(), X_OK) != 0) {
        throw BuildError("cannot run aiebu-asm at " + tool + " (AIE4SIM_AIEBU_ASM)");
    }
    const int status = run(tool, args, s.path());
    const std::string elf = s.read("program.elf");
    if (status != 0 || elf.empty()) {
        std::string log = s.read("aiebu.log");
        while (!log.empty() && (log.back() == '\n' || log.back() == ' ')) {
            log.pop_back();
        }
        throw BuildError("aiebu-asm failed (exit " + std::to_string(status) + "): " + log);
    }
    return std::vector<std::uint8_t>(elf.begin(), elf.end());
}

} // namespace

std::string aiebu_asm_path() {
    if (const char* env = std::getenv("AIE4SIM_AIEBU_ASM"); env != nullptr && *env != '\0') {
        return env;
    }
    return AIE4SIM_DEFAULT_AIEBU_ASM;
}

std::vector<std::uint8_t> assemble_config(const std::string& assembly,
                                          const std::string& config_json) {
    return cached(aiebu_asm_path() + "\n-t aie4_config\n" + config_json + "\n" + assembly, [&] {
        const Scratch s;
        s.write("program.asm", assembly);
        s.write("config.json", config_json);
        return assemble({"-t", "aie4_config", "-j", "config.json", "-o", "program.elf"}, s);
    });
}

std::vector<std::uint8_t> assemble_workload(const Workload& workload, const std::string& kernel) {
    return assemble_config(workload.assembly, kernel_config_json(workload, "program.asm", kernel));
}

std::vector<std::uint8_t> assemble_partial(const std::string& assembly) {
    return cached(aiebu_asm_path() + "\n-t aie4\n" + assembly, [&] {
        const Scratch s;
        s.write("program.asm", assembly);
        return assemble({"-t", "aie4", "-c", "program.asm", "-o", "program.elf"}, s);
    });
}

} // namespace aie4sim::tiles::workload
