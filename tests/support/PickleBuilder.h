#pragma once
// Appends pickle opcodes and their arguments: just enough to write test pickles by hand, such as
// torch.save's data.pkl (tst_pickle, tst_checkpoint). Plain C++17, header only.

#include <cstdint>
#include <string>
#include <vector>

namespace testsupport {

class PickleBuilder {
public:
    PickleBuilder& op(unsigned char c) {
        m_bytes += static_cast<char>(c);
        return *this;
    }
    PickleBuilder& raw(const std::string& s) {
        m_bytes += s;
        return *this;
    }
    PickleBuilder& le(std::uint64_t v, int n) {
        for (int i = 0; i < n; ++i) m_bytes += static_cast<char>((v >> (8 * i)) & 0xff);
        return *this;
    }
    PickleBuilder& proto(int v) { return op(0x80).le(static_cast<std::uint64_t>(v), 1); }
    PickleBuilder& mark() { return op('('); }
    PickleBuilder& stop() { return op('.'); }
    PickleBuilder& str(const std::string& s) { return op('X').le(s.size(), 4).raw(s); }
    PickleBuilder& int1(int v) { return op('K').le(static_cast<std::uint64_t>(v), 1); }
    PickleBuilder& int4(std::int32_t v) { return op('J').le(static_cast<std::uint32_t>(v), 4); }
    PickleBuilder& global(const std::string& module, const std::string& name) {
        return op('c').raw(module + "\n" + name + "\n");
    }
    // ('storage', torch.<type>, key, 'cpu', numel) BINPERSID
    PickleBuilder& storage(const std::string& type, const std::string& key, int numel) {
        return mark().str("storage").global("torch", type).str(key).str("cpu").int4(numel).op('t').op('Q');
    }
    PickleBuilder& intTuple(const std::vector<int>& v) {
        mark();
        for (int x : v) int4(x);
        return op('t');
    }
    // torch._utils._rebuild_tensor_v2(storage, offset, sizes, strides, False, OrderedDict())
    PickleBuilder& tensor(const std::string& type, const std::string& key, int numel, int offset,
                          const std::vector<int>& sizes, const std::vector<int>& strides) {
        global("torch._utils", "_rebuild_tensor_v2").mark().storage(type, key, numel).int4(offset);
        intTuple(sizes).intTuple(strides).op(0x89).global("collections", "OrderedDict").op(')').op('R');
        return op('t').op('R');
    }
    const std::string& bytes() const { return m_bytes; }

private:
    std::string m_bytes;
};

}  // namespace testsupport
