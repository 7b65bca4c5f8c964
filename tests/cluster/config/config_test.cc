// vigil.conf in corosync.conf's syntax: the tutorial's 1.x file and a 3.x file read as they are,
// every kind of mistake named with file:line, and which node this is.
#include "cluster/config/config.h"

#include <gtest/gtest.h>

#include <sstream>

#include "cluster/config/authkey.h"
#include "cluster/config/conf_tree.h"
#include "tests/support/files.h"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace vigil::config {
namespace {

const std::string kFixtures = VIGIL_TEST_FIXTURES "/conf";

Ipv4 Ip(const char* text) { return *ParseIpv4(text); }

TEST(ConfTreeTest, ReadsSectionsValuesAndLines) {
  auto tree = ParseConfTree("# comment\na: 1\ntotem {\n  interface{\n    b:  two words \n  }\n}\n", "t.conf");
  ASSERT_TRUE(tree.ok()) << tree.status().message();
  ASSERT_EQ(tree->values.size(), 1u);
  EXPECT_EQ(tree->values[0].line, 2);
  ASSERT_EQ(tree->sections.size(), 1u);
  const ConfSection& interface = tree->sections[0].sections.at(0);
  EXPECT_EQ(interface.name, "interface");
  EXPECT_EQ(interface.values.at(0).value, "two words");
  EXPECT_EQ(interface.values.at(0).line, 5);
}

TEST(ConfTreeTest, SyntaxErrorsNameTheLine) {
  struct Case {
    const char* text;
    const char* expected;
  } cases[] = {
      {"totem {\n", "t.conf:1: the section 'totem' is never closed"},
      {"}\n", "t.conf:1: '}' closes no section"},
      {"a\n", "t.conf:1: expected 'key: value'"},
      {"x y {\n}\n", "t.conf:1: 'x y' is not a section name"},
      {"\n\n: v\n", "t.conf:3: '' is not a key name"},
  };
  for (const auto& c : cases) {
    auto tree = ParseConfTree(c.text, "t.conf");
    ASSERT_FALSE(tree.ok()) << c.text;
    EXPECT_NE(tree.status().message().find(c.expected), std::string::npos) << tree.status().message();
  }
  std::string deep;
  for (int i = 0; i < 40; ++i) deep += "s {\n";
  EXPECT_FALSE(ParseConfTree(deep, "t.conf").ok());
}

// The example of vigil.conf(5) is a configuration vigild reads: what the manual shows is true.
TEST(ConfigTest, TheManualsExampleIsRead) {
  const std::string page = testing::ReadFile(std::filesystem::path(VIGIL_TEST_SOURCE_DIR) / ".." / "man" / "vigil.conf.5.ronn");
  const size_t start = page.find("## EXAMPLE\n\n");
  ASSERT_NE(start, std::string::npos) << page;
  std::string example;
  std::istringstream lines(page.substr(start + 12));
  for (std::string line; std::getline(lines, line) && (line.empty() || line.rfind("    ", 0) == 0);) {
    example += (line.empty() ? "" : line.substr(4)) + "\n";
  }
  const auto c = ParseConfig(example, "vigil.conf.5");
  ASSERT_TRUE(c.ok()) << c.status().message() << "\n" << example;
  EXPECT_EQ(c->cluster_name, "tutorial");
  EXPECT_EQ(c->nodes.size(), 2U);
  EXPECT_TRUE(c->two_node);
  EXPECT_EQ(c->logfile, "/var/log/vigil/vigild.log");
}

// The example the package installs as /etc/vigil/vigil.conf.example is read as it is.
TEST(ConfigTest, ThePackagesExampleIsRead) {
  const std::filesystem::path example = std::filesystem::path(VIGIL_TEST_SOURCE_DIR) / ".." / "packaging" / "vigil.conf.example";
  const auto c = ParseConfig(testing::ReadFile(example), example.string());
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->nodes.size(), 2U);
  EXPECT_EQ(c->crypto_cipher, "none");
}

TEST(ConfigTest, ReadsTheTutorialsCorosync1File) {
  auto c = LoadConfig(kFixtures + "/corosync-1x.conf");
  ASSERT_TRUE(c.ok()) << c.status().message();
  ASSERT_EQ(c->interfaces.size(), 1u);
  EXPECT_EQ(c->interfaces[0].bindnetaddr, Ip("192.168.1.0"));
  EXPECT_EQ(c->interfaces[0].mcastaddr, Ip("226.94.1.1"));
  EXPECT_EQ(c->interfaces[0].mcastport, 5405);
  EXPECT_TRUE(c->nodes.empty());
  EXPECT_EQ(c->transport, Transport::kUdp);
  EXPECT_TRUE(c->to_logfile);
  EXPECT_EQ(c->logfile, "/var/log/corosync");
  EXPECT_EQ(c->services, std::vector<std::string>{"pacemaker"});  // from service.d
  EXPECT_EQ(c->token_ms, 1000);
  EXPECT_EQ(c->ExpectedVotes(), 2);
  // No keyfile: the authkey beside the file, where corosync-keygen puts it beside corosync.conf.
  EXPECT_EQ(c->keyfile, kFixtures + "/authkey");
  // secauth: off is not obeyed, and says so.
  ASSERT_EQ(c->warnings.size(), 1u);
  EXPECT_NE(c->warnings[0].find("corosync-1x.conf:7: secauth: off is ignored"), std::string::npos);
}

TEST(ConfigTest, ReadsACorosync3File) {
  auto c = LoadConfig(kFixtures + "/corosync-3x.conf");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->cluster_name, "web");
  EXPECT_EQ(c->token_ms, 500);
  EXPECT_EQ(c->transport, Transport::kKnet);
  EXPECT_EQ(c->crypto_cipher, "aes256");
  ASSERT_EQ(c->nodes.size(), 2u);
  EXPECT_EQ(c->nodes[1].name, "node2");
  EXPECT_EQ(c->nodes[1].nodeid, 2u);
  EXPECT_EQ(c->nodes[1].addresses.at(0), Ip("10.0.0.2"));
  EXPECT_TRUE(c->two_node);
  EXPECT_TRUE(c->WaitForAll());  // two_node implies it
  EXPECT_EQ(c->ExpectedVotes(), 2);
  EXPECT_FALSE(c->to_syslog);
  EXPECT_TRUE(c->warnings.empty());
}

TEST(ConfigTest, UnknownKeysWarnWithTheirLine) {
  auto c = ParseConfig("totem {\n  colour: blue\n  interface {\n bindnetaddr: 10.0.0.0\n mcastaddr: 226.94.1.1\n }\n}\nextra {\n}\n", "v.conf");
  ASSERT_TRUE(c.ok()) << c.status().message();
  ASSERT_EQ(c->warnings.size(), 2u);
  EXPECT_EQ(c->warnings[0], "v.conf:2: unknown key 'colour' in totem (ignored)");
  EXPECT_EQ(c->warnings[1], "v.conf:8: unknown section 'extra' (ignored)");
  EXPECT_EQ(c->keyfile, "/etc/vigil/authkey");  // no directory to look beside
}

TEST(ConfigTest, WrongValuesAreErrorsWithLineAndExpectation) {
  const std::string itf = "totem {\n interface {\n  bindnetaddr: 10.0.0.0\n }\n";
  struct Case {
    std::string text;
    const char* expected;
  } cases[] = {
      {itf + " token: soon\n}\n", "v.conf:5: token: expected an integer from 10 to 600000, found 'soon'"},
      {itf + " transport: carrier-pigeon\n}\n", "v.conf:5: transport: expected one of udp, udpu, knet"},
      {"totem {\n interface {\n  bindnetaddr: 10.0.0\n }\n}\n", "v.conf:3: bindnetaddr: expected an IPv4 address"},
      {"totem {\n interface {\n  bindnetaddr: fe80::1\n }\n}\n", "IPv6 is not supported yet"},
      {itf + "}\nquorum {\n two_node: maybe\n}\n", "v.conf:7: two_node: expected yes or no"},
      {"totem {\n interface {\n  bindnetaddr: 10.0.0.0\n  mcastport: 70000\n }\n}\n",
       "v.conf:4: mcastport: expected an integer from 1 to 65535"},
      {itf + "}\nlogging {\n logfile: relative.log\n}\n", "logfile: expected an absolute path"},
      {"nodelist {\n node {\n  nodeid: 1\n }\n}\n", "v.conf:2: node: ring0_addr is missing"},
      {"nodelist {\n node {\n  ring0_addr: 10.0.0.1\n }\n node {\n  ring0_addr: 10.0.0.1\n }\n}\n",
       "v.conf:5: node: same nodeid, name or ring0_addr as the node at line 2"},
      {"logging {\n}\n", "neither a nodelist nor a totem interface"},
      {itf + " transport: udpu\n}\n", "transport udpu/knet needs a nodelist"},
      {itf + "}\n", "v.conf: no nodelist and no mcastaddr: nobody to send heartbeats to"},
      {"nodelist {\n node {\n  ring0_addr: 128.0.0.0\n }\n}\n", "v.conf:2: node: its id is 0"},
  };
  for (const auto& c : cases) {
    auto config = ParseConfig(c.text, "v.conf");
    ASSERT_FALSE(config.ok()) << c.text;
    EXPECT_NE(config.status().message().find(c.expected), std::string::npos) << config.status().message();
  }
}

TEST(ConfigTest, MissingFileSaysWhich) {
  auto c = LoadConfig("/nonexistent/vigil.conf");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("/nonexistent/vigil.conf"), std::string::npos);
}

TEST(ConfigTest, WhatServiceDAddsIsValidatedWithTheRest) {
  testing::TempDir tmp;
  const std::filesystem::path dir = tmp.path();
  std::filesystem::create_directories(dir / "service.d");
  testing::WriteFile(dir / "vigil.conf", "nodelist {\n node {\n  ring0_addr: 10.0.0.1\n }\n}\n");
  // A second node with the same address, slipped in beside the file.
  testing::WriteFile(dir / "service.d" / "extra", "nodelist {\n node {\n  ring0_addr: 10.0.0.1\n }\n}\n");
  auto c = LoadConfig(dir / "vigil.conf");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("same nodeid, name or ring0_addr"), std::string::npos) << c.status().message();
}

TEST(ConfigTest, AFifoIsRefusedNotWaitedOn) {
  testing::TempDir tmp;
  const std::string fifo = tmp / "vigil.conf";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  auto c = LoadConfig(fifo);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("not a regular file"), std::string::npos);
  auto key = ReadAuthkey(fifo);
  ASSERT_FALSE(key.ok());
}

std::vector<LocalAddress> Locals() {
  return {{"lo", Ip("127.0.0.1"), 8}, {"eth0", Ip("10.12.12.93"), 8}, {"eth1", Ip("192.168.1.101"), 24}};
}

TEST(IdentityTest, BindnetaddrMatchesTheAddressMaskedWithItsOwnNetmask) {
  // The tutorial's explanation: 10.12.12.93 & 255.0.0.0 = 10.0.0.0.
  auto c = ParseConfig("totem {\n interface {\n  bindnetaddr: 10.0.0.0\n  mcastaddr: 226.94.1.1\n }\n}\n", "v.conf");
  ASSERT_TRUE(c.ok());
  auto id = ResolveIdentity(*c, Locals(), "host-a");
  ASSERT_TRUE(id.ok()) << id.status().message();
  EXPECT_EQ(id->bind.interface, "eth0");
  EXPECT_EQ(id->name, "host-a");
  EXPECT_EQ(id->nodeid, Ip("10.12.12.93").value);
  // bindnetaddr is masked the same way, so 10.12.12.0 finds eth0 too (corosync 1.x compared it
  // unmasked, the confusion the tutorial warns about).
  c = ParseConfig("totem {\n interface {\n  bindnetaddr: 10.12.12.0\n  mcastaddr: 226.94.1.1\n }\n}\n", "v.conf");
  ASSERT_TRUE(c.ok());
  id = ResolveIdentity(*c, Locals(), "host-a");
  ASSERT_TRUE(id.ok()) << id.status().message();
  EXPECT_EQ(id->bind.interface, "eth0");
  c = ParseConfig("totem {\n interface {\n  bindnetaddr: 172.16.0.0\n  mcastaddr: 226.94.1.1\n }\n}\n", "v.conf");
  ASSERT_TRUE(c.ok());
  id = ResolveIdentity(*c, Locals(), "host-a");
  ASSERT_FALSE(id.ok());
  EXPECT_NE(id.status().message().find("v.conf:2: bindnetaddr 172.16.0.0 matches no local address"),
            std::string::npos)
      << id.status().message();
  EXPECT_NE(id.status().message().find("10.12.12.93/8 (eth0)"), std::string::npos);
}

TEST(IdentityTest, AnExactAddressMatchWins) {
  std::vector<LocalAddress> local = {{"eth0", Ip("192.168.1.7"), 24}, {"eth1", Ip("192.168.1.101"), 24}};
  auto c = ParseConfig("totem {\n interface {\n  bindnetaddr: 192.168.1.101\n  mcastaddr: 226.94.1.1\n }\n}\n", "v.conf");
  ASSERT_TRUE(c.ok());
  auto id = ResolveIdentity(*c, local, "h");
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(id->bind.interface, "eth1");
}

TEST(IdentityTest, TheNodelistEntryWithALocalAddressIsThisNode) {
  auto c = ParseConfig("nodelist {\n node {\n  ring0_addr: 192.168.1.100\n  nodeid: 1\n }\n"
                       " node {\n  ring0_addr: 192.168.1.101\n  nodeid: 2\n }\n}\n", "v.conf");
  ASSERT_TRUE(c.ok()) << c.status().message();
  auto id = ResolveIdentity(*c, Locals(), "node2-host");
  ASSERT_TRUE(id.ok()) << id.status().message();
  EXPECT_EQ(id->node_index, 1);
  EXPECT_EQ(id->nodeid, 2u);
  EXPECT_EQ(id->name, "node2-host");  // no name in the nodelist: the host name
  auto none = ResolveIdentity(*c, {{"lo", Ip("127.0.0.1"), 8}}, "h");
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.status().message().find("no nodelist entry has a local ring0_addr"), std::string::npos);
}

class AuthkeyTest : public ::testing::Test {
 protected:
  testing::TempDir tmp_;
  std::filesystem::path dir_ = tmp_.path();
};

TEST_F(AuthkeyTest, WritesRandomBytesReadableByTheOwnerOnly) {
  const auto key = dir_ / "etc" / "authkey";  // the directory is created
  ASSERT_TRUE(WriteAuthkey(key, kAuthkeyDefaultBytes, false).ok());
  struct stat st{};
  ASSERT_EQ(stat(key.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0400u);
  EXPECT_EQ(st.st_size, 256);
  auto read = ReadAuthkey(key);
  ASSERT_TRUE(read.ok()) << read.status().message();
  EXPECT_EQ(read->size(), 256u);
  EXPECT_NE(*read, std::string(256, '\0'));
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(key.parent_path()), {}), 1);  // no leftovers
}

TEST_F(AuthkeyTest, KeepsAnExistingKeyUnlessForced) {
  const auto key = dir_ / "authkey";
  ASSERT_TRUE(WriteAuthkey(key, 128, false).ok());
  const std::string first = testing::ReadFile(key);
  const Status again = WriteAuthkey(key, 128, false);
  ASSERT_FALSE(again.ok());
  EXPECT_NE(again.message().find("exists; --force replaces it"), std::string::npos);
  EXPECT_EQ(testing::ReadFile(key), first);
  ASSERT_TRUE(WriteAuthkey(key, 512, true).ok());
  EXPECT_EQ(testing::ReadFile(key).size(), 512u);
}

TEST_F(AuthkeyTest, RefusesKeysOfTheWrongSizeOrThatOthersCanRead) {
  std::filesystem::create_directories(dir_);
  EXPECT_FALSE(WriteAuthkey(dir_ / "small", 16, false).ok());
  const auto key = dir_ / "authkey";
  ASSERT_TRUE(WriteAuthkey(key, 256, false).ok());
  chmod(key.c_str(), 0440);
  auto r = ReadAuthkey(key);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("may be read or written by others (mode 0440"), std::string::npos)
      << r.status().message();
  const auto shortkey = dir_ / "short";
  testing::WriteFile(shortkey, "abc", 0400);
  r = ReadAuthkey(shortkey);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("has 3 bytes"), std::string::npos) << r.status().message();
  r = ReadAuthkey(dir_ / "missing");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("is missing ('vigil keygen -k " + (dir_ / "missing").string() + "' makes one)"),
            std::string::npos)
      << r.status().message();
  std::filesystem::create_symlink(key, dir_ / "link");
  EXPECT_FALSE(ReadAuthkey(dir_ / "link").ok());  // a key is never read through a link
}

}  // namespace
}  // namespace vigil::config
