// The fuzz campaign spread over processes and machines, run as a user would:
// eddy-sim's shards merged by `eddy-sim fuzz-report` give the serial run's
// verdicts; scripts/fuzz_parallel.sh over GNU parallel on this machine; and
// deploy/fuzz-job.yaml's Kubernetes Indexed Job, its N pods played here one
// after another with JOB_COMPLETION_INDEX=0..N-1.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace {

namespace fs = std::filesystem;

struct Output {
  int status = -1;  // exit status, or -1
  std::string out;  // stdout
};

// Runs `command` with sh; stderr goes to the test's log.
Output shell(const std::string& command) {
  Output result;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) return result;
  char chunk[4096];
  for (size_t n; (n = std::fread(chunk, 1, sizeof chunk, pipe)) > 0;) result.out.append(chunk, n);
  const int status = ::pclose(pipe);
  result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

std::string quote(const std::string& text) {
  std::string quoted = "'";
  for (const char ch : text) quoted += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
  return quoted + "'";
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// A fresh directory for one test, removed with it.
class TempDir {
 public:
  explicit TempDir(const std::string& name)
      : path_(fs::temp_directory_path() / ("eddy-" + name + "-" + std::to_string(::getpid()))) {
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() { fs::remove_all(path_); }
  const fs::path& path() const { return path_; }
  std::string operator/(const std::string& name) const { return (path_ / name).string(); }

 private:
  fs::path path_;
};

// The report's lines but its first (which counts the shards) and its last
// (throughput, wall time).
std::string report_body(const std::string& report) {
  const size_t first = report.find('\n');
  const size_t last = report.rfind("throughput:");
  if (first == std::string::npos || last == std::string::npos || last < first) return report;
  return report.substr(first + 1, last - first - 1);
}

// Seed -> history hash, over the scenario lines of `files`.
std::map<uint64_t, std::string> history_hashes(const std::vector<std::string>& files) {
  std::map<uint64_t, std::string> hashes;
  for (const std::string& file : files) {
    std::istringstream in(read_file(file));
    for (std::string line; std::getline(in, line);) {
      const nlohmann::json json = nlohmann::json::parse(line);
      if (json["type"] == "scenario") {
        EXPECT_TRUE(hashes.emplace(json["seed"], json["history_hash"]).second)
            << "seed " << json["seed"] << " twice";
      }
    }
  }
  return hashes;
}

const std::string kSim = EDDY_SIM_BIN;

TEST(FuzzReportCommand, ShardsMergeIntoTheSerialRunsOutput) {
  const TempDir dir("fuzz-shards");
  const std::string campaign = kSim + " fuzz --strategy raft --runs 12 --seed 5";
  const Output serial = shell(campaign + " --jobs 1 --jsonl " + dir / "serial.jsonl");
  ASSERT_TRUE(serial.status == 0 || serial.status == 1) << serial.out;
  std::vector<std::string> shards;
  for (int k = 0; k < 5; ++k) {
    shards.push_back(dir / ("shard-" + std::to_string(k) + ".jsonl"));
    const Output shard =
        shell(campaign + " --jobs 2 --shard " + std::to_string(k) + "/5 --jsonl " + shards.back());
    ASSERT_TRUE(shard.status == 0 || shard.status == 1) << shard.out;
  }
  std::string files;
  for (const std::string& shard : shards) files += " " + shard;
  const Output merged = shell(kSim + " fuzz-report" + files);
  const Output alone = shell(kSim + " fuzz-report " + dir / "serial.jsonl");
  EXPECT_EQ(merged.status, serial.status) << merged.out;
  EXPECT_EQ(alone.status, serial.status) << alone.out;
  EXPECT_NE(merged.out.find("coverage: every seed ran exactly once"), std::string::npos)
      << merged.out;
  EXPECT_NE(merged.out.find("runs 12: "), std::string::npos) << merged.out;
  EXPECT_EQ(report_body(merged.out), report_body(alone.out));
  // The report lists failures and not-live runs as fuzz prints them.
  std::string listed = serial.out.substr(0, serial.out.rfind("fuzz raft:"));
  EXPECT_NE(report_body(merged.out).find(listed), std::string::npos) << listed << "\nnot in\n"
                                                                     << merged.out;
  EXPECT_EQ(history_hashes(shards), history_hashes({dir / "serial.jsonl"}));
}

TEST(FuzzReportCommand, MalformedInputExitsTwoNamingFileAndLine) {
  const TempDir dir("fuzz-malformed");
  std::ofstream(dir / "bad.jsonl") << "{\"type\":\"header\",\"strategy\":\"gossip\",\"seed\":1,"
                                      "\"runs\":3,\"shard\":0,\"shards\":1}\n[1,2\n";
  const Output bad = shell(kSim + " fuzz-report " + dir / "bad.jsonl" + " 2>&1");
  EXPECT_EQ(bad.status, 2);
  EXPECT_NE(bad.out.find(dir / "bad.jsonl" + ":2: not JSON"), std::string::npos) << bad.out;
  const Output missing = shell(kSim + " fuzz-report " + dir / "none.jsonl" + " 2>&1");
  EXPECT_EQ(missing.status, 2);
  EXPECT_NE(missing.out.find("cannot read"), std::string::npos) << missing.out;
}

TEST(FuzzSpread, GnuParallelSpreadsShardsOverThisMachine) {
  if (shell("command -v parallel >/dev/null").status != 0) {
    GTEST_SKIP() << "GNU parallel is not installed (apt-get install parallel, or "
                    "scripts/setup.sh)";
  }
  // `--sshlogin :` is this machine. There is no sshd in CI to test a remote
  // login: docs/fuzzing.md says how one is used.
  const TempDir dir("fuzz-parallel");
  const Output run = shell(std::string(EDDY_SOURCE_DIR) + "/scripts/fuzz_parallel.sh --shards 4 " +
                           "--sshlogin : --out " + dir / "results" + " --eddy-sim " + kSim +
                           " -- --strategy gossip --runs 10 --jobs 1");
  EXPECT_EQ(run.status, 0) << run.out;
  EXPECT_NE(run.out.find("fuzz-report: gossip, seeds 1..10 (10 runs in 4 shards)"),
            std::string::npos)
      << run.out;
  EXPECT_NE(run.out.find("runs 10: 10 pass"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("coverage: every seed ran exactly once"), std::string::npos) << run.out;
  for (int k = 0; k < 4; ++k) {
    EXPECT_TRUE(fs::exists(dir.path() / "results" / ("shard-" + std::to_string(k) + ".jsonl")));
  }
}

// A remote login, as far as this machine can play one: no sshd here, so
// parallel reaches "otherhost" through an ssh stand-in that runs the
// command it is given (parallel's own wrapping and quoting for a remote
// shell) on this machine, and logs the host. Like sshd, it sets SHELL: the
// CI that first ran this test had none, and parallel's remote wrapper execs
// $SHELL, so every shard came back empty.
TEST(FuzzSpread, GnuParallelRunsShardsThroughSshLogins) {
  if (shell("command -v parallel >/dev/null").status != 0) {
    GTEST_SKIP() << "GNU parallel is not installed (apt-get install parallel, or "
                    "scripts/setup.sh)";
  }
  const TempDir dir("fuzz-ssh");
  std::ofstream(dir / "ssh") << "#!/bin/sh\n"
                                "while [ $# -gt 0 ]; do case $1 in -*) shift;; *) break;; esac; "
                                "done\n"
                                "echo \"$1\" >> "
                             << dir / "hosts"
                             << "\n"
                                "shift\n"
                                "[ \"$1\" = \"--\" ] && shift\n"
                                // sshd gives the remote command the login's
                                // SHELL, which parallel's wrapper execs; CI
                                // runs with no SHELL set.
                                "SHELL=/bin/sh exec sh -c \"$*\"\n";
  fs::permissions(dir / "ssh", fs::perms::owner_all);
  const Output run =
      shell(std::string(EDDY_SOURCE_DIR) + "/scripts/fuzz_parallel.sh --shards 3 " +
            "--sshlogin otherhost --ssh " + dir / "ssh" + " --out " + dir / "results" +
            " --eddy-sim " + kSim + " -- --strategy gossip --runs 7 --jobs 1");
  EXPECT_EQ(run.status, 0) << run.out;
  EXPECT_NE(run.out.find("runs 7: 7 pass"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("coverage: every seed ran exactly once"), std::string::npos) << run.out;
  const std::string hosts = read_file(dir / "hosts");
  EXPECT_NE(hosts.find("otherhost"), std::string::npos) << "the shards did not go through ssh";
}

// The token after `flag` in `script` ("" if absent). std::regex is not used:
// GCC 12 warns inside it under the sanitizers' -O1, and warnings are errors.
std::string token_after(const std::string& script, const std::string& flag) {
  const size_t at = script.find(flag);
  if (at == std::string::npos) return "";
  const size_t from = at + flag.size();
  return script.substr(from, script.find_first_of(" \"\n;", from) - from);
}

// `script` with the token after `flag` replaced by `value`.
std::string with_flag(std::string script, const std::string& flag, const std::string& value) {
  const size_t at = script.find(flag);
  if (at == std::string::npos) return script;
  const size_t from = at + flag.size();
  const size_t end = script.find_first_of(" \"\n;", from);
  return script.replace(from, end - from, value);
}

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (size_t at = 0; (at = text.find(from, at)) != std::string::npos; at += to.size())
    text.replace(at, from.size(), to);
  return text;
}

// What the test needs of a Kubernetes manifest, read with python3's yaml.
nlohmann::json job_of(const std::string& manifest) {
  const std::string script =
      "import json, sys, yaml\n"
      "for doc in yaml.safe_load_all(open(sys.argv[1])):\n"
      "    if doc and doc.get('kind') == 'Job':\n"
      "        spec = doc['spec']\n"
      "        pod = spec['template']['spec']\n"
      "        c = pod['containers'][0]\n"
      "        print(json.dumps({'kind': doc['kind'], 'mode': spec.get('completionMode', ''),\n"
      "            'completions': spec.get('completions', 0),\n"
      "            'parallelism': spec.get('parallelism', 0),\n"
      "            'restart': pod.get('restartPolicy', ''),\n"
      "            'command': c.get('command', []) + c.get('args', []),\n"
      "            'mounts': [m['mountPath'] for m in c.get('volumeMounts', [])]}))\n";
  const Output parsed = shell("python3 -c " + quote(script) + " " + manifest);
  if (parsed.status != 0 || parsed.out.empty()) return nullptr;
  return nlohmann::json::parse(parsed.out);
}

TEST(FuzzSpread, KubernetesIndexedJobRunsEveryShardOnce) {
  if (shell("python3 -c 'import yaml' 2>/dev/null").status != 0) {
    GTEST_SKIP() << "python3's yaml is not installed (apt-get install python3-yaml, or "
                    "scripts/setup.sh)";
  }
  const std::string deploy = std::string(EDDY_SOURCE_DIR) + "/deploy/";
  const nlohmann::json job = job_of(deploy + "fuzz-job.yaml");
  ASSERT_TRUE(job.is_object()) << "no Job in deploy/fuzz-job.yaml";
  EXPECT_EQ(job["kind"], "Job");
  EXPECT_EQ(job["mode"], "Indexed");
  EXPECT_EQ(job["restart"], "Never");
  EXPECT_GT(job["parallelism"].get<int>(), 0);
  EXPECT_EQ(job["mounts"], nlohmann::json::array({"/results"}));
  const int shards = job["completions"].get<int>();
  ASSERT_GT(shards, 0);
  // A shell running eddy-sim fuzz with K from JOB_COMPLETION_INDEX, N the
  // job's completions, its file per index on the shared volume.
  const std::vector<std::string> command = job["command"];
  ASSERT_EQ(command.size(), 3U);
  EXPECT_EQ(command[0], "/bin/sh");
  EXPECT_EQ(command[1], "-c");
  std::string script = command[2];
  const std::string shard = token_after(script, "--shard \"$JOB_COMPLETION_INDEX/");
  ASSERT_FALSE(shard.empty()) << "no --shard \"$JOB_COMPLETION_INDEX/N\" in " << script;
  EXPECT_EQ(std::stoi(shard), shards) << "--shard's N is not the job's completions";
  const std::string runs_text = token_after(script, "--runs ");
  ASSERT_FALSE(runs_text.empty()) << script;
  EXPECT_GE(std::stoll(runs_text), 1'000'000) << "a campaign of a million scenarios";
  EXPECT_NE(script.find("/results/shard-$JOB_COMPLETION_INDEX.jsonl"), std::string::npos);
  // The pods, played here: a small campaign of the same shape, /results a
  // directory of the test's.
  const TempDir dir("fuzz-k8s");
  const int runs = shards + shards / 2;  // some shards of 1 scenario, some of 2
  script = with_flag(script, "--runs ", std::to_string(runs));
  script = with_flag(script, "--strategy ", "gossip");
  script = with_flag(script, "--jobs ", "1");
  script = replace_all(script, "/results/", dir / "");
  std::ofstream(dir / "pod.sh") << script << "\n";
  const std::string path = "PATH=" + fs::path(kSim).parent_path().string() + ":$PATH";
  const Output pods =
      shell("for k in $(seq 0 " + std::to_string(shards - 1) + "); do " + path +
            " JOB_COMPLETION_INDEX=$k sh " + dir / "pod.sh" + " 2>/dev/null || exit 1; done");
  ASSERT_EQ(pods.status, 0) << "a pod failed";
  for (int k = 0; k < shards; ++k) {
    EXPECT_TRUE(fs::exists(dir.path() / ("shard-" + std::to_string(k) + ".jsonl"))) << k;
  }
  // The report job names every shard file of the campaign.
  const nlohmann::json report_job = job_of(deploy + "fuzz-report-job.yaml");
  ASSERT_TRUE(report_job.is_object()) << "no Job in deploy/fuzz-report-job.yaml";
  std::string report = report_job["command"].back();
  EXPECT_NE(report.find("seq 0 " + std::to_string(shards - 1)), std::string::npos) << report;
  EXPECT_EQ(report_job["mounts"], nlohmann::json::array({"/results"}));
  report = replace_all(report, "/results/", dir / "");
  const Output merged = shell(path + " sh -c " + quote(report));
  EXPECT_EQ(merged.status, 0) << merged.out;
  EXPECT_NE(merged.out.find("(" + std::to_string(runs) + " runs in " + std::to_string(shards) +
                            " shards)"),
            std::string::npos)
      << merged.out;
  EXPECT_NE(merged.out.find("coverage: every seed ran exactly once"), std::string::npos)
      << merged.out;
}

}  // namespace
