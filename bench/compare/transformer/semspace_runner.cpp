// The semspace contender of bench/compare/transformer_vs_torch_onnx.py: loads a BERT model folder, then for each
// shape reads a batch of token ids, runs the encoder once (writing the pooled output for the agreement check) and
// then `repeats` timed times. The torch and ONNX Runtime runners speak the same protocol, so the driver treats all
// three alike.
//
// usage: transformer_runner MODEL_DIR IDS_DIR OUT_DIR THREADS REPEATS BxL[,BxL...]
//   IDS_DIR/ids_B_L.bin   int64 little-endian, B x L token ids (no padding; type ids all 0)
//   OUT_DIR/semspace_B_L.bin   float32 little-endian, B x H pooled (and normalised, as the folder says) output
//   stdout: one JSON line per shape: {"batch": B, "tokens": L, "ms": [wall time of each repeat],
//           "cpu_ms": [process CPU time of each repeat]} (CPU time, which a busy machine disturbs less than wall
//           time, serves before/after measurements of the runtime at one thread; the driver reads only "ms")
#include <chrono>
#include <ctime>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "core/kernels/gemm.hpp"
#include "io/hf_bert.hpp"

namespace {

double cpu_ms() {
  timespec now{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) * 1e3 + static_cast<double>(now.tv_nsec) * 1e-6;
}

int fail(const std::string& message) {
  std::cerr << "transformer_runner: " << message << "\n";
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  semspace::kernels::restart_with_better_blas_kernels(argv);
  if (argc != 7) return fail("usage: transformer_runner MODEL_DIR IDS_DIR OUT_DIR THREADS REPEATS BxL[,BxL...]");
  const std::string ids_dir = argv[2], out_dir = argv[3];
  const int threads = std::stoi(argv[4]), repeats = std::stoi(argv[5]);
  auto model = semspace::io::load_bert_folder(argv[1]);
  if (!model) return fail(model.error().message);

  std::stringstream shapes(argv[6]);
  for (std::string shape; std::getline(shapes, shape, ',');) {
    const auto x = shape.find('x');
    if (x == std::string::npos) return fail("shape " + shape + " is not BxL");
    const std::size_t batch = std::stoul(shape.substr(0, x)), length = std::stoul(shape.substr(x + 1));
    const std::string suffix = std::to_string(batch) + "_" + std::to_string(length) + ".bin";
    std::vector<std::int64_t> raw(batch * length);
    std::ifstream in(ids_dir + "/ids_" + suffix, std::ios::binary);
    if (!in.read(reinterpret_cast<char*>(raw.data()), static_cast<std::streamsize>(raw.size() * sizeof(std::int64_t)))) {
      return fail("cannot read " + std::to_string(raw.size()) + " ids from " + ids_dir + "/ids_" + suffix);
    }
    const std::vector<std::uint32_t> ids(raw.begin(), raw.end());
    std::vector<semspace::TokenSequence> sequences(batch);
    for (std::size_t s = 0; s < batch; ++s) sequences[s].ids = std::span(ids).subspan(s * length, length);
    const semspace::BertRunOptions options{.threads = threads};

    auto first = model->encode(sequences, options);  // warm-up, and the output the driver checks
    if (!first) return fail(first.error().message);
    std::ofstream out(out_dir + "/semspace_" + suffix, std::ios::binary);
    out.write(reinterpret_cast<const char*>(first->pooled.data()),
              static_cast<std::streamsize>(first->pooled.rows() * first->pooled.cols() * sizeof(float)));
    std::vector<double> wall, cpu;
    for (int r = 0; r < repeats; ++r) {
      const double cpu_start = cpu_ms();
      const auto start = std::chrono::steady_clock::now();
      auto result = model->encode(sequences, options);
      const std::chrono::duration<double, std::milli> took = std::chrono::steady_clock::now() - start;
      cpu.push_back(cpu_ms() - cpu_start);
      wall.push_back(took.count());
      if (!result) return fail(result.error().message);
    }
    auto json_list = [](const std::vector<double>& values) {
      std::string text = "[";
      for (std::size_t i = 0; i < values.size(); ++i) text += (i > 0 ? ", " : "") + std::to_string(values[i]);
      return text + "]";
    };
    std::cout << "{\"batch\": " << batch << ", \"tokens\": " << length << ", \"ms\": " << json_list(wall)
              << ", \"cpu_ms\": " << json_list(cpu) << "}" << std::endl;
  }
  return 0;
}
