// The persist file (node_main/persist_file.h): records round-trip; a torn tail
// (cut at any byte of the last record, or with any bit of it flipped) is
// dropped and never applied; a damaged record followed by a good one, an
// undecodable or out-of-order record and a foreign header are errors;
// PersistFile opens, cuts the torn tail off, appends and reopens.

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "node_main/crc32c.h"
#include "node_main/persist_file.h"

namespace eddy::node_main {
namespace {

using core::HardState;
using core::PersistedEntry;
using core::PersistedSnapshot;
using core::PersistEffect;
using core::Value;

PersistedEntry entry(int64_t index, int64_t term, Value command) {
  return PersistedEntry{index, term, std::move(command)};
}

// Four effects that touch every part of the format: hard state, entries with
// integer and structured commands, a truncation, a snapshot, a string vote
// that needs escaping.
std::vector<PersistEffect> sample_effects() {
  return {
      PersistEffect{
          HardState{1, "n1"},
          std::nullopt,
          0,
          {entry(1, 1, Value(10)), entry(2, 1, Value::from_json_text(R"({"k":[1,"x"]})"))}},
      PersistEffect{HardState{2, "n\"2\\"}, std::nullopt, 2, {entry(2, 2, Value(-20))}},
      PersistEffect{
          std::nullopt, PersistedSnapshot{2, 2, Value::from_json_text(R"({"0":4})")}, 0, {}},
      PersistEffect{std::nullopt, std::nullopt, 0, {entry(3, 2, Value::from_json_text("null"))}},
  };
}

struct Built {
  std::string bytes;
  std::vector<size_t> starts;  // where each record starts
};

Built build_file(const std::vector<PersistEffect>& effects) {
  Built built{persist_file_header(), {}};
  for (const PersistEffect& effect : effects) {
    built.starts.push_back(built.bytes.size());
    built.bytes += encode_persist_record(effect);
  }
  return built;
}

core::Persisted fold(const std::vector<PersistEffect>& effects, size_t count) {
  core::Persisted persisted;
  for (size_t i = 0; i < count; ++i) EXPECT_TRUE(persisted.apply(effects[i]));
  return persisted;
}

TEST(Crc32c, MatchesTheStandardCheckValue) {
  EXPECT_EQ(crc32c("123456789"), 0xE3069283u);  // RFC 3720's check value
  EXPECT_EQ(crc32c(""), 0u);
  EXPECT_EQ(crc32c_extend(crc32c("1234"), "56789"), crc32c("123456789"));
}

TEST(PersistFileFormat, RecordsRoundTrip) {
  const std::vector<PersistEffect> effects = sample_effects();
  for (const PersistEffect& effect : effects) {
    const std::string record = encode_persist_record(effect);
    auto decoded =
        decode_persist_payload(std::string_view(record).substr(kPersistRecordHeaderBytes));
    ASSERT_TRUE(decoded) << decoded.error();
    EXPECT_EQ(decoded.value(), effect);
  }
  const Built built = build_file(effects);
  auto scan = scan_persist_file(built.bytes);
  ASSERT_TRUE(scan) << scan.error();
  EXPECT_EQ(scan.value().records, 4);
  EXPECT_EQ(scan.value().good_bytes, built.bytes.size());
  EXPECT_EQ(scan.value().torn_bytes, 0u);
  EXPECT_EQ(scan.value().persisted, fold(effects, effects.size()));
  // The snapshot dropped the entries it covers; the last entry follows it.
  ASSERT_EQ(scan.value().persisted.entries.size(), 1u);
  EXPECT_EQ(scan.value().persisted.entries[0].index, 3);
}

TEST(PersistFileFormat, AnEmptyFileAndAHeaderAloneHoldNothing) {
  auto empty = scan_persist_file("");
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty.value().persisted.empty());
  EXPECT_EQ(empty.value().good_bytes, 0u);
  EXPECT_EQ(empty.value().torn_bytes, 0u);
  auto header = scan_persist_file(persist_file_header());
  ASSERT_TRUE(header);
  EXPECT_EQ(header.value().records, 0);
  EXPECT_EQ(header.value().good_bytes, kPersistHeaderBytes);
}

TEST(PersistFileFormat, AHeaderCutShortIsATornFile) {
  const std::string header = persist_file_header();
  for (size_t cut = 1; cut < header.size(); ++cut) {
    auto scan = scan_persist_file(header.substr(0, cut));
    ASSERT_TRUE(scan) << cut;
    EXPECT_EQ(scan.value().good_bytes, 0u);
    EXPECT_EQ(scan.value().torn_bytes, cut);
  }
}

TEST(PersistFileFormat, AForeignFileOrVersionIsAnError) {
  EXPECT_FALSE(scan_persist_file("not a persist file at all"));
  EXPECT_FALSE(scan_persist_file("EDDX"));
  std::string other_version = persist_file_header();
  other_version[8] = 2;
  auto scan = scan_persist_file(other_version);
  ASSERT_FALSE(scan);
  EXPECT_NE(scan.error().find("version 2"), std::string::npos) << scan.error();
}

TEST(PersistFileFormat, ATailCutAtEveryByteOfTheLastRecordIsDropped) {
  const std::vector<PersistEffect> effects = sample_effects();
  const Built built = build_file(effects);
  const size_t last = built.starts.back();
  const core::Persisted before_last = fold(effects, effects.size() - 1);
  for (size_t cut = last + 1; cut < built.bytes.size(); ++cut) {
    auto scan = scan_persist_file(std::string_view(built.bytes).substr(0, cut));
    ASSERT_TRUE(scan) << "cut at " << cut << ": " << scan.error();
    EXPECT_EQ(scan.value().good_bytes, last) << cut;
    EXPECT_EQ(scan.value().torn_bytes, cut - last) << cut;
    EXPECT_EQ(scan.value().records, 3) << cut;
    EXPECT_EQ(scan.value().persisted, before_last) << cut;
  }
}

TEST(PersistFileFormat, AFlippedBitInTheLastRecordDropsItAlone) {
  const std::vector<PersistEffect> effects = sample_effects();
  const Built built = build_file(effects);
  const size_t last = built.starts.back();
  const core::Persisted before_last = fold(effects, effects.size() - 1);
  for (size_t byte = last; byte < built.bytes.size(); ++byte) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string bytes = built.bytes;
      bytes[byte] = static_cast<char>(bytes[byte] ^ (1 << bit));
      auto scan = scan_persist_file(bytes);
      ASSERT_TRUE(scan) << "byte " << byte << " bit " << bit << ": " << scan.error();
      EXPECT_EQ(scan.value().good_bytes, last);
      EXPECT_EQ(scan.value().persisted, before_last);
    }
  }
}

TEST(PersistFileFormat, AFlippedBitInAMiddleRecordIsAnError) {
  const Built built = build_file(sample_effects());
  const size_t begin = built.starts[1];
  const size_t end = built.starts[2];
  for (size_t byte = begin; byte < end; ++byte) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string bytes = built.bytes;
      bytes[byte] = static_cast<char>(bytes[byte] ^ (1 << bit));
      auto scan = scan_persist_file(bytes);
      ASSERT_FALSE(scan) << "byte " << byte << " bit " << bit << " went unnoticed";
      EXPECT_NE(scan.error().find("corrupt in the middle"), std::string::npos) << scan.error();
    }
  }
}

TEST(PersistFileFormat, AnAbsurdLengthIsCorruption) {
  const Built built = build_file(sample_effects());
  // The last record's length set to 3 GiB: dropped as a torn tail.
  std::string tail = built.bytes;
  tail[built.starts.back() + 3] = static_cast<char>(0xc0);
  auto scan = scan_persist_file(tail);
  ASSERT_TRUE(scan) << scan.error();
  EXPECT_EQ(scan.value().good_bytes, built.starts.back());
  EXPECT_NE(scan.value().torn_reason.find("over the limit"), std::string::npos)
      << scan.value().torn_reason;
  // The same in a middle record, which good records follow: an error.
  std::string middle = built.bytes;
  middle[built.starts[1] + 3] = static_cast<char>(0xc0);
  auto bad = scan_persist_file(middle);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().find("over the limit"), std::string::npos) << bad.error();
  // A zero-filled tail (a file system that extended the file before the
  // data reached it) is torn too.
  auto zeros = scan_persist_file(built.bytes + std::string(100, '\0'));
  ASSERT_TRUE(zeros);
  EXPECT_EQ(zeros.value().records, 4);
  EXPECT_EQ(zeros.value().torn_bytes, 100u);
}

TEST(PersistFileFormat, ARecordThatDoesNotFollowIsAnError) {
  std::vector<PersistEffect> effects = sample_effects();
  effects.push_back(PersistEffect{std::nullopt, std::nullopt, 0, {entry(9, 2, Value(1))}});
  auto scan = scan_persist_file(build_file(effects).bytes);
  ASSERT_FALSE(scan);
  EXPECT_NE(scan.error().find("does not follow"), std::string::npos) << scan.error();
}

TEST(PersistFileFormat, AValidRecordThatDoesNotDecodeIsAnError) {
  // Framed and checksummed correctly, but not a persist effect: written
  // wrong, not torn, so it is never dropped silently, even at the end.
  std::string record;
  const std::string payload = R"({"entries":"no"})";
  const uint32_t length = static_cast<uint32_t>(payload.size());
  for (int shift = 0; shift < 32; shift += 8) record.push_back(static_cast<char>(length >> shift));
  const uint32_t crc = crc32c_extend(crc32c(record), payload);
  for (int shift = 0; shift < 32; shift += 8) record.push_back(static_cast<char>(crc >> shift));
  record += payload;
  auto scan = scan_persist_file(persist_file_header() + record);
  ASSERT_FALSE(scan);
  EXPECT_NE(scan.error().find("does not decode"), std::string::npos) << scan.error();
}

// --- PersistFile on a real directory -------------------------------------------

class PersistFileOnDisk : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/eddy-persist-test-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string file_path() const { return dir_ + "/" + std::string(kPersistFileName); }
  std::string read_file() const {
    std::ifstream in(file_path(), std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }
  void write_file(const std::string& bytes) const {
    std::ofstream out(file_path(), std::ios::binary | std::ios::trunc);
    out << bytes;
  }

  std::string dir_;
};

TEST_F(PersistFileOnDisk, AMissingFileIsCreatedWithItsHeader) {
  const std::string nested = dir_ + "/a/b";
  auto opened = PersistFile::open(nested);
  ASSERT_TRUE(opened) << opened.error();
  EXPECT_FALSE(opened.value().existed);
  EXPECT_TRUE(opened.value().scan.persisted.empty());
  std::ifstream in(nested + "/" + std::string(kPersistFileName), std::ios::binary);
  const std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  EXPECT_EQ(bytes, persist_file_header());
}

TEST_F(PersistFileOnDisk, AppendsAreReadBackOnTheNextOpen) {
  const std::vector<PersistEffect> effects = sample_effects();
  {
    auto opened = PersistFile::open(dir_);
    ASSERT_TRUE(opened) << opened.error();
    for (const PersistEffect& effect : effects) {
      ASSERT_EQ(opened.value().file->append(effect), "");
    }
  }
  auto reopened = PersistFile::open(dir_);
  ASSERT_TRUE(reopened) << reopened.error();
  EXPECT_TRUE(reopened.value().existed);
  EXPECT_EQ(reopened.value().scan.records, 4);
  EXPECT_EQ(reopened.value().scan.persisted, fold(effects, effects.size()));
  EXPECT_EQ(read_file(), build_file(effects).bytes);
}

TEST_F(PersistFileOnDisk, ATornTailIsCutOffBeforeTheNextAppend) {
  const std::vector<PersistEffect> effects = sample_effects();
  const Built built = build_file(effects);
  write_file(built.bytes.substr(0, built.bytes.size() - 3));
  {
    auto opened = PersistFile::open(dir_);
    ASSERT_TRUE(opened) << opened.error();
    EXPECT_EQ(opened.value().scan.records, 3);
    EXPECT_EQ(opened.value().scan.torn_bytes, built.bytes.size() - 3 - built.starts.back());
    EXPECT_EQ(read_file(), built.bytes.substr(0, built.starts.back()));
    // The record appended now follows the three good ones directly.
    ASSERT_EQ(opened.value().file->append(effects[3]), "");
  }
  EXPECT_EQ(read_file(), built.bytes);
}

TEST_F(PersistFileOnDisk, ACorruptMiddleIsAnErrorAndTheFileIsLeftAlone) {
  Built built = build_file(sample_effects());
  built.bytes[built.starts[1] + 10] ^= 0x01;
  write_file(built.bytes);
  auto opened = PersistFile::open(dir_);
  ASSERT_FALSE(opened);
  EXPECT_NE(opened.error().find("corrupt in the middle"), std::string::npos) << opened.error();
  EXPECT_EQ(read_file(), built.bytes);
}

TEST_F(PersistFileOnDisk, APathThatIsAFileIsAnError) {
  const std::string file = dir_ + "/plain";
  std::ofstream(file) << "x";
  auto opened = PersistFile::open(file);
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error(), "not a directory");
}

TEST_F(PersistFileOnDisk, ASecondOpenerIsRefused) {
  auto first = PersistFile::open(dir_);
  ASSERT_TRUE(first) << first.error();
  auto second = PersistFile::open(dir_);
  ASSERT_FALSE(second);
  EXPECT_NE(second.error().find("in use by another process"), std::string::npos) << second.error();
}

}  // namespace
}  // namespace eddy::node_main
