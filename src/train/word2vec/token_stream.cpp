#include "train/word2vec/token_stream.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "core/progress.hpp"
#include "io/corpus_reader.hpp"

namespace semspace::train {
namespace {

// An anonymous temporary file: created with mkstemp and unlinked at once, so it vanishes with the process
// even after a crash or kill -9.
class TempFile {
 public:
  static Expected<TempFile> create(const std::filesystem::path& dir) {
    std::string pattern = (dir / "semspace-tokens-XXXXXX").string();
    int fd = ::mkstemp(pattern.data());
    if (fd < 0) {
      return make_error(ErrorCode::kIo,
                        fmt::format("{}: cannot create a temporary file: {}", dir.string(), std::strerror(errno)));
    }
    ::unlink(pattern.c_str());
    return TempFile(fd, dir);
  }
  TempFile(TempFile&& other) noexcept : fd_(std::exchange(other.fd_, -1)), dir_(std::move(other.dir_)) {}
  ~TempFile() {
    if (fd_ >= 0) ::close(fd_);
  }
  int fd() const { return fd_; }

  Status write(std::span<const std::uint32_t> ids) {
    const char* p = reinterpret_cast<const char*>(ids.data());
    std::size_t left = ids.size_bytes();
    while (left > 0) {
      ssize_t n = ::write(fd_, p, left);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        return make_error(ErrorCode::kIo, fmt::format("{}: cannot write temporary token file: {}", dir_.string(),
                                                      std::strerror(errno)));
      }
      p += n;
      left -= static_cast<std::size_t>(n);
    }
    return {};
  }

 private:
  TempFile(int fd, std::filesystem::path dir) : fd_(fd), dir_(std::move(dir)) {}
  int fd_;
  std::filesystem::path dir_;
};

struct Unmapper {
  std::size_t bytes;
  void operator()(void* p) const noexcept { ::munmap(p, bytes); }
};

}  // namespace

TokenStream::TokenStream(TokenStream&&) noexcept = default;
TokenStream& TokenStream::operator=(TokenStream&&) noexcept = default;
TokenStream::~TokenStream() = default;

Expected<TokenStream> TokenStream::build(const std::filesystem::path& input, const TokenizerOptions& tokenizer_options,
                                         const VocabularyOptions& vocabulary_options,
                                         const std::filesystem::path& temp_dir, core::Progress* progress) {
  auto reader = LineReader::open(input);
  if (!reader) return tl::unexpected(reader.error());
  auto temp = TempFile::create(temp_dir);
  if (!temp) return tl::unexpected(temp.error());

  // Pass 1: tokenize once; write provisional ids (first-seen order) and count.
  WordTokenizer tokenizer(tokenizer_options);
  VocabularyCounter counter;
  CorpusStats stats;
  std::vector<std::string_view> tokens;
  std::string scratch;
  std::vector<std::uint32_t> buffer;
  constexpr std::size_t kBufferIds = 1 << 20;
  buffer.reserve(kBufferIds + 4096);
  std::string_view line;
  while (reader->next(line)) {
    std::size_t replaced = 0;
    tokenizer.tokenize(line, tokens, scratch, &replaced);
    stats.invalid_utf8 += replaced;
    ++stats.lines;
    if (tokens.empty()) continue;
    for (std::string_view token : tokens) buffer.push_back(counter.add(token));
    buffer.push_back(kEndOfLine);
    stats.tokens += tokens.size();
    if (buffer.size() >= kBufferIds) {
      if (auto written = temp->write(buffer); !written) return tl::unexpected(written.error());
      buffer.clear();
      if (progress != nullptr) {
        progress->update(reader->fraction_read(),
                         fmt::format("words {}  vocabulary {}", core::human_count(static_cast<double>(stats.tokens)),
                                     core::human_count(static_cast<double>(counter.distinct_count()))));
      }
    }
  }
  if (auto status = reader->status(); !status) return tl::unexpected(status.error());
  if (auto written = temp->write(buffer); !written) return tl::unexpected(written.error());
  stats.bytes = reader->bytes_read();
  stats.distinct_words = counter.distinct_count();
  if (stats.tokens == 0) {
    return make_error(ErrorCode::kCorrupt, fmt::format("{}: no words found (empty or not text)", input.string()));
  }

  TokenStream stream;
  stream.vocabulary_ = Vocabulary(counter, vocabulary_options);
  if (stream.vocabulary_.size() == 0) {
    return make_error(ErrorCode::kInvalidArgument,
                      fmt::format("{}: no word occurs at least {} times ({} distinct words); lower --min-count",
                                  input.string(), vocabulary_options.min_count, stats.distinct_words));
  }

  // Provisional id -> final id, or kEndOfLine for words below min-count (dropped, as word2vec and fastText do).
  std::vector<std::uint32_t> remap(counter.distinct_count(), kEndOfLine);
  for (std::uint32_t provisional = 0; provisional < counter.distinct_count(); ++provisional) {
    if (auto id = stream.vocabulary_.find(counter.words()[provisional])) remap[provisional] = *id;
  }

  // Pass 2 over the mapped file: remap in place and compact away dropped words and empty lines.
  off_t file_bytes = ::lseek(temp->fd(), 0, SEEK_END);
  std::size_t count = static_cast<std::size_t>(file_bytes) / sizeof(std::uint32_t);
  void* mapped = ::mmap(nullptr, static_cast<std::size_t>(file_bytes), PROT_READ | PROT_WRITE, MAP_SHARED,
                        temp->fd(), 0);
  if (mapped == MAP_FAILED) {
    return make_error(ErrorCode::kIo, fmt::format("cannot map the temporary token file: {}", std::strerror(errno)));
  }
  auto* ids = static_cast<std::uint32_t*>(mapped);
  std::size_t out = 0;
  std::size_t line_start = 0;
  for (std::size_t i = 0; i < count; ++i) {
    std::uint32_t id = ids[i];
    if (id == kEndOfLine) {
      if (out > line_start) ids[out++] = kEndOfLine;
      line_start = out;
      continue;
    }
    std::uint32_t final_id = remap[id];
    if (final_id != kEndOfLine) {
      ids[out++] = final_id;
      ++stats.kept_tokens;
    }
  }
  ::madvise(mapped, static_cast<std::size_t>(file_bytes), MADV_WILLNEED);
  stream.stats_ = stats;
  stream.mapping_ = std::shared_ptr<void>(mapped, Unmapper{static_cast<std::size_t>(file_bytes)});
  stream.ids_ = ids;
  stream.size_ = out;
  return stream;
}

std::vector<std::size_t> TokenStream::split(int parts) const {
  std::vector<std::size_t> bounds{0};
  for (int part = 1; part < parts; ++part) {
    std::size_t at = size_ * static_cast<std::size_t>(part) / static_cast<std::size_t>(parts);
    at = std::max(at, bounds.back());
    while (at < size_ && at > 0 && ids_[at - 1] != kEndOfLine) ++at;  // move to the next line start
    bounds.push_back(at);
  }
  bounds.push_back(size_);
  return bounds;
}

}  // namespace semspace::train
