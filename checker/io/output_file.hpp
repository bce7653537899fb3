// Output files are written whole: to a temporary name beside the target, then
// renamed into place, so that a reader (or a second run, or an interruption)
// never sees half a file. Every report, trace, checkpoint and page the
// checker writes goes through here.
#pragma once

#include <string>

namespace checker {

// Writes `text` to `path` atomically (temporary name, then rename). Creates
// missing parent directories. Throws std::runtime_error when it cannot, and
// leaves no temporary file behind.
void write_file_atomically(const std::string& path, const std::string& text);

}  // namespace checker
