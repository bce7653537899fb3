// Output files: reports, traces, checkpoints, pages. A regular file is
// written whole: to a temporary name beside it, then renamed into place, so
// that a reader (or a second run, or an interruption) never sees half a
// file. What is not a regular file is respected: "-" is standard output; a
// character device (/dev/null, /dev/full, a terminal) or a FIFO is written
// through, never replaced; a symbolic link is followed, so the file it
// points to is replaced and the link stays. Directories are not created on
// the way (a missing one is the user's typo), except the one directory a
// trace directory option names (make_output_directory). Every output of the
// checker goes through here.
#pragma once

#include <string>
#include <vector>

namespace checker {

// The path that means standard output.
inline constexpr const char* kStandardOutput = "-";

// How an output path may be used, for check_output_path.
enum class OutputKind {
  file,            // a file, or "-"
  file_not_stdout, // a file only (a checkpoint is read back by --resume)
  directory,       // a directory that exists, or one whose parent does
};

// Checks, before any work is done, that `path` can be written as the output
// `option` names ("--json"); throws InputError (exit 2) with one line naming
// the option and the path, and what is wrong: an empty path, "-" where it
// cannot be, a directory that does not exist, a directory given for a file,
// a file that cannot be created or written (tried with a temporary file of
// the same name that is removed at once).
void check_output_path(const std::string& option, const std::string& path, OutputKind kind = OutputKind::file);

// Whether an output option that takes a file or a directory (--trace-out)
// names one file: "-", a path that ends in `extension` and is no directory,
// or a path to something that exists and is no directory (a device, a FIFO).
bool names_one_file(const std::string& path, const std::string& extension);

// The outputs of one command, checked together before it starts: each one
// given (a path that is not "") as check_output_path does, and at most one of
// them "-". Returns true when one is "-": the command then prints what a
// person reads on standard error, so that standard output holds only that file.
struct NamedOutput {
  std::string option;
  std::string path;
  OutputKind kind = OutputKind::file;
};
bool check_output_paths(const std::vector<NamedOutput>& outputs);

// Writes `text` to `path` as the header says. Throws std::runtime_error
// when it cannot (a missing directory, a full disk), and leaves no
// temporary file behind.
void write_output_file(const std::string& path, const std::string& text);

// Creates `dir` when it does not exist and its parent does (one level, as
// mkdir does); throws std::runtime_error otherwise.
void make_output_directory(const std::string& dir);

// Removes the temporary files of the writes under way. Async-signal-safe
// (unlink only): for a signal handler that ends the process at once, so
// that it leaves no half-written file behind.
void remove_partial_outputs() noexcept;

}  // namespace checker
