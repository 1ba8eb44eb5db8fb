// semspace finetune: runs semspace-finetune, the executable beside this one that links libtorch (see
// src/CMakeLists.txt for why it is separate). Every argument is passed through; so is --help.
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/cli_common.hpp"

namespace semspace::cli {

void register_finetune(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("finetune", "Fine-tune a transformer sentence encoder on your pairs, triplets, labels "
                                             "or scores (semspace finetune --help for its options)");
  cmd->prefix_command();
  cmd->set_help_flag();  // --help goes to semspace-finetune, which knows the options
  cmd->callback([cmd, &exit_code] {
    std::error_code ec;
    const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
    const std::filesystem::path program = self.parent_path() / "semspace-finetune";
    std::vector<std::string> args = cmd->remaining();
    std::vector<char*> argv;
    std::string name = program.string();
    argv.push_back(name.data());
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(program.c_str(), argv.data());
    exit_code = report(Error{ErrorCode::kNotFound, fmt::format("cannot run {}: {} (it is built beside semspace by "
                                                               "`make`)",
                                                               program.string(), std::strerror(errno))});
  });
}

}  // namespace semspace::cli
