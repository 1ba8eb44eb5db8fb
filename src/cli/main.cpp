// `semspace <command>`: verb dispatch only; each command lives in its own file.
#include <cstdio>
#include <cstdlib>
#include <exception>

#include <CLI/CLI.hpp>

#include "cli/cli_common.hpp"
#include "core/kernels/gemm.hpp"

int main(int argc, char** argv) {
  using namespace semspace::cli;
  // OpenBLAS picks its kernels when it loads: undoing a fallback to slow generic ones needs a fresh start.
  semspace::kernels::restart_with_better_blas_kernels(argv);
  CLI::App app{"semspace: train, query, evaluate, search and analyse embeddings"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "semspace 0.1.0 (OpenBLAS kernels: " + semspace::kernels::blas_core_name() + ")");
  int exit_code = kExitOk;
  register_train(app, exit_code);
  register_queries(app, exit_code);
  register_eval(app, exit_code);
  register_embed(app, exit_code);
  register_convert(app, exit_code);
  register_tokenize(app, exit_code);
  register_collection(app, exit_code);
  register_index(app, exit_code);
  register_model(app, exit_code);
  register_project(app, exit_code);
  register_cluster(app, exit_code);
  register_finetune(app, exit_code);
  register_report(app, exit_code);
  register_bias(app, exit_code);
  register_classify(app, exit_code);
  register_anomaly(app, exit_code);
  register_serve(app, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "semspace: usage error: %s\nRun with --help for usage.\n", e.what());
    return kExitUsage;
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "semspace: error: out of memory\n");
    return kExitError;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "semspace: internal error: %s\n", e.what());
    return kExitError;
  }
  return exit_code;
}
