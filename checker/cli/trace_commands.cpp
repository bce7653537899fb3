// `interleave replay`, `shrink` and `show`: the commands that take a trace and
// run it again, make it smaller or draw it (checker/strategies/replay,
// checker/trace/shrink, checker/report/show, checker/report/html).
#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <sstream>

#include "checker/cli/commands.hpp"
#include "checker/cli/style.hpp"
#include "checker/io/output_file.hpp"
#include "checker/search/explorer.hpp"
#include "checker/report/html.hpp"
#include "checker/io/input_error.hpp"
#include "checker/report/report.hpp"
#include "checker/scenario/model.hpp"
#include "checker/report/show.hpp"
#include "checker/trace/shrink.hpp"
#include "checker/trace/trace.hpp"
#include "sim/stack_pool.hpp"

namespace checker::cli {

namespace {

bool load(const std::string& file, Trace& t) {
  try {
    t = load_trace(file);
    return true;
  } catch (const InputError& e) {
    std::cerr << "interleave: " << e.message() << "\n";
    if (!e.hint().empty()) std::cerr << "hint: " << e.hint() << "\n";
    return false;
  }
}

// foo.trace.json -> foo.shrunk.trace.json; foo.json -> foo.shrunk.json.
std::string shrunk_name(const std::string& in) {
  for (const char* ext : {".trace.json", ".json"}) {
    const std::string e = ext;
    if (in.size() > e.size() && in.compare(in.size() - e.size(), e.size(), e) == 0)
      return in.substr(0, in.size() - e.size()) + ".shrunk" + e;
  }
  return in + ".shrunk.trace.json";
}

// The width of the terminal that `show` draws on (stdout, or stderr when the
// page goes to stdout), else COLUMNS, else 160; show lays out fewer than 80 as 80.
std::size_t terminal_width(int fd) {
  winsize w{};
  if (::isatty(fd) && ::ioctl(fd, TIOCGWINSZ, &w) == 0 && w.ws_col > 0) return w.ws_col;
  if (const char* c = std::getenv("COLUMNS")) {
    const long n = std::strtol(c, nullptr, 10);
    if (n > 0) return static_cast<std::size_t>(n);
  }
  return 160;
}

void print_indented(std::ostream& out, const std::string& text) {
  for (std::size_t pos = 0; pos < text.size();) {
    std::size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    out << "  " << text.substr(pos, nl - pos) << "\n";
    pos = nl + 1;
  }
}

}  // namespace

int replay_command(const ReplayArgs& a) {
  const std::string& trace_file = a.trace_file;
  const std::string& trace_out = a.trace_out;
  const bool to_stdout = check_output_paths({{"--trace-out", trace_out}});
  std::ostream& out = to_stdout ? std::cerr : std::cout;
  Trace t;
  if (!load(trace_file, t)) return kExitBadInput;
  // A schedule is a list of decisions of the variant it was recorded on;
  // on another variant it means nothing (a bad request, not a changed model).
  if (a.variant && *a.variant != t.scenario.model) {
    std::cerr << "interleave: " << trace_file << ": the trace was recorded on " << t.scenario.model
              << ", not on --variant " << *a.variant << "; a schedule replays only on its own variant\n"
              << "hint: `interleave run --variant " << *a.variant << " "
              << (t.scenario.file.empty() ? std::string("SCENARIO") : t.scenario.file)
              << "` searches that variant and writes a trace of its own\n";
    return kExitBadInput;
  }
  std::unique_ptr<models::Program> program = make_program(t.scenario);
  sim::StackPool stacks;
  Replayed r = replay(*program, t.schedule, stacks, t.settings.max_steps);
  std::string difference;
  if (!r.fits) {
    difference = r.misfit;
  } else if (!same_verdict(r.verdict, t.verdict)) {
    difference = "the verdict differs: recorded \"" + t.verdict.message.substr(0, t.verdict.message.find('\n')) +
                 "\" at step " + std::to_string(t.verdict.step) + ", replayed \"" +
                 r.verdict.message.substr(0, r.verdict.message.find('\n')) + "\" at step " +
                 std::to_string(r.verdict.step);
  } else if (!t.history.empty()) {
    const std::size_t n = std::min(t.history.size(), r.history.size());
    for (std::size_t i = 0; i < n && difference.empty(); ++i) {
      const sim::Event& a = t.history[i];
      const sim::Event& b = r.history[i];
      if (a.step != b.step || a.thread != b.thread || a.op != b.op || a.object != b.object ||
          a.state != b.state || a.note != b.note) {
        auto show = [&](const sim::Event& e, const std::vector<std::string>& names) {
          return (e.thread < names.size() ? names[e.thread] : std::string("?")) + ": " + e.op +
                 (e.object.empty() ? "" : " " + e.object) +
                 (e.state.empty() ? "" : " [" + e.state + "]");
        };
        difference = "the event history differs at step " + std::to_string(a.step) +
                     ": recorded " + show(a, t.threads) + ", replayed " + show(b, r.thread_names);
      }
    }
    if (difference.empty() && t.history.size() != r.history.size())
      difference = "the event history differs: recorded " + std::to_string(t.history.size()) +
                   " steps, replayed " + std::to_string(r.history.size());
  }
  const bool same = difference.empty();
  std::ostringstream report;
  print_replay_report(report, trace_file, t.verdict, r, same, difference);
  const std::string text = report.str();
  const std::size_t nl = text.find('\n');
  out << paint_verdict(text.substr(0, nl), color_on(to_stdout ? 2 : 1))
      << (quiet() || nl == std::string::npos ? std::string("\n") : text.substr(nl));
  if (!trace_out.empty()) {
    Trace replayed = t;
    replayed.verdict = r.verdict;
    replayed.schedule = r.schedule;
    replayed.history = r.history;
    replayed.threads = r.thread_names;
    try {
      write_trace(replayed, trace_out);
      out << "\n  replayed trace: " << trace_out << "\n";
    } catch (const std::exception& e) {
      std::cerr << "interleave: could not write the trace: " << e.what() << "\n";
      return kExitBadInput;
    }
  }
  if (!same) return kExitInternal;
  return r.verdict.failed() ? kExitViolation : kExitOk;
}

int shrink_command(const ShrinkArgs& a) {
  Trace t;
  if (!load(a.trace_file, t)) return kExitBadInput;
  const std::string file = a.trace_out.empty() ? shrunk_name(a.trace_file) : a.trace_out;
  const bool to_stdout = check_output_paths({{"--trace-out", file}});
  std::ostream& out = to_stdout ? std::cerr : std::cout;
  if (!t.verdict.failed()) {
    out << "PASS  " << a.trace_file
              << ": the trace shows no failure, so there is nothing to shrink\n";
    return kExitOk;
  }
  ShrinkOptions o;
  o.max_runs = a.max_runs;
  o.time_limit_s = a.time_limit_s;
  ShrinkResult r = shrink(t, o);
  if (!r.error.empty()) {
    out << "ERROR  " << a.trace_file << ": cannot shrink it: " << r.error << "\n"
              << "  `interleave replay " << a.trace_file << "` says where the model and the trace part\n";
    return kExitInternal;
  }
  try {
    write_trace(r.trace, file);
  } catch (const std::exception& e) {
    std::cerr << "interleave: could not write the trace: " << e.what() << "\n";
    return kExitBadInput;
  }
  out << "VIOLATION  " << a.trace_file << ": " << describe_verdict(r.trace.verdict) << "; "
            << shrink_summary(r) << "\n\n";
  print_indented(out, verdict_message(r.trace.verdict));
  InterleavingStyle style;
  style.run_steps = thread_decisions(r.trace.schedule);
  out << "\n  the interleaving (" << r.trace.history.size() << " steps, "
            << r.trace.schedule.size() << " decisions):\n"
            << interleaving(r.trace.history, r.trace.threads, r.trace.verdict, style);
  out << "\n  shrunk trace: " << file << "\n  replay it: interleave replay " << file
      << "\n  show it: interleave show " << file << "\n";
  return kExitViolation;
}

int show_command(const ShowArgs& a) {
  Trace t;
  if (!load(a.trace_file, t)) return kExitBadInput;
  const bool to_stdout = check_output_paths({{"--html", a.html_file}});
  std::ostream& out = to_stdout ? std::cerr : std::cout;
  if (t.history.empty()) {
    // A trace without its history (written by hand, or trimmed): run it again.
    try {
      std::unique_ptr<models::Program> program = make_program(t.scenario);
      sim::StackPool stacks;
      Replayed r = replay(*program, t.schedule, stacks, t.settings.max_steps);
      t.history = r.history;
      t.threads = r.thread_names;
    } catch (const std::exception& e) {
      std::cerr << "interleave: the trace has no history and could not be run again: " << e.what() << "\n";
      return kExitInternal;
    }
  }
  if (const std::string no = a.html_file.empty() ? std::string() : page_refusal(t); !no.empty()) {
    std::cerr << "interleave: " << a.trace_file << ": " << no << "\n";
    return kExitBadInput;
  }
  std::optional<TraceSize> size;
  std::vector<std::uint64_t> preempting;
  if (t.verdict.failed()) {
    try {
      size = trace_size(t, &preempting);
    } catch (const std::exception&) {
      // The model changed since the trace was written: draw the history as recorded.
    }
  }
  ShowStyle style;
  style.width = a.width ? a.width : terminal_width(to_stdout ? 2 : 1);
  style.all = a.all;
  out << show_text(t, a.trace_file, size, style);
  if (!size && t.verdict.failed())
    out << "\n  (the schedule does not replay under this build's model: drawn as recorded; "
                 "`interleave replay "
              << a.trace_file << "` says where they part)\n";
  if (!a.html_file.empty()) {
    TracePage page;
    page.trace_file = a.trace_file;
    page.size = size;
    page.preempting_steps = preempting;
    try {
      write_output_file(a.html_file, trace_html(t, page));
    } catch (const std::exception& e) {
      std::cerr << "interleave: could not write the page: " << e.what() << "\n";
      return kExitBadInput;
    }
    out << "\n  page: " << a.html_file << " (one self-contained file; open it in a browser)\n";
  }
  return kExitOk;
}

}  // namespace checker::cli
