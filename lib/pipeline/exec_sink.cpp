#include "pipeline/exec_sink.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace gsmq {
namespace {

class ExecSink : public Sink {
 public:
  ExecSink(std::string command, bool capture, const EndpointOptions& options)
      : command_(std::move(command)), capture_(capture), options_(options) {}

  void send(Message message, Done done) override {
    const std::string input = (options_.raw ? message.body : format_envelope(message)) + "\n";
    std::string output;
    int status = 0;
    std::string error;
    if (!run(message, input, output, status, error)) return done(SendResult::failed(error));
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      const std::string how = WIFEXITED(status) ? "exited with status " + std::to_string(WEXITSTATUS(status))
                                                : "was killed by signal " + std::to_string(WTERMSIG(status));
      return done(SendResult::failed("--exec command " + how));
    }
    SendResult result;
    if (capture_) {
      Message reply;
      reply.channel = message.channel;
      if (!output.empty() && output.back() == '\n') output.pop_back();
      reply.body = std::move(output);
      result.reply = std::move(reply);
    }
    done(result);
  }

 private:
  bool run(const Message& m, const std::string& input, std::string& output, int& status, std::string& error) {
    int in[2], out[2] = {-1, -1};
    if (::pipe2(in, O_CLOEXEC) != 0 || (capture_ && ::pipe2(out, O_CLOEXEC) != 0)) {
      error = std::string("pipe: ") + std::strerror(errno);
      return false;
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in[0], STDIN_FILENO);
    if (capture_) posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
    std::vector<std::string> env_strings;
    for (char** e = environ; *e; ++e) env_strings.emplace_back(*e);
    env_strings.push_back("GSMQ_CHANNEL=" + m.channel);
    env_strings.push_back("GSMQ_ID=" + m.id);
    env_strings.push_back("GSMQ_SEQ=" + (m.seq ? std::to_string(*m.seq) : std::string()));
    std::vector<char*> envp;
    for (auto& s : env_strings) envp.push_back(s.data());
    envp.push_back(nullptr);
    const char* argv[] = {"sh", "-c", command_.c_str(), nullptr};
    pid_t pid;
    const int rc = posix_spawn(&pid, "/bin/sh", &actions, nullptr, const_cast<char**>(argv), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    ::close(in[0]);
    if (capture_) ::close(out[1]);
    if (rc != 0) {
      ::close(in[1]);
      if (capture_) ::close(out[0]);
      error = std::string("cannot run --exec command: ") + std::strerror(rc);
      return false;
    }
    // Feed stdin and read stdout together, so a chatty command cannot deadlock us.
    size_t written = 0;
    bool in_open = true, out_open = capture_;
    while (in_open || out_open) {
      pollfd fds[2];
      int n = 0;
      if (in_open) fds[n++] = {in[1], POLLOUT, 0};
      if (out_open) fds[n++] = {out[0], POLLIN, 0};
      if (::poll(fds, static_cast<nfds_t>(n), -1) < 0 && errno != EINTR) break;
      for (int i = 0; i < n; ++i) {
        if (in_open && fds[i].fd == in[1] && fds[i].revents) {
          const ssize_t w = ::write(in[1], input.data() + written, input.size() - written);
          if (w > 0) written += static_cast<size_t>(w);
          if (w < 0 || written == input.size()) {  // EPIPE: the command does not read stdin
            ::close(in[1]);
            in_open = false;
          }
        } else if (out_open && fds[i].fd == out[0] && fds[i].revents) {
          char buf[65536];
          const ssize_t r = ::read(out[0], buf, sizeof buf);
          if (r > 0) output.append(buf, static_cast<size_t>(r));
          else if (r == 0 || errno != EINTR) {
            ::close(out[0]);
            out_open = false;
          }
        }
      }
    }
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return true;
  }

  std::string command_;
  bool capture_;
  EndpointOptions options_;
};

}  // namespace

std::unique_ptr<Sink> open_exec_sink(const std::string& command, bool capture, const EndpointOptions& options) {
  return std::make_unique<ExecSink>(command, capture, options);
}

}  // namespace gsmq
