// Plugins: a good one loads; a wrong ABI, a missing entry symbol, an unresolved symbol and a
// throwing entry point are each refused with one log line naming the file and the reason, and
// the good one still loads beside them.
#include "host/plugin_loader.h"

#include <gtest/gtest.h>

#include "common/log.h"
#include "host/registry.h"
#include "tests/support/test_util.h"

namespace vigil {
namespace {

using testing::TestPluginDir;

vigil_host NullHost() {
  vigil_host h{};
  h.abi_major = VIGIL_ABI_MAJOR;
  h.abi_minor = VIGIL_ABI_MINOR;
  h.size = sizeof(vigil_host);
  return h;
}

std::string Refusal(const std::string& file) {
  vigil_host host = NullHost();
  auto p = LoadedPlugin::Load(TestPluginDir() + "/" + file, &host);
  EXPECT_FALSE(p.ok()) << file << " loaded but should have been refused";
  return p.ok() ? "" : p.status().message();
}

TEST(PluginLoaderTest, LoadsGoodPluginAndListsItsAgents) {
  vigil_host host = NullHost();
  auto p = LoadedPlugin::Load(TestPluginDir() + "/noop.so", &host);
  ASSERT_TRUE(p.ok()) << p.status().message();
  auto agents = (*p)->Agents();
  ASSERT_EQ(agents.size(), 2u);
  EXPECT_EQ(agents[0].name, "ocf:vigiltest:Noop");
  EXPECT_EQ(agents[0].kind, VIGIL_AGENT_NATIVE);
}

TEST(PluginLoaderTest, RefusesWrongAbiWithBothVersions) {
  std::string why = Refusal("wrong_abi.so");
  EXPECT_NE(why.find("wrong_abi.so"), std::string::npos) << why;
  EXPECT_NE(why.find("ABI " + std::to_string(VIGIL_ABI_MAJOR + 1) + ".0"), std::string::npos) << why;
  EXPECT_NE(why.find("host's ABI " + std::to_string(VIGIL_ABI_MAJOR) + "."), std::string::npos) << why;
}

TEST(PluginLoaderTest, RefusesMissingEntrySymbol) {
  std::string why = Refusal("no_entry.so");
  EXPECT_NE(why.find("no entry symbol vigil_plugin_entry"), std::string::npos) << why;
}

TEST(PluginLoaderTest, RefusesUnresolvedSymbolAtLoad) {
  std::string why = Refusal("unresolved.so");
  EXPECT_NE(why.find("vigil_test_symbol_nobody_defines"), std::string::npos) << why;
}

TEST(PluginLoaderTest, RefusesThrowingEntryPoint) {
  std::string why = Refusal("throwing.so");
  EXPECT_NE(why.find("entry point threw: entry point failed on purpose"), std::string::npos) << why;
}

TEST(PluginLoaderTest, RefusesFileThatIsNotASharedObject) {
  testing::TempDir dir;
  { std::ofstream(dir / "junk.so") << "not an ELF file"; }
  vigil_host host = NullHost();
  auto p = LoadedPlugin::Load(dir / "junk.so", &host);
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.status().message().find("junk.so"), std::string::npos);
}

TEST(PluginLoaderTest, RegistryLogsOneLinePerRefusedPluginAndKeepsTheGoodOne) {
  std::vector<std::string> lines;
  SetLogSink([&](LogLevel level, const std::string& m) {
    if (level == LogLevel::kError) lines.push_back(m);
  });
  RegistryOptions o;
  o.plugin_dirs = {TestPluginDir()};
  o.ocf_root = "/nonexistent";
  AgentRegistry registry(o);
  SetLogSink(nullptr);

  EXPECT_EQ(registry.refused().size(), 4u);
  ASSERT_EQ(lines.size(), 4u);
  for (const char* bad : {"wrong_abi.so", "no_entry.so", "unresolved.so", "throwing.so"}) {
    int n = 0;
    for (const auto& l : lines) n += l.find(bad) != std::string::npos ? 1 : 0;
    EXPECT_EQ(n, 1) << bad;
  }
  EXPECT_TRUE(registry.Find("ocf:vigiltest:Noop").ok());
  EXPECT_TRUE(registry.Find("ocf:vigiltest:Sleep").ok());
}

TEST(AgentNameTest, AcceptsOnlyOcfProviderType) {
  EXPECT_TRUE(IsValidAgentName("ocf:heartbeat:IPaddr2"));
  EXPECT_FALSE(IsValidAgentName("heartbeat:IPaddr2"));
  EXPECT_FALSE(IsValidAgentName("ocf::IPaddr2"));
  EXPECT_FALSE(IsValidAgentName("ocf:heartbeat:"));
  EXPECT_FALSE(IsValidAgentName("ocf:a:b:c"));
  EXPECT_FALSE(IsValidAgentName("ocf:heart/beat:x"));
}

}  // namespace
}  // namespace vigil
