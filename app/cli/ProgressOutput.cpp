#include "ProgressOutput.h"

#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <memory>

namespace diffclip::cli {

namespace {

CancelToken g_interrupt;  // cancel() is a lock-free atomic store: safe in a signal handler

extern "C" void onInterruptCancel(int) {
    g_interrupt.cancel();
    std::signal(SIGINT, SIG_DFL);  // a second Ctrl-C ends the process at once
    std::signal(SIGTERM, SIG_DFL);
}

}  // namespace

InterruptCancels::InterruptCancels() {
    std::signal(SIGINT, onInterruptCancel);
    std::signal(SIGTERM, onInterruptCancel);
}

InterruptCancels::~InterruptCancels() {
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
}

const CancelToken& InterruptCancels::token() const { return g_interrupt; }

Progress stderrProgress(const std::string& label) {
    struct Line {
        bool tty = false;
        bool open = false;  // a counts line is on the terminal without its newline
        ~Line() {
            if (open) std::fputs("\n", stderr);  // what is printed next starts on its own line
        }
    };
    auto line = std::make_shared<Line>();
    line->tty = isatty(STDERR_FILENO) != 0;
    auto print = [label, line](const ProgressUpdate& u) {
        if (!u.message.empty()) {
            std::fprintf(stderr, "%s%s: %s\n", line->open ? "\r\033[K" : "", label.c_str(), u.message.c_str());
            line->open = false;
            return;
        }
        if (u.done <= 0) return;
        std::string text = label + ": " + u.stage + " " + std::to_string(u.done);
        if (u.total > 0) {
            text += "/" + std::to_string(u.total);
            const double rate = u.seconds > 0 ? double(u.done) / u.seconds : 0.0;
            char figures[64];
            if (rate > 0 && u.done < u.total)
                std::snprintf(figures, sizeof figures, ", %.1f/s, %.0f s left", rate, double(u.total - u.done) / rate);
            else if (rate > 0)
                std::snprintf(figures, sizeof figures, ", %.1f/s", rate);
            else
                figures[0] = '\0';
            text += figures;
        }
        const bool last = u.total > 0 && u.done >= u.total;
        if (line->tty) {
            std::fprintf(stderr, "\r%s\033[K%s", text.c_str(), last ? "\n" : "");
            line->open = !last;
        } else {
            std::fprintf(stderr, "%s\n", text.c_str());
        }
    };
    return Progress(print, std::chrono::milliseconds(500));
}

}  // namespace diffclip::cli
