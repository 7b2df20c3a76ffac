// Building the unpickler's value tree: scalars, containers, Python dict key semantics, and the
// nesting-height, container-size and derived-work limits checked as values are made.

#include "PickleParser.h"

#include <functional>

namespace diffclip {

using namespace pickle_detail;

PickleRef PickleParser::newValue(PickleKind kind) {
    if (m_doc.m_values.size() >= m_limits.maxValues || m_doc.m_values.size() >= kNoPickleRef - 1) {
        failFormat("pickle creates more than " + std::to_string(m_limits.maxValues) + " values (offset " +
                   std::to_string(m_opOffset) + ")");
    }
    m_doc.m_values.emplace_back();
    m_doc.m_values.back().kind = kind;
    return static_cast<PickleRef>(m_doc.m_values.size() - 1);
}

PickleRef PickleParser::newInt(std::int64_t v) {
    const PickleRef r = newValue(PickleKind::Int);
    val(r).intValue = v;
    return r;
}

PickleRef PickleParser::newText(PickleKind kind, std::string text) {
    const PickleRef r = newValue(kind);
    val(r).text = std::move(text);
    return r;
}

PickleRef PickleParser::newString(const std::uint8_t* p, std::size_t n) {
    if (!isValidUtf8(p, n)) failFormat("invalid UTF-8 in string at offset " + std::to_string(m_opOffset));
    return newText(PickleKind::String, std::string(reinterpret_cast<const char*>(p), n));
}

PickleRef PickleParser::newLegacyString(std::string s) {
    const bool utf8 = isValidUtf8(reinterpret_cast<const std::uint8_t*>(s.data()), s.size());
    return newText(utf8 ? PickleKind::String : PickleKind::Bytes, std::move(s));
}

PickleRef PickleParser::singleton(PickleRef& slot, PickleKind kind, bool b) {
    if (slot == kNoPickleRef) {
        slot = newValue(kind);
        val(slot).boolValue = b;
    }
    return slot;
}

PickleRef PickleParser::newBigInt(PickleKind payloadKind, std::string payload) {
    const PickleRef payloadRef = newText(payloadKind, std::move(payload));
    const PickleRef args = makeSequence(PickleKind::Tuple, {payloadRef});
    return newObject("builtins", "int", args, kNoPickleRef);
}

PickleRef PickleParser::newObject(std::string module, std::string name, PickleRef args, PickleRef kwargs) {
    const PickleRef r = newValue(PickleKind::Object);
    val(r).text = std::move(module);
    val(r).name = std::move(name);
    val(r).args = args;
    val(r).kwargs = kwargs;
    if (args != kNoPickleRef) raiseHeight(r, args);
    if (kwargs != kNoPickleRef) raiseHeight(r, kwargs);
    return r;
}

void PickleParser::raiseHeight(PickleRef container, PickleRef child) {
    const std::uint32_t h = val(child).height + 1;
    if (h > val(container).height) {
        if (h > m_limits.maxDepth) {
            failFormat("pickle nesting deeper than " + std::to_string(m_limits.maxDepth) + " levels at offset " +
                       std::to_string(m_opOffset));
        }
        val(container).height = h;
    }
}

void PickleParser::charge(std::size_t units) {
    m_derived += units;
    if (m_derived > m_limits.maxDerivedBytes) {
        failFormat("pickle expands to more than " + std::to_string(m_limits.maxDerivedBytes) +
                   " bytes of copied data (offset " + std::to_string(m_opOffset) + ")");
    }
}

void PickleParser::checkContainerSize(std::size_t n) {
    if (n > m_limits.maxContainerItems) {
        failFormat("pickle container of more than " + std::to_string(m_limits.maxContainerItems) +
                   " items at offset " + std::to_string(m_opOffset));
    }
}

PickleRef PickleParser::makeSequence(PickleKind kind, std::vector<PickleRef> items) {
    checkContainerSize(items.size());
    const PickleRef r = newValue(kind);
    for (PickleRef item : items) raiseHeight(r, item);
    val(r).items = std::move(items);
    return r;
}

PickleRef PickleParser::makeDict(const std::vector<PickleRef>& flat) {
    if (flat.size() % 2 != 0) failFormat("odd number of items for a dict at offset " + std::to_string(m_opOffset));
    const PickleRef r = newValue(PickleKind::Dict);
    for (std::size_t i = 0; i < flat.size(); i += 2) dictSet(r, flat[i], flat[i + 1]);
    return r;
}

std::optional<PickleParser::KeyId> PickleParser::keyIdentity(PickleRef key) {
    const PickleValue& k = val(key);
    KeyId id;
    switch (k.kind) {
    case PickleKind::None: id.cls = 'n'; return id;
    case PickleKind::String:
    case PickleKind::Bytes:
        id.cls = k.kind == PickleKind::String ? 's' : 'b';
        id.text = &k.text;
        return id;
    case PickleKind::Bool:
        id.cls = 'i';
        id.bits = k.boolValue ? 1 : 0;
        return id;
    case PickleKind::Int:
        id.cls = 'i';
        id.bits = static_cast<std::uint64_t>(k.intValue);
        return id;
    case PickleKind::Float: {
        const double d = k.floatValue;
        if (d != d) return std::nullopt;  // NaN keys never compare equal
        if (d >= -9.2e18 && d <= 9.2e18 && d == static_cast<double>(static_cast<std::int64_t>(d))) {
            id.cls = 'i';
            id.bits = static_cast<std::uint64_t>(static_cast<std::int64_t>(d));
        } else {
            id.cls = 'f';
            std::memcpy(&id.bits, &d, sizeof d);
        }
        return id;
    }
    default: return std::nullopt;
    }
}

std::uint64_t PickleParser::keyHash(PickleRef dict, const KeyId& id) {
    std::uint64_t h = id.bits;
    if (id.text != nullptr) {
        charge(id.text->size());
        h = std::hash<std::string_view>{}(*id.text);
    }
    h ^= (static_cast<std::uint64_t>(static_cast<unsigned char>(id.cls)) << 56) + 0x9e3779b97f4a7c15ull +
         (static_cast<std::uint64_t>(dict) << 6) + (static_cast<std::uint64_t>(dict) >> 2);
    return h * 0xff51afd7ed558ccdull;
}

bool PickleParser::sameKey(const KeyId& a, PickleRef other) {
    const std::optional<KeyId> b = keyIdentity(other);
    if (!b || a.cls != b->cls || a.bits != b->bits) return false;
    if (a.text == nullptr) return true;
    charge(a.text->size());
    return *a.text == *b->text;
}

void PickleParser::dictSet(PickleRef dict, PickleRef key, PickleRef value) {
    const std::optional<KeyId> id = keyIdentity(key);
    std::uint64_t hash = 0;
    if (id) {
        hash = keyHash(dict, *id);
        const auto range = m_dictIndex.equal_range(hash);
        for (auto it = range.first; it != range.second; ++it) {
            if (it->second.first != dict) continue;
            const std::uint32_t pos = it->second.second;
            if (sameKey(*id, val(dict).entries[pos])) {
                val(dict).entries[pos + 1] = value;
                raiseHeight(dict, value);
                return;
            }
        }
    }
    checkContainerSize(val(dict).entries.size() / 2 + 1);
    raiseHeight(dict, key);
    raiseHeight(dict, value);
    if (id) m_dictIndex.emplace(hash, std::make_pair(dict, static_cast<std::uint32_t>(val(dict).entries.size())));
    val(dict).entries.push_back(key);
    val(dict).entries.push_back(value);
}

void PickleParser::appendTo(PickleRef target, PickleRef item, bool toSet) {
    const PickleKind kind = val(target).kind;
    const bool ok = toSet ? kind == PickleKind::Set : (kind == PickleKind::List || kind == PickleKind::Object);
    if (!ok) {
        failFormat(std::string(toSet ? "ADDITEMS on a " : "APPEND to a ") + pickleKindName(kind) + " at offset " +
                   std::to_string(m_opOffset));
    }
    checkContainerSize(val(target).items.size() + 1);
    raiseHeight(target, item);
    val(target).items.push_back(item);
}

void PickleParser::setItem(PickleRef target, PickleRef key, PickleRef value) {
    const PickleKind kind = val(target).kind;
    if (kind == PickleKind::Dict) {
        dictSet(target, key, value);
    } else if (kind == PickleKind::Object) {
        checkContainerSize(val(target).entries.size() / 2 + 1);
        raiseHeight(target, key);
        raiseHeight(target, value);
        val(target).entries.push_back(key);
        val(target).entries.push_back(value);
    } else {
        failFormat(std::string("SETITEM on a ") + pickleKindName(kind) + " at offset " +
                   std::to_string(m_opOffset));
    }
}

}  // namespace diffclip
