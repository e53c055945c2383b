// Builds DiagramData (diagram_data.h) from journal entries or journal.jsonl.
#include "sim/html_report/diagram_data.h"

#include <algorithm>
#include <cctype>
#include <map>

#include <nlohmann/json.hpp>

#include "core/message.h"

namespace eddy::sim::html_report {
namespace {

int group_of(const std::string& name) {
  if (name.size() > 1 && name[0] == 'c' && std::isdigit(static_cast<unsigned char>(name[1])))
    return 0;
  if (name.size() > 1 && name[0] == 'n' && std::isdigit(static_cast<unsigned char>(name[1])))
    return 1;
  return 2;
}

// "n12" -> ("n", 12); names without a number compare as text.
std::pair<std::string, int64_t> split_number(const std::string& name) {
  size_t digits = name.size();
  while (digits > 0 && std::isdigit(static_cast<unsigned char>(name[digits - 1]))) --digits;
  if (digits == name.size() || name.size() - digits > 15) return {name, -1};
  return {name.substr(0, digits), std::stoll(name.substr(digits))};
}

}  // namespace

bool lane_before(const std::string& a, const std::string& b) {
  const int ga = group_of(a);
  const int gb = group_of(b);
  if (ga != gb) return ga < gb;
  const auto na = split_number(a);
  const auto nb = split_number(b);
  if (na != nb) return na < nb;
  return a < b;
}

std::vector<JournalLine> journal_lines(const std::vector<JournalEntry>& journal) {
  std::vector<JournalLine> out;
  out.reserve(journal.size());
  for (const JournalEntry& entry : journal) {
    out.push_back(JournalLine{entry.message.src, entry.message.dest,
                              std::string(core::body_type(entry.message.body)), entry.sent_us,
                              entry.received_us});
  }
  return out;
}

core::Result<std::vector<JournalLine>, std::string> read_journal(std::istream& in) {
  std::vector<JournalLine> out;
  std::string text;
  for (int64_t line = 1; std::getline(in, text); ++line) {
    if (text.empty()) continue;
    const nlohmann::json json = nlohmann::json::parse(text, nullptr, false);
    const auto fail = [&](const char* what) {
      return core::Err{"journal.jsonl line " + std::to_string(line) + ": " + what};
    };
    if (!json.is_object() || !json.contains("message") || !json["message"].is_object())
      return fail("not a journal entry");
    const nlohmann::json& message = json["message"];
    JournalLine entry;
    if (!message.contains("src") || !message["src"].is_string() || !message.contains("dest") ||
        !message["dest"].is_string()) {
      return fail("message without src and dest");
    }
    entry.src = message["src"].get<std::string>();
    entry.dest = message["dest"].get<std::string>();
    if (message.contains("body") && message["body"].is_object() &&
        message["body"].contains("type") && message["body"]["type"].is_string()) {
      entry.type = message["body"]["type"].get<std::string>();
    }
    if (!json.contains("sent_us") || !json["sent_us"].is_number_integer())
      return fail("no sent_us");
    entry.sent_us = json["sent_us"].get<int64_t>();
    if (json.contains("received_us") && json["received_us"].is_number_integer())
      entry.received_us = json["received_us"].get<int64_t>();
    out.push_back(std::move(entry));
  }
  return out;
}

DiagramData build_diagram(const std::vector<JournalLine>& lines, size_t messages_max) {
  DiagramData data;
  data.total = static_cast<int64_t>(lines.size());
  std::vector<size_t> order(lines.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return lines[a].sent_us < lines[b].sent_us; });
  if (order.size() > messages_max) order.resize(messages_max);
  std::map<std::string, int32_t, decltype(&lane_before)> lanes(&lane_before);
  std::map<std::string, int32_t> types;
  for (const size_t i : order) {
    lanes.emplace(lines[i].src, 0);
    lanes.emplace(lines[i].dest, 0);
    types.emplace(lines[i].type, 0);
  }
  for (auto& [name, id] : lanes) {
    id = static_cast<int32_t>(data.lanes.size());
    data.lanes.push_back(name);
  }
  for (auto& [name, id] : types) {
    id = static_cast<int32_t>(data.types.size());
    data.types.push_back(name);
  }
  data.messages.reserve(order.size());
  for (const size_t i : order) {
    const JournalLine& line = lines[i];
    data.messages.push_back(DiagramMessage{lanes.at(line.src), lanes.at(line.dest), line.sent_us,
                                           line.received_us, types.at(line.type)});
  }
  return data;
}

}  // namespace eddy::sim::html_report
