#include "checker/report/text_wrap.hpp"

#include <algorithm>

namespace checker {

std::vector<std::string> wrap_words(std::string_view text, std::size_t width) {
  width = std::max<std::size_t>(width, 1);
  std::vector<std::string> lines;
  std::string line;
  std::size_t pos = 0;
  while (pos < text.size()) {
    // The spaces before a word are kept where it stays on the line ("VIOLATION  x").
    const std::size_t begin = text.find_first_not_of(" \n", pos);
    if (begin == std::string_view::npos) break;
    std::string gap(text.substr(pos, begin - pos));
    std::replace(gap.begin(), gap.end(), '\n', ' ');
    if (gap.empty()) gap = " ";
    std::size_t end = text.find_first_of(" \n", begin);
    if (end == std::string_view::npos) end = text.size();
    std::string_view word = text.substr(begin, end - begin);
    pos = end;
    if (!line.empty() && line.size() + gap.size() + word.size() <= width) {
      line += gap;
      line += word;
      continue;
    }
    if (!line.empty()) lines.push_back(std::move(line));
    line.clear();
    // Only a word that no line could hold is cut.
    while (word.size() > width) {
      lines.emplace_back(word.substr(0, width));
      word.remove_prefix(width);
    }
    line = std::string(word);
  }
  if (!line.empty()) lines.push_back(std::move(line));
  return lines;
}

std::vector<std::string> wrap_state(std::string_view state, std::size_t width) {
  std::vector<std::string> lines;
  std::string line;
  constexpr std::string_view kBar = " | ";
  for (std::size_t pos = 0; pos < state.size();) {
    std::size_t bar = state.find(kBar, pos);
    if (bar == std::string_view::npos) bar = state.size();
    const std::string_view part = state.substr(pos, bar - pos);
    pos = bar == state.size() ? bar : bar + kBar.size();
    if (!line.empty() && line.size() + kBar.size() + part.size() <= width) {
      line += kBar;
      line += part;
      continue;
    }
    if (!line.empty()) lines.push_back(line + " |");
    line.clear();
    if (part.size() <= width) {
      line = std::string(part);
      continue;
    }
    std::vector<std::string> pieces = wrap_words(part, width);
    line = pieces.back();
    pieces.pop_back();
    for (std::string& p : pieces) lines.push_back(std::move(p));
  }
  if (!line.empty()) lines.push_back(std::move(line));
  return lines;
}

std::string wrap_paragraphs(std::string_view text, std::size_t width, const std::string& first,
                            const std::string& rest) {
  const std::size_t pad = std::max(first.size(), rest.size());
  std::string out;
  bool first_line = true;
  for (std::size_t pos = 0; pos <= text.size();) {
    std::size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    std::vector<std::string> lines = wrap_words(text.substr(pos, nl - pos), width > pad ? width - pad : 1);
    if (lines.empty()) lines.emplace_back();
    for (const std::string& line : lines) {
      out += line.empty() ? std::string() : (first_line ? first : rest) + line;
      out += '\n';
      first_line = false;
    }
    if (nl == text.size()) break;
    pos = nl + 1;
  }
  return out;
}

}  // namespace checker
