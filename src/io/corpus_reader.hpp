// Streaming a training corpus line by line, plain or gzip-compressed, in bounded memory.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "semspace/status.hpp"

namespace semspace {

struct LineReaderOptions {
  /// Longest piece next() returns; longer lines come in several pieces. Must be >= 4 (one UTF-8 character).
  std::size_t max_line_bytes = std::size_t{1} << 20;
  Status validate() const;
};

/// Reads a corpus file line by line, never holding more than about max_line_bytes + 512 KiB of it.
/// - Format by content, not name: a file starting with the gzip magic 1f 8b is decompressed (several
///   concatenated members are read as one stream; anything after the last member that is not another
///   member is an error), anything else is read as is. "-" reads standard input.
/// - Lines end at '\n'; a '\r' right before it is dropped too. The last line needs no '\n'; a file ending in
///   '\n' has no empty line after it. A lone '\r' is ordinary content.
/// - A line longer than max_line_bytes comes in pieces of at most that size. Each piece but the last of its
///   line ends just after the last ASCII whitespace (space, \t, \v, \f, \r) in its window, so words are
///   not split; without whitespace the cut falls on a UTF-8 character boundary. Concatenating the pieces
///   of a line gives the line back; continues() tells whether more pieces of the same line follow.
/// Movable, not copyable; not thread-safe (one reader per thread).
class LineReader {
 public:
  /// Opens `path` ("-" for stdin). Errors (kIo, kInvalidArgument) name the path.
  static Expected<LineReader> open(const std::filesystem::path& path, LineReaderOptions options = {});

  LineReader(LineReader&&) noexcept;
  LineReader& operator=(LineReader&&) noexcept;
  ~LineReader();

  /// Sets `line` to the next line or piece, without its terminator; the view stays valid until the next
  /// call. Returns false at the end of the input or on an error; then status() tells which.
  bool next(std::string_view& line);
  /// True when the piece last returned by next() is not the end of its line.
  bool continues() const noexcept;
  /// Ok, or the read/decompression error that ended the stream; the message names the file and the line
  /// number being read ("corpus.txt.gz:1041: gzip data is corrupt: invalid distance too far back").
  Status status() const;

  /// 1-based number of the line the last returned piece belongs to (0 before the first next()).
  std::uint64_t line_number() const noexcept;
  /// Bytes of (decompressed) text consumed so far, line terminators included.
  std::uint64_t bytes_read() const noexcept;
  /// Size of the file on disk (compressed size for gzip); 0 when unknown (stdin, pipes).
  std::uint64_t file_size() const noexcept;
  /// Position in the file on disk divided by file_size(), in [0, 1]; 0 when the size is unknown.
  /// Moves in steps of the read buffer (256 KiB), fine for a progress bar.
  double fraction_read() const noexcept;
  /// True when the input is gzip-compressed.
  bool compressed() const noexcept;
  /// The name used in messages: the path, or "<stdin>".
  const std::string& name() const noexcept;

 private:
  struct State;
  explicit LineReader(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace semspace
