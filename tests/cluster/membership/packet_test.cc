// Membership packets: the codec, authentication (any changed byte is dropped), sizes, and the
// replay window.
#include "cluster/membership/packet.h"

#include <gtest/gtest.h>

#include <random>

#include "cluster/membership/replay_window.h"

namespace vigil::membership {
namespace {

const std::string kKey(256, 'k');

Packet Sample() {
  Packet p;
  p.type = PacketType::kHeartbeat;
  p.sender = 7;
  p.incarnation = 0x0102030405060708ull;
  p.sequence = 42;
  p.cluster = ClusterId("web");
  p.payload = "view";
  return p;
}

TEST(PacketTest, Aes256GcmRoundTripsAndHidesThePayload) {
  auto key = AesKey(kKey);
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(key->size(), 32u);
  Packet p = Sample();
  p.payload = "a view only members may read";
  auto wire = EncodePacket(p, *key, Protection::kAes256Gcm);
  ASSERT_TRUE(wire.ok()) << wire.status().message();
  EXPECT_EQ(wire->size(), kHeaderBytes + kNonceBytes + p.payload.size() + kTagBytes);
  EXPECT_EQ(wire->find("only members"), std::string::npos);
  const Decoded d = DecodePacket(*wire, *key, Protection::kAes256Gcm);
  ASSERT_EQ(d.drop, DropReason::kNone);
  EXPECT_EQ(d.packet.payload, p.payload);
  EXPECT_EQ(d.packet.sequence, 42u);
  // A fresh nonce every time: the same packet never encrypts the same way twice.
  EXPECT_NE(*EncodePacket(p, *key, Protection::kAes256Gcm), *wire);
  // A leave has no payload.
  p.type = PacketType::kLeave;
  p.payload.clear();
  const Decoded leave = DecodePacket(*EncodePacket(p, *key, Protection::kAes256Gcm), *key, Protection::kAes256Gcm);
  EXPECT_EQ(leave.drop, DropReason::kNone);
  EXPECT_EQ(leave.packet.type, PacketType::kLeave);
}

TEST(PacketTest, Aes256GcmDropsAnyChangedByteAnotherKeyAndTheOtherProtection) {
  const std::string key = *AesKey(kKey);
  const std::string wire = *EncodePacket(Sample(), key, Protection::kAes256Gcm);
  for (size_t i = 0; i < wire.size(); ++i) {
    std::string bad = wire;
    bad[i] = static_cast<char>(bad[i] ^ 0x20);
    const DropReason r = DecodePacket(bad, key, Protection::kAes256Gcm).drop;
    EXPECT_TRUE(r == DropReason::kBadMac || r == DropReason::kBadMagic) << "byte " << i;
  }
  EXPECT_EQ(DecodePacket(wire, *AesKey(std::string(256, 'x')), Protection::kAes256Gcm).drop, DropReason::kBadMac);
  EXPECT_EQ(DecodePacket(wire, kKey).drop, DropReason::kBadMagic);
  EXPECT_EQ(DecodePacket(*EncodePacket(Sample(), kKey), key, Protection::kAes256Gcm).drop, DropReason::kBadMagic);
  EXPECT_EQ(DecodePacket(wire.substr(0, kHeaderBytes + kNonceBytes + kTagBytes - 1), key, Protection::kAes256Gcm).drop,
            DropReason::kTooShort);
}

TEST(PacketTest, RoundTrips) {
  auto wire = EncodePacket(Sample(), kKey);
  ASSERT_TRUE(wire.ok());
  EXPECT_EQ(wire->size(), kHeaderBytes + 4 + kMacBytes);
  const Decoded d = DecodePacket(*wire, kKey);
  ASSERT_EQ(d.drop, DropReason::kNone);
  EXPECT_EQ(d.packet.sender, 7u);
  EXPECT_EQ(d.packet.incarnation, 0x0102030405060708ull);
  EXPECT_EQ(d.packet.sequence, 42u);
  EXPECT_EQ(d.packet.cluster, ClusterId("web"));
  EXPECT_EQ(d.packet.payload, "view");
  EXPECT_NE(ClusterId("web"), ClusterId("db"));
}

TEST(PacketTest, AnotherKeyIsAForgery) {
  auto wire = EncodePacket(Sample(), kKey);
  ASSERT_TRUE(wire.ok());
  EXPECT_EQ(DecodePacket(*wire, std::string(256, 'x')).drop, DropReason::kBadMac);
}

TEST(PacketTest, EveryChangedByteIsDropped) {
  auto wire = EncodePacket(Sample(), kKey);
  ASSERT_TRUE(wire.ok());
  for (size_t i = 0; i < wire->size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string bad = *wire;
      bad[i] = static_cast<char>(bad[i] ^ (1 << bit));
      const DropReason r = DecodePacket(bad, kKey).drop;
      EXPECT_TRUE(r == DropReason::kBadMac || r == DropReason::kBadMagic) << "byte " << i << " bit " << bit;
    }
  }
}

TEST(PacketTest, SizesAreChecked) {
  auto wire = EncodePacket(Sample(), kKey);
  ASSERT_TRUE(wire.ok());
  EXPECT_EQ(DecodePacket(wire->substr(0, 20), kKey).drop, DropReason::kTooShort);
  EXPECT_EQ(DecodePacket("", kKey).drop, DropReason::kTooShort);
  EXPECT_EQ(DecodePacket(std::string(kMaxPacket + 1, 'V'), kKey).drop, DropReason::kTooLong);
  EXPECT_EQ(DecodePacket(*wire + "x", kKey).drop, DropReason::kBadMac);
  EXPECT_EQ(DecodePacket(std::string(100, 'z'), kKey).drop, DropReason::kBadMagic);
  Packet big = Sample();
  big.payload.assign(kMaxPayload, 'p');
  auto max = EncodePacket(big, kKey);
  ASSERT_TRUE(max.ok());
  EXPECT_EQ(max->size(), kMaxPacket);
  EXPECT_EQ(DecodePacket(*max, kKey).drop, DropReason::kNone);
  big.payload.push_back('p');
  EXPECT_FALSE(EncodePacket(big, kKey).ok());
}

TEST(PacketTest, RandomGarbageIsNeverAccepted) {
  std::mt19937 rng(1);
  for (int i = 0; i < 20000; ++i) {
    std::string junk(std::uniform_int_distribution<size_t>(0, kMaxPacket + 10)(rng), '\0');
    for (auto& c : junk) c = static_cast<char>(rng());
    if (i % 2 == 0 && junk.size() >= 4) junk.replace(0, 4, std::string("VGL\1", 4));
    EXPECT_NE(DecodePacket(junk, kKey).drop, DropReason::kNone);
  }
}

TEST(ReplayWindowTest, AcceptsEachSequenceOnce) {
  ReplayWindow w;
  EXPECT_EQ(w.Check(1, 10), DropReason::kNone);
  EXPECT_EQ(w.Check(1, 10), DropReason::kReplayed);
  EXPECT_EQ(w.Check(1, 12), DropReason::kNone);
  EXPECT_EQ(w.Check(1, 11), DropReason::kNone);  // late but new
  EXPECT_EQ(w.Check(1, 11), DropReason::kReplayed);
  EXPECT_EQ(w.Check(1, 12), DropReason::kReplayed);
}

TEST(ReplayWindowTest, TooOldIsReplayed) {
  ReplayWindow w;
  EXPECT_EQ(w.Check(1, 100), DropReason::kNone);
  EXPECT_EQ(w.Check(1, 100 - ReplayWindow::kWidth + 1), DropReason::kNone);
  EXPECT_EQ(w.Check(1, 100 - ReplayWindow::kWidth), DropReason::kReplayed);
  EXPECT_EQ(w.Check(1, 1000), DropReason::kNone);  // a jump clears the window
  EXPECT_EQ(w.Check(1, 999), DropReason::kNone);
}

TEST(ReplayWindowTest, ARestartedSenderStartsAfreshAndItsPastIsStale) {
  ReplayWindow w;
  EXPECT_EQ(w.Check(5, 900), DropReason::kNone);
  EXPECT_EQ(w.Check(6, 1), DropReason::kNone);
  EXPECT_EQ(w.Check(6, 2), DropReason::kNone);
  EXPECT_EQ(w.Check(5, 901), DropReason::kStale);
}

}  // namespace
}  // namespace vigil::membership
