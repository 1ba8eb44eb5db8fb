// semspace serve: the HTTP server (src/serve) on one port: OpenAI/TEI embeddings, models, collections, the
// projector page. Runs until SIGTERM or SIGINT, then drains the requests in flight and exits 0.
#include <signal.h>
#include <unistd.h>

#include <cerrno>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/cli_common.hpp"
#include "serve/server.hpp"
#include "store/collection_store.hpp"

namespace semspace::cli {
namespace {

// The write end of the pipe the signal handler reports to: writing is async-signal-safe, stopping the server is
// not, so a watcher thread reads the pipe and stops the server. (Blocking the signals and sigwait-ing would not
// do: OpenBLAS starts its threads before main, with the signals unblocked.)
int stop_pipe_write = -1;

extern "C" void on_stop_signal(int signal_number) {
  const char byte = static_cast<char>(signal_number);
  [[maybe_unused]] auto written = write(stop_pipe_write, &byte, 1);
}

int serve(serve::ServeOptions options) {
  int stop_pipe[2];
  if (pipe(stop_pipe) != 0) return report(Error{ErrorCode::kIo, "cannot create a pipe for signals"});
  stop_pipe_write = stop_pipe[1];
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);

  auto server = serve::Server::create(options);
  if (!server) return report(server.error());
  if (auto ok = (*server)->bind(); !ok) return report(ok.error());
  const std::string db = options.db.empty() ? store::default_store_path().string() : options.db.string();
  std::string models;
  for (const auto& model : (*server)->state().models()) models += (models.empty() ? "" : ", ") + model->id;
  const std::string host = options.host.find(':') != std::string::npos ? "[" + options.host + "]" : options.host;
  std::fprintf(stderr, "semspace: models: %s; collections: %s%s\n", models.c_str(), db.c_str(),
               options.api_key.empty() ? "" : "; API key required");
  std::printf("semspace serving on http://%s:%d/\n", host.c_str(), (*server)->port());
  std::fflush(stdout);

  std::atomic<bool> finished{false};
  std::thread watcher([&] {
    char byte = 0;
    while (read(stop_pipe[0], &byte, 1) < 0 && errno == EINTR) {
    }
    if (finished) return;
    std::fprintf(stderr, "semspace: %s: finishing the requests in flight\n", byte == SIGINT ? "SIGINT" : "SIGTERM");
    // stop() is a no-op until listening has started: repeat until run() has returned.
    while (!finished) {
      (*server)->stop();
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  });
  (*server)->run();
  finished = true;
  on_stop_signal(0);  // wakes the watcher if no signal came
  watcher.join();
  std::fprintf(stderr, "semspace: server stopped\n");
  return kExitOk;
}

}  // namespace

void register_serve(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<serve::ServeOptions>();
  auto web = std::make_shared<std::string>("web/dist");
  auto db = std::make_shared<std::string>();
  options->threads = default_threads();
  auto* cmd = app.add_subcommand("serve", "Serve embeddings, models, collections and the projector page over HTTP");
  cmd->footer("Endpoints: docs/http-api.md. SIGTERM/SIGINT finish the requests in flight, then exit 0.");
  cmd->add_option("--host", options->host, "Address to listen on (other than loopback only with --api-key)")
      ->capture_default_str();
  cmd->add_option("--port", options->port, "Port (0: any free port, printed)")->capture_default_str()->check(CLI::Range(0, 65535));
  cmd->add_option("--model", options->models,
                  "Model to serve, repeatable; requests pick one by this spec ('default', a word-vector file, a "
                  "transformer folder, a pulled ORG/NAME)")
      ->capture_default_str();
  cmd->add_option("--db", *db, "Collections database (default $SEMSPACE_HOME/collections.db)");
  cmd->add_option("--api-key", options->api_key, "Require Authorization: Bearer KEY on the API (env SEMSPACE_API_KEY)")
      ->envname("SEMSPACE_API_KEY");
  cmd->add_option("--web", *web, "Folder of the projector page's built files")->capture_default_str();
  cmd->add_option("--threads", options->threads, "Threads per model call")->check(CLI::PositiveNumber);
  cmd->add_option("--http-threads", options->http_threads, "Connections served at once")
      ->capture_default_str()->check(CLI::Range(1, 4096));
  cmd->add_option("--max-batch", options->max_batch, "Texts per shared model call")->capture_default_str()
      ->check(CLI::Range(1, 100000));
  cmd->add_option("--max-wait-ms", options->max_wait_ms, "How long a request waits for others to share its batch")
      ->capture_default_str()->check(CLI::Range(0, 10000));
  cmd->add_option("--max-body-mb", options->max_body_mb, "Largest request body (413 beyond)")->capture_default_str()
      ->check(CLI::Range(1, 4096));
  cmd->add_option("--max-texts", options->max_texts, "Most texts or points in one request (413 beyond)")
      ->capture_default_str()->check(CLI::Range(1, 1000000));
  cmd->add_option("--max-queue", options->max_queued_texts, "Texts the embedding queue holds before answering 503")
      ->capture_default_str()->check(CLI::Range(1, 100000000));
  cmd->add_option("--timeout", options->read_timeout_s, "Seconds a client may stay silent mid-request")
      ->capture_default_str()->check(CLI::Range(1, 3600));
  cmd->callback([options, web, db, &exit_code] {
    serve::ServeOptions run = *options;
    run.models_root = models_root();
    run.db = *db;
    run.web_dir = *web;
    run.write_timeout_s = run.read_timeout_s;
    if (run.max_queued_texts < run.max_texts) run.max_queued_texts = run.max_texts;
    exit_code = serve(std::move(run));
  });
}

}  // namespace semspace::cli
