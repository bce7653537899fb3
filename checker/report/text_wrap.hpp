// Text laid out for a terminal of a given width: broken at spaces, never
// inside a word. The one home of wrapping for `interleave show`'s text
// (checker/report/show, checker/report/swimlanes).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace checker {

// The lines of `text` (one paragraph: newlines count as spaces), each at most
// `width` characters, broken at spaces. A word longer than `width` has a line
// of its own and is cut only when nothing else could hold it: there it is
// broken at `width` (a byte string of a large page, say).
std::vector<std::string> wrap_words(std::string_view text, std::size_t width);

// A state line ("i_size=4 | page[0]#1 LU-- c3 "BBAA" bh: U-M-- | disk "AAAA"")
// wrapped so that its " | " parts stay whole where they fit in a line.
std::vector<std::string> wrap_state(std::string_view state, std::size_t width);

// `text` wrapped to `width` columns with `first` before its first line and
// `rest` before the others; each paragraph ('\n') wrapped apart. Every line
// ends in '\n'.
std::string wrap_paragraphs(std::string_view text, std::size_t width, const std::string& first,
                            const std::string& rest);

}  // namespace checker
