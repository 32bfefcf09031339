// attn/data: labelled file lists and folders, labels and file names checked.
#include <doctest/doctest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "attn/data/atomic_file.h"
#include "attn/data/labelled_files.h"
#include "attn/data/labels.h"
#include "attn/data/output_file.h"
#include "attn/error.h"

using namespace attn::data;
namespace fs = std::filesystem;

namespace {

// A fresh folder under the system temp dir, removed at the end of the test.
struct TempDir {
  fs::path path;
  TempDir() {
    path = fs::temp_directory_path() /
           ("attn_text_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter()++));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
  static int& counter() {
    static int n = 0;
    return n;
  }
  void write(const fs::path& rel, const std::string& content) const {
    fs::create_directories((path / rel).parent_path());
    std::ofstream(path / rel, std::ios::binary) << content;
  }
};

}  // namespace

TEST_CASE("documents: label folders in sorted order, hidden names skipped") {
  TempDir d;
  d.write("spam/b.txt", "buy");
  d.write("spam/a.txt", "cheap");
  d.write("spam/sub/c.txt", "deep");
  d.write("spam/.hidden", "x");
  d.write("ham/z.txt", "hi");
  d.write(".git/config", "x");
  d.write("README", "ignored");
  const auto docs = list_label_folders(d.path);
  REQUIRE(docs.size() == 4);
  CHECK(docs[0].label == "ham");
  CHECK(docs[0].path == d.path / "ham/z.txt");
  CHECK(docs[1].path == d.path / "spam/a.txt");
  CHECK(docs[2].path == d.path / "spam/b.txt");
  CHECK(docs[3].path == d.path / "spam/sub/c.txt");
  CHECK(docs[3].label == "spam");

  d.write("empty/.keep", "");
  CHECK_THROWS_WITH_AS(list_label_folders(d.path), doctest::Contains("label folder without files"), attn::Error);
  TempDir flat;
  flat.write("a.txt", "x");
  CHECK_THROWS_WITH_AS(list_label_folders(flat.path), doctest::Contains("no sub-folders"), attn::Error);
  CHECK_THROWS_WITH_AS(list_label_folders(flat.path / "a.txt"), doctest::Contains("not a folder"), attn::Error);
}

TEST_CASE("documents: list files resolve relative paths against the list's folder") {
  TempDir d;
  d.write("lists/train.tsv", "docs/a.txt\tspam\n\n/abs/b.txt\tham \n");
  const auto docs = read_file_list((d.path / "lists/train.tsv").string());
  REQUIRE(docs.size() == 2);
  CHECK(docs[0].path == d.path / "lists/docs/a.txt");
  CHECK(docs[0].label == "spam");
  CHECK(docs[1].path == fs::path("/abs/b.txt"));
  CHECK(docs[1].label == "ham");

  const auto err = [&](const std::string& content) {
    d.write("list.tsv", content);
    try {
      read_file_list((d.path / "list.tsv").string());
    } catch (const attn::Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK(err("a.txt\tx\nb.txt\n") == (d.path / "list.tsv").string() + ":2: no TAB in the line (expected `path<TAB>label`)");
  CHECK(err("\tx\n") == (d.path / "list.tsv").string() + ":1: empty path before the TAB (expected `path<TAB>label`)");
  CHECK(err("a.txt\t \n") == (d.path / "list.tsv").string() + ":1: empty label after the TAB (expected `path<TAB>label`)");
  CHECK(err("\n") == (d.path / "list.tsv").string() + ": no files listed");
  CHECK_THROWS_WITH_AS(read_file_list((d.path / "missing.tsv").string()), doctest::Contains("No such file"), attn::Error);
}

TEST_CASE("labelled files: names and labels that are not UTF-8 are errors naming them") {
  TempDir d;
  d.write("ham/ok.txt", "fine");
  d.write("ham/bad\xff.txt", "x");
  CHECK_THROWS_WITH_AS(list_label_folders(d.path), doctest::Contains("file name is not valid UTF-8"), attn::Error);
  d.write("list.tsv", "a.txt\tsp\xe4m\n");
  CHECK_THROWS_WITH_AS(read_file_list((d.path / "list.tsv").string()),
                       doctest::Contains("list.tsv:1: label is not valid UTF-8"), attn::Error);
  d.write("list.tsv", "b\xff.txt\tspam\n");
  CHECK_THROWS_WITH_AS(read_file_list((d.path / "list.tsv").string()),
                       doctest::Contains("list.tsv:1: file name is not valid UTF-8"), attn::Error);
  CHECK_THROWS_WITH_AS(check_label("", "x:1"), "x:1: empty label", attn::Error);
}

TEST_CASE("check_writable: found before any work") {
  TempDir d;
  CHECK_NOTHROW(check_writable((d.path / "model.safetensors").string()));
  CHECK_NOTHROW(check_writable("/dev/null"));
  CHECK_THROWS_WITH_AS(check_writable(d.path.string()), doctest::Contains("is a directory"), attn::Error);
  CHECK_THROWS_WITH_AS(check_writable((d.path / "no/x").string()), doctest::Contains("no such directory"), attn::Error);
  if (::geteuid() != 0) {  // root may write anywhere
    fs::create_directories(d.path / "ro");
    fs::permissions(d.path / "ro", fs::perms::owner_read | fs::perms::owner_exec);
    CHECK_THROWS_WITH_AS(check_writable((d.path / "ro/x").string()), doctest::Contains("cannot write in"), attn::Error);
    fs::permissions(d.path / "ro", fs::perms::owner_all);
  }
}

TEST_CASE("AtomicFileWriter: all or nothing, no temporary file left") {
  TempDir d;
  const std::string path = (d.path / "out.bin").string();
  {
    AtomicFileWriter w(path);
    w.write("partial");
  }
  CHECK(!fs::exists(path));
  CHECK(fs::is_empty(d.path));
  AtomicFileWriter w(path);
  w.write("whole");
  w.commit();
  std::ifstream in(path);
  std::string s((std::istreambuf_iterator<char>(in)), {});
  CHECK(s == "whole");
  CHECK_THROWS_WITH_AS(AtomicFileWriter(d.path.string()), doctest::Contains("is a directory"), attn::Error);
}

TEST_CASE("AtomicOutputFile: all or nothing over an old file; a device is written in place") {
  TempDir d;
  d.write("out.txt", "old contents\n");
  const std::string path = (d.path / "out.txt").string();
  const auto contents = [&] {
    std::ifstream in(path);
    return std::string((std::istreambuf_iterator<char>(in)), {});
  };
  {
    AtomicOutputFile out(path);
    out.write("half of the new");
    // destroyed without commit(), as when an exception unwinds
  }
  CHECK(contents() == "old contents\n");
  CHECK(std::distance(fs::directory_iterator(d.path), fs::directory_iterator{}) == 1);  // no temp file left
  write_file_atomically(path, "new contents\n");
  CHECK(contents() == "new contents\n");
  write_file_atomically("/dev/null", "into a device, in place\n");
  CHECK_THROWS_WITH_AS(AtomicOutputFile(d.path.string()), doctest::Contains(": is a directory"), attn::Error);
  CHECK_THROWS_AS(AtomicOutputFile((d.path / "no/such/dir/x").string()), attn::Error);
}

TEST_CASE("labels: distinct and sorted; an unknown one names where it was and what is known") {
  const std::vector<std::string> labels = distinct_labels({"spam", "ham", "spam", "eggs"});
  CHECK(labels == std::vector<std::string>{"eggs", "ham", "spam"});
  const LabelIndex index(labels);
  CHECK(index.id("spam", "x") == 2);
  CHECK(index.contains("eggs"));
  CHECK_FALSE(index.contains("toast"));
  CHECK_THROWS_WITH_AS(index.id("toast", "data.tsv:6"), "data.tsv:6: unknown label \"toast\" (known: eggs, ham, spam)",
                       attn::Error);
  CHECK_THROWS_WITH_AS(index.id("toast", ""), "unknown label \"toast\" (known: eggs, ham, spam)", attn::Error);
  std::vector<std::string> many;
  for (int i = 100; i < 120; ++i) many.push_back(std::string("l").append(std::to_string(i)));
  const LabelIndex big(many);
  CHECK_THROWS_WITH_AS(big.id("x", ""),
                       "unknown label \"x\" (known: l100, l101, l102, l103, l104, l105, l106, l107, l108, l109, "
                       "l110, l111, ... (20 in all))",
                       attn::Error);
}
