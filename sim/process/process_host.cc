#include "sim/process/process_host.h"

#include <chrono>
#include <thread>
#include <utility>

#include <nlohmann/json.hpp>

#include "core/json_codec.h"
#include "sim/services/service.h"

namespace eddy::sim {
namespace {

// A line quoted in a problem, cut to a readable length.
std::string quoted(const std::string& line) {
  constexpr size_t kMax = 300;
  return line.size() <= kMax
             ? line
             : line.substr(0, kMax) + "... (" + std::to_string(line.size()) + " bytes)";
}

bool is_service(const std::string& name) {
  for (const std::string_view service : service_names()) {
    if (service == name) return true;
  }
  return false;
}

}  // namespace

ProcessHost::ProcessHost(World& world, std::string name, ProcessSpec spec,
                         std::vector<std::string> node_names)
    : world_(world),
      name_(std::move(name)),
      endpoint_(world.network.add_endpoint(name_, EndpointKind::kNode)),
      spec_(std::move(spec)),
      node_names_(node_names.begin(), node_names.end()) {}

std::string ProcessHost::start() {
  // "{node}" in an argument becomes the node's id: a directory of its own
  // for a node that persists (`--data-dir runs/x/{node}`), say.
  std::vector<std::string> args = spec_.args;
  for (std::string& arg : args) {
    for (size_t at = arg.find("{node}"); at != std::string::npos; at = arg.find("{node}", at)) {
      arg.replace(at, 6, name_);
      at += name_.size();
    }
  }
  auto child = ChildProcess::spawn(spec_.path, args, spec_.limits);
  if (!child.ok()) return name_ + ": " + child.error();
  child_ = std::move(child).value();
  expected_exit_ = false;
  return {};
}

bool ProcessHost::is_node(const std::string& name) const { return node_names_.contains(name); }

void ProcessHost::problem(std::string text) {
  if (problems_.size() < kProblemsMax) {
    problems_.push_back(std::to_string(world_.now_us / 1000) + " ms: " + std::move(text));
  } else {
    ++problems_dropped_;
  }
}

void ProcessHost::receive(core::Message&& message) {
  if (child_ == nullptr) return;
  if (!is_node(message.src) && !is_service(message.src) && message.msg_id && !message.in_reply_to) {
    // A client's request: its reply is expected, once.
    std::pair<std::string, int64_t> key{message.src, *message.msg_id};
    if (pending_.insert(key).second) pending_order_.push_back(std::move(key));
    if (pending_order_.size() > kPendingMax) {
      // (The oldest may have been answered long ago; only one still
      // awaiting its reply is forgotten.)
      if (pending_.erase(pending_order_.front()) > 0) pending_overflowed_ = true;
      pending_order_.pop_front();
    }
  }
  if (!child_->write(core::encode_line(message))) {
    problem(name_ + " takes no input: its stdin is closed, or more than " +
            std::to_string(spec_.limits.stdin_backlog_bytes_max) +
            " bytes wait unread; a message to it was dropped");
  }
}

void ProcessHost::add_poll_fds(std::vector<pollfd>& fds, bool read_stdout) const {
  const int out = child_ && read_stdout ? child_->stdout_fd() : -1;
  const int err = child_ ? child_->stderr_fd() : -1;
  const int in = child_ && child_->wants_to_write() ? child_->stdin_fd() : -1;
  fds.push_back(pollfd{out, POLLIN, 0});
  fds.push_back(pollfd{err, POLLIN, 0});
  fds.push_back(pollfd{in, POLLOUT, 0});
}

void ProcessHost::on_poll(const pollfd* fds, size_t count) {
  if (child_ == nullptr) return;
  if (count >= 3 && fds[2].revents != 0) child_->flush();
  if (count >= 2 && fds[0].revents != 0) {
    drain();  // stdout, and stderr with it
  } else if (count >= 2 && fds[1].revents != 0) {
    drain_stderr();
  }
  check_exit();
}

void ProcessHost::drain_stderr() {
  if (child_ != nullptr) child_->read_stderr();
}

void ProcessHost::drain() {
  if (child_ == nullptr) return;
  ChildProcess::Output out = child_->read_available();
  for (const size_t bytes : out.overlong_lines) {
    problem(name_ + " wrote a line of " + std::to_string(bytes) + " bytes, over the " +
            std::to_string(spec_.limits.line_bytes_max) + "-byte limit; it was dropped");
  }
  for (const std::string& line : out.lines) {
    ++lines_read_;
    route(line);
  }
}

void ProcessHost::check_exit() {
  if (child_ == nullptr || child_->stdout_fd() >= 0) return;
  const std::optional<ChildProcess::Exit> exit = child_->poll_exit();
  if (!exit) return;
  drain();
  if (!expected_exit_) {
    unexpected_exit_ = name_ + " " + exit->describe() + " during the run";
    problem(unexpected_exit_);
  }
  stderr_before_ += child_->stderr_text();
  child_.reset();
  world_.network.crash(endpoint_);
}

void ProcessHost::route(const std::string& line) {
  const core::Limits limits;
  if (core::json_depth(line, limits.json_depth_max) > limits.json_depth_max) {
    return problem(name_ + " wrote JSON nested deeper than " +
                   std::to_string(limits.json_depth_max) + ": " + quoted(line));
  }
  // Ordered: a body passed on verbatim keeps its fields' order.
  const nlohmann::ordered_json json =
      nlohmann::ordered_json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded())
    return problem(name_ + " wrote a line that is not JSON: " + quoted(line));
  if (!json.is_object()) {
    return problem(name_ + " wrote a line that is not a JSON object: " + quoted(line));
  }
  const auto src = json.find("src");
  const auto dest = json.find("dest");
  const auto body = json.find("body");
  if (src == json.end() || !src->is_string() || dest == json.end() || !dest->is_string() ||
      body == json.end() || !body->is_object()) {
    return problem(
        name_ + " wrote a message without string src and dest and an object body: " + quoted(line));
  }
  const auto type = body->find("type");
  if (type == body->end() || !type->is_string()) {
    return problem(name_ + " wrote a body without a string type: " + quoted(line));
  }
  if (src->get<std::string>() != name_) {
    return problem(name_ + " wrote a message from src " + src->dump() +
                   ", not from itself: " + quoted(line));
  }
  const std::string to = dest->get<std::string>();
  if (is_node(to)) {
    if (to == name_) return problem(name_ + " sent a message to itself: " + quoted(line));
    core::Message message{name_, to, std::nullopt, std::nullopt,
                          core::UnknownBody{type->get<std::string>(), body->dump()}};
    const auto msg_id = body->find("msg_id");
    if (msg_id != body->end() && msg_id->is_number_integer())
      message.msg_id = msg_id->get<int64_t>();
    const auto in_reply_to = body->find("in_reply_to");
    if (in_reply_to != body->end() && in_reply_to->is_number_integer()) {
      message.in_reply_to = in_reply_to->get<int64_t>();
    }
    world_.network.send(world_.now_us, std::move(message));
    return;
  }
  if (to == kRestartInitClient) return;  // the restart's init_ok
  const bool service = is_service(to);
  if (!service && !world_.network.find(to)) {
    return problem(name_ + " sent to " + dest->dump() +
                   ", no node, client or service: " + quoted(line));
  }
  core::DecodeResult decoded = core::decode_line(line, limits);
  if (!decoded) {
    return problem(name_ + " wrote a message Maelstrom's " +
                   std::string(service ? "service" : "client") +
                   " cannot read: " + decoded.error().text + ": " + quoted(line));
  }
  core::Message message = std::move(decoded).value();
  if (!service) {
    if (!message.in_reply_to || !message.msg_id) {
      return problem(
          name_ + " sent client " + to +
          " something that is no reply (an integer msg_id and in_reply_to): " + quoted(line));
    }
    const std::pair<std::string, int64_t> key{to, *message.in_reply_to};
    if (pending_.erase(key) == 0 && !pending_overflowed_) {
      return problem(name_ + " answered a request of " + to +
                     " it never got, or answered it twice (in_reply_to " +
                     std::to_string(*message.in_reply_to) + "): " + quoted(line));
    }
  }
  world_.network.send(world_.now_us, std::move(message));
}

bool ProcessHost::crash(bool /*tear*/) {
  if (child_ == nullptr) return false;
  expected_exit_ = true;
  child_->kill();
  stderr_before_ += child_->stderr_text();
  child_.reset();
  pending_.clear();
  pending_order_.clear();
  world_.network.crash(endpoint_);
  return false;  // a process's disk is its own: Eddy cannot tear its writes
}

void ProcessHost::restart(const std::vector<std::string>& node_ids) {
  if (child_ != nullptr) return;
  world_.network.restart(endpoint_);
  ++restarts_;
  if (const std::string error = start(); !error.empty()) {
    problem("restarting " + error);
    return;
  }
  // maelstrom db.clj starts a process with init, from a client of its own.
  receive(core::Message{std::string(kRestartInitClient), name_, 1, std::nullopt,
                        core::InitBody{name_, node_ids}});
}

void ProcessHost::close_stdin() {
  if (child_ == nullptr) return;
  expected_exit_ = true;
  child_->close_stdin();
}

void ProcessHost::finish(std::chrono::steady_clock::time_point deadline) {
  if (child_ == nullptr) return;
  close_stdin();
  while (std::chrono::steady_clock::now() < deadline && !child_->poll_exit()) {
    child_->read_available();  // keeps its pipes from filling while it winds down
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  child_->kill();
  child_->read_available();
  stderr_before_ += child_->stderr_text();
  if (child_->stderr_dropped_bytes() > 0) {
    stderr_before_ += "[eddy-sim: " + std::to_string(child_->stderr_dropped_bytes()) +
                      " more bytes of stderr dropped]\n";
  }
  child_.reset();
}

std::vector<std::string> ProcessHost::log_lines() const {
  std::string text = stderr_before_;
  if (child_ != nullptr) text += child_->stderr_text();
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < text.size()) {
    const size_t end = text.find('\n', start);
    lines.push_back(text.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return lines;
}

}  // namespace eddy::sim
