#include "redline/core/sha256.hpp"

#include <gtest/gtest.h>

namespace redline {
namespace {

TEST(Sha256Test, Fips180Vectors) {
    EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    EXPECT_EQ(sha256_hex("abc"),
              "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
              "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    EXPECT_EQ(sha256_hex(std::string(1000000, 'a')),
              "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

std::string digest(const std::string& data, Sha256::Engine engine, std::size_t piece) {
    Sha256 s(engine);
    for (std::size_t i = 0; i < data.size(); i += piece)
        s.update(data.data() + i, std::min(piece, data.size() - i));
    return s.hex_digest();
}

// The portable compression gives the published digests too (whatever this processor has).
TEST(Sha256Test, PortableFips180Vectors) {
    const auto portable = [](const std::string& d) {
        return digest(d, Sha256::Engine::Portable, 1 << 20);
    };
    EXPECT_FALSE(Sha256(Sha256::Engine::Portable).hardware());
    EXPECT_EQ(portable("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(portable(std::string(1000000, 'a')),
              "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

// The SHA-extension path (when the processor has it) equals the portable one on every length
// around block boundaries, fed whole or in uneven pieces.
TEST(Sha256Test, HardwareEqualsPortable) {
    if (!Sha256().hardware()) GTEST_SKIP() << "no SHA extensions on this processor";
    std::string data;
    std::uint32_t x = 12345;
    for (int i = 0; i < 5000; ++i) {
        x = x * 1103515245u + 12345u;
        data += static_cast<char>(x >> 24);
    }
    for (std::size_t len : {0, 1, 55, 56, 63, 64, 65, 119, 127, 128, 129, 1000, 4096, 5000})
        for (std::size_t piece : {1, 37, 64, 1 << 20}) {
            const std::string d = data.substr(0, len);
            EXPECT_EQ(digest(d, Sha256::Engine::Best, piece),
                      digest(d, Sha256::Engine::Portable, piece))
                << len << " bytes in pieces of " << piece;
        }
}

TEST(Sha256Test, StreamingEqualsOneShot) {
    std::string data;
    for (int i = 0; i < 1000; ++i) data += static_cast<char>(i * 7);
    Sha256 s;
    for (std::size_t i = 0; i < data.size(); i += 37)
        s.update(data.data() + i, std::min<std::size_t>(37, data.size() - i));
    EXPECT_EQ(s.hex_digest(), sha256_hex(data));
}

}  // namespace
}  // namespace redline
