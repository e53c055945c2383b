// The persist file's encoding, its scan and its POSIX I/O; see persist_file.h.
#include "node_main/persist_file.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <initializer_list>
#include <optional>
#include <utility>

#include <nlohmann/json.hpp>

#include "core/json_codec.h"
#include "core/json_writer.h"
#include "node_main/crc32c.h"

namespace eddy::node_main {
namespace {

using Json = nlohmann::json;

void append_u32(std::string& out, uint32_t value) {
  for (int shift = 0; shift < 32; shift += 8) out.push_back(static_cast<char>(value >> shift));
}

uint32_t read_u32(std::string_view bytes, size_t at) {
  uint32_t value = 0;
  for (int i = 3; i >= 0; --i) {
    value = (value << 8) | static_cast<uint8_t>(bytes[at + static_cast<size_t>(i)]);
  }
  return value;
}

uint32_t record_crc(std::string_view length_bytes, std::string_view payload) {
  return crc32c_extend(crc32c(length_bytes), payload);
}

// --- payload: JSON text --------------------------------------------------------

std::string encode_payload(const core::PersistEffect& effect) {
  std::string out = "{";
  const auto comma = [&] {
    if (out.size() > 1) out += ',';
  };
  if (effect.hard_state) {
    out += "\"hard_state\":{\"term\":";
    core::append_int(out, effect.hard_state->term);
    out += ",\"vote\":";
    core::append_string(out, effect.hard_state->vote);
    out += '}';
  }
  if (effect.snapshot) {
    comma();
    out += "\"snapshot\":{\"index\":";
    core::append_int(out, effect.snapshot->index);
    out += ",\"term\":";
    core::append_int(out, effect.snapshot->term);
    out += ",\"data\":";
    effect.snapshot->data.append_json(out);
    out += '}';
  }
  if (effect.truncate_from > 0) {
    comma();
    out += "\"truncate_from\":";
    core::append_int(out, effect.truncate_from);
  }
  if (!effect.entries.empty()) {
    comma();
    out += "\"entries\":[";
    for (size_t i = 0; i < effect.entries.size(); ++i) {
      const core::PersistedEntry& entry = effect.entries[i];
      out += i == 0 ? "{\"index\":" : ",{\"index\":";
      core::append_int(out, entry.index);
      out += ",\"term\":";
      core::append_int(out, entry.term);
      out += ",\"command\":";
      entry.command.append_json(out);
      out += '}';
    }
    out += ']';
  }
  out += '}';
  return out;
}

// Reads the integer member `name` of `object`, if it is one.
std::optional<int64_t> int_member(const Json& object, const char* name) {
  const auto it = object.find(name);
  if (it == object.end() || !it->is_number_integer()) return std::nullopt;
  if (it->is_number_unsigned() && it->get<uint64_t>() > uint64_t{INT64_MAX}) return std::nullopt;
  return it->get<int64_t>();
}

// True if `object` has no member but `names`.
bool only_members(const Json& object, std::initializer_list<std::string_view> names) {
  for (const auto& [key, value] : object.items()) {
    bool known = false;
    for (const std::string_view name : names) known = known || key == name;
    if (!known) return false;
  }
  return true;
}

using PayloadResult = core::Result<core::PersistEffect, std::string>;

PayloadResult decode_payload_json(const Json& json) {
  if (!json.is_object() ||
      !only_members(json, {"hard_state", "snapshot", "truncate_from", "entries"})) {
    return core::Err{std::string("not a persist effect object")};
  }
  core::PersistEffect effect;
  if (const auto it = json.find("hard_state"); it != json.end()) {
    const auto term = int_member(*it, "term");
    const auto vote = it->find("vote");
    if (!it->is_object() || !term || vote == it->end() || !vote->is_string() ||
        !only_members(*it, {"term", "vote"})) {
      return core::Err{std::string("bad hard_state")};
    }
    effect.hard_state = core::HardState{*term, vote->get<std::string>()};
  }
  if (const auto it = json.find("snapshot"); it != json.end()) {
    const auto index = int_member(*it, "index");
    const auto term = int_member(*it, "term");
    const auto data = it->find("data");
    if (!it->is_object() || !index || !term || data == it->end() ||
        !only_members(*it, {"index", "term", "data"})) {
      return core::Err{std::string("bad snapshot")};
    }
    effect.snapshot = core::PersistedSnapshot{*index, *term, core::Value::from_json(*data)};
  }
  if (json.contains("truncate_from")) {
    const auto from = int_member(json, "truncate_from");
    if (!from || *from <= 0) return core::Err{std::string("bad truncate_from")};
    effect.truncate_from = *from;
  }
  if (const auto it = json.find("entries"); it != json.end()) {
    if (!it->is_array()) return core::Err{std::string("bad entries")};
    effect.entries.reserve(it->size());
    for (const Json& entry : *it) {
      const auto index = entry.is_object() ? int_member(entry, "index") : std::nullopt;
      const auto term = entry.is_object() ? int_member(entry, "term") : std::nullopt;
      if (!index || !term || !entry.contains("command") ||
          !only_members(entry, {"index", "term", "command"})) {
        return core::Err{std::string("bad entry")};
      }
      effect.entries.push_back(
          core::PersistedEntry{*index, *term, core::Value::from_json(entry.at("command"))});
    }
  }
  return effect;
}

// --- framing -------------------------------------------------------------------

// A record at `at`: its payload and where the next one starts, or what is
// wrong with it.
struct Framed {
  std::string_view payload;
  size_t next = 0;
  std::string problem;  // empty: a valid record
};

Framed read_record(std::string_view bytes, size_t at) {
  const size_t left = bytes.size() - at;
  if (left < kPersistRecordHeaderBytes) {
    return {{}, 0, "a record header cut short (" + std::to_string(left) + " of 8 bytes)"};
  }
  const uint32_t length = read_u32(bytes, at);
  if (length == 0) return {{}, 0, "a record length of 0"};
  if (length > kPersistRecordBytesMax) {
    return {{},
            0,
            "a record length of " + std::to_string(length) + " bytes, over the limit of " +
                std::to_string(kPersistRecordBytesMax)};
  }
  if (left - kPersistRecordHeaderBytes < length) {
    return {{},
            0,
            "a record cut short (" + std::to_string(left - kPersistRecordHeaderBytes) + " of " +
                std::to_string(length) + " payload bytes)"};
  }
  const std::string_view payload = bytes.substr(at + kPersistRecordHeaderBytes, length);
  if (record_crc(bytes.substr(at, 4), payload) != read_u32(bytes, at + 4)) {
    return {{}, 0, "a record whose checksum does not match"};
  }
  return {payload, at + kPersistRecordHeaderBytes + length, ""};
}

// The first offset after `from` where a valid record starts, if any: what
// tells a torn tail from a damaged middle.
std::optional<size_t> next_valid_record(std::string_view bytes, size_t from) {
  for (size_t at = from; at + kPersistRecordHeaderBytes < bytes.size(); ++at) {
    if (read_record(bytes, at).problem.empty()) return at;
  }
  return std::nullopt;
}

std::string errno_text(const std::string& what) { return what + ": " + std::strerror(errno); }

// Writes all of `bytes` at `offset`, across short writes.
bool write_all(int fd, std::string_view bytes, size_t offset) {
  while (!bytes.empty()) {
    const ssize_t n = ::pwrite(fd, bytes.data(), bytes.size(), static_cast<off_t>(offset));
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    bytes.remove_prefix(static_cast<size_t>(n));
    offset += static_cast<size_t>(n);
  }
  return true;
}

core::Result<std::string, std::string> read_all(int fd, const std::string& path) {
  std::string bytes;
  char buffer[1 << 16];
  while (true) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) continue;
      return core::Err{errno_text("cannot read " + path)};
    }
    if (n == 0) return bytes;
    bytes.append(buffer, static_cast<size_t>(n));
  }
}

// Makes a new file's directory entry durable (a file fsync'd in a directory
// whose entry is not may vanish in a crash).
bool fsync_directory(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return false;
  const bool ok = ::fsync(fd) == 0;
  ::close(fd);
  return ok;
}

}  // namespace

std::string persist_file_header() {
  std::string header(kPersistMagic);
  append_u32(header, kPersistVersion);
  return header;
}

std::string encode_persist_record(const core::PersistEffect& effect) {
  const std::string payload = encode_payload(effect);
  std::string record;
  record.reserve(kPersistRecordHeaderBytes + payload.size());
  append_u32(record, static_cast<uint32_t>(payload.size()));
  append_u32(record, record_crc(std::string_view(record).substr(0, 4), payload));
  record += payload;
  return record;
}

PayloadResult decode_persist_payload(std::string_view payload) {
  if (core::json_depth(payload, kPersistJsonDepthMax) > kPersistJsonDepthMax) {
    return core::Err{std::string("nested deeper than ") + std::to_string(kPersistJsonDepthMax)};
  }
  const Json json = Json::parse(payload, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) return core::Err{std::string("not JSON")};
  return decode_payload_json(json);
}

core::Result<PersistScan, std::string> scan_persist_file(std::string_view bytes) {
  PersistScan scan;
  const std::string header = persist_file_header();
  if (bytes.empty()) return scan;  // created, then a crash before its header
  if (bytes.size() < header.size()) {
    if (header.compare(0, bytes.size(), bytes) != 0) {
      return core::Err{std::string("not an Eddy persist file (bad magic)")};
    }
    // A crash while the file was being created: nothing was ever in it.
    scan.torn_bytes = bytes.size();
    scan.torn_reason = "a file header cut short";
    return scan;
  }
  if (bytes.substr(0, kPersistMagic.size()) != kPersistMagic) {
    return core::Err{std::string("not an Eddy persist file (bad magic)")};
  }
  if (const uint32_t version = read_u32(bytes, kPersistMagic.size()); version != kPersistVersion) {
    return core::Err{"persist file version " + std::to_string(version) + ", this eddy-node reads " +
                     std::to_string(kPersistVersion)};
  }
  size_t at = header.size();
  while (at < bytes.size()) {
    const Framed record = read_record(bytes, at);
    if (!record.problem.empty()) {
      if (const auto valid = next_valid_record(bytes, at + 1)) {
        return core::Err{"damaged record at byte " + std::to_string(at) + " (" + record.problem +
                         ") followed by a valid record at byte " + std::to_string(*valid) +
                         ": the file is corrupt in the middle, not torn at its end"};
      }
      scan.torn_bytes = bytes.size() - at;
      scan.torn_reason = record.problem;
      break;
    }
    PayloadResult effect = decode_persist_payload(record.payload);
    if (!effect) {
      return core::Err{"record " + std::to_string(scan.records + 1) + " at byte " +
                       std::to_string(at) +
                       " has a valid checksum but does not decode: " + effect.error()};
    }
    if (!scan.persisted.apply(effect.value())) {
      return core::Err{"record " + std::to_string(scan.records + 1) + " at byte " +
                       std::to_string(at) +
                       " does not follow from the records before it (its entries leave a gap)"};
    }
    ++scan.records;
    at = record.next;
  }
  scan.good_bytes = at;
  return scan;
}

PersistFile::PersistFile(std::string path, int fd, size_t size_bytes)
    : path_(std::move(path)), fd_(fd), size_bytes_(size_bytes) {}

PersistFile::~PersistFile() { ::close(fd_); }

core::Result<PersistFile::Opened, std::string> PersistFile::open(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code error;
  if (!fs::exists(dir, error)) {
    fs::create_directories(dir, error);
    if (error) return core::Err{"cannot create the directory: " + error.message()};
  }
  if (!fs::is_directory(dir, error)) return core::Err{std::string("not a directory")};
  const std::string path = (fs::path(dir) / kPersistFileName).string();
  const bool existed = fs::exists(path, error);
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return core::Err{errno_text("cannot open " + path)};
  auto file = std::unique_ptr<PersistFile>(new PersistFile(path, fd, 0));
  // Two nodes appending to one file would interleave their records.
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    return core::Err{errno == EWOULDBLOCK
                         ? path +
                               " is in use by another process (each node needs its own "
                               "--data-dir)"
                         : errno_text("cannot lock " + path)};
  }
  auto bytes = read_all(fd, path);
  if (!bytes) return core::Err{bytes.error()};
  auto scan = scan_persist_file(bytes.value());
  if (!scan) return core::Err{path + ": " + scan.error()};
  file->size_bytes_ = scan.value().good_bytes;
  if (file->size_bytes_ < bytes.value().size()) {
    // The torn tail goes before anything is appended after it.
    if (::ftruncate(fd, static_cast<off_t>(file->size_bytes_)) != 0) {
      return core::Err{errno_text("cannot cut the torn tail off " + path)};
    }
  }
  if (file->size_bytes_ == 0) {
    const std::string header = persist_file_header();
    if (!write_all(fd, header, 0)) return core::Err{errno_text("cannot write " + path)};
    file->size_bytes_ = header.size();
  }
  if (::fsync(fd) != 0) return core::Err{errno_text("cannot fsync " + path)};
  if (!existed && !fsync_directory(dir)) return core::Err{errno_text("cannot fsync " + dir)};
  return Opened{std::move(file), std::move(scan).value(), existed};
}

std::string PersistFile::append(const core::PersistEffect& effect) {
  const std::string record = encode_persist_record(effect);
  if (record.size() - kPersistRecordHeaderBytes > kPersistRecordBytesMax) {
    return "a persist effect of " + std::to_string(record.size()) + " bytes, over the limit of " +
           std::to_string(kPersistRecordBytesMax);
  }
  if (!write_all(fd_, record, size_bytes_)) return errno_text("cannot write " + path_);
  // fdatasync: the file's size is data for it, so the record is durable.
  if (::fdatasync(fd_) != 0) return errno_text("cannot fdatasync " + path_);
  size_bytes_ += record.size();
  return "";
}

}  // namespace eddy::node_main
