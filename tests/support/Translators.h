#pragma once
// Pseudo-translations for the UI tests (Qt Core, header only): with them installed, a visible
// text that comes out unchanged did not go through tr(), and a layout shows whether it wraps or
// grows when texts get longer.

#include <QByteArray>
#include <QString>
#include <QTranslator>

namespace testsupport {

/// Rewrites the source text of every tr() call; Qt's own texts (QDialogButtonBox, ...: contexts
/// that start with Q) too, unless `applicationOnly`.
class RewritingTranslator : public QTranslator {
public:
    explicit RewritingTranslator(bool applicationOnly = false) : m_applicationOnly(applicationOnly) {}
    bool isEmpty() const override { return false; }
    QString translate(const char* context, const char* source, const char* disambiguation = nullptr,
                      int n = -1) const override {
        Q_UNUSED(disambiguation)
        Q_UNUSED(n)
        if (m_applicationOnly && QByteArray(context).startsWith('Q')) return {};
        return rewrite(QString::fromUtf8(source));
    }

protected:
    virtual QString rewrite(const QString& text) const = 0;

private:
    bool m_applicationOnly;
};

/// Every text as ⟦text⟧: "⟦Saved …⟧" went through tr(), "Saved …" did not.
class MarkingTranslator : public RewritingTranslator {
public:
    using RewritingTranslator::RewritingTranslator;

protected:
    QString rewrite(const QString& text) const override { return QStringLiteral("⟦") + text + QStringLiteral("⟧"); }
};

/// Every text half as long again, as some languages are.
class LongerTranslator : public RewritingTranslator {
public:
    using RewritingTranslator::RewritingTranslator;

protected:
    QString rewrite(const QString& text) const override {
        return text + QLatin1Char(' ') + text.left(text.size() / 2).remove(QLatin1Char('&'));
    }
};

}  // namespace testsupport
